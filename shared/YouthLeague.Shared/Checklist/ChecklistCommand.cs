using System.Text.Json.Serialization;

namespace YouthLeague.Checklist;

[JsonConverter(typeof(JsonStringEnumConverter<CommandKind>))]
public enum CommandKind
{
    [JsonStringEnumMemberName("submit")] Submit,
    [JsonStringEnumMemberName("approve")] Approve,
    [JsonStringEnumMemberName("return")] Return,
}

/// <summary>
/// What reaches a checklist: a submission or a review. Carries ids only (no personal data, no files);
/// <see cref="Id"/> makes a repeat recognisable (the submission id or the review id).
/// </summary>
public sealed record ChecklistCommand(
    string Id,
    CommandKind Kind,
    string Step,
    string Actor,
    DateTimeOffset At,
    bool Exemplary = false);
