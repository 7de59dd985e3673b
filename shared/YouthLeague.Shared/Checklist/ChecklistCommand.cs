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
/// <see cref="Id"/> makes a repeat recognisable (the submission id or the review id). <see cref="Activity"/>: for a
/// review of a further activity of an approved step (version 3), that activity's submission id; null for the step's own.
/// </summary>
public sealed record ChecklistCommand(
    string Id,
    CommandKind Kind,
    string Step,
    string Actor,
    DateTimeOffset At,
    bool Exemplary = false,
    string? Activity = null);
