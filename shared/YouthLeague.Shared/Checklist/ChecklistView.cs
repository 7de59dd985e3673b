using System.Text.Json.Serialization;

namespace YouthLeague.Checklist;

/// <summary>The checklist as <c>GET /api/checklists/{year}/{villageId}</c> returns it (API v1).</summary>
/// <param name="Version">The orchestration version the checklist runs under; from 3 an approved step takes further activities.</param>
public sealed record ChecklistView(string VillageId, int Year, string Status, string TownId, int? Score, IReadOnlyList<StepView> Steps, int Version = 1)
{
    /// <summary>Whether an approved step takes further activities (orchestration version 3 and later).</summary>
    [JsonIgnore]
    public bool TakesFurtherActivities => Version >= 3;
}

/// <param name="InFlight">
/// The step's last submission was handed in and is not on the checklist yet: the status is what the orchestration will
/// make of it (only on the village's own page, <c>ChecklistReader.ReadAsync(…, withInFlight: true, …)</c>; never in the API).
/// </param>
public sealed record StepView(
    string Key,
    string Title,
    string Help,
    StepStatus Status,
    string Due,
    bool Overdue,
    int ReturnedRounds,
    bool Exemplary,
    IReadOnlyList<FieldView> Fields,
    EvidenceRuleView Evidence,
    IReadOnlyList<SubmissionView> Submissions,
    ReviewView? LastReview,
    [property: JsonIgnore] IReadOnlyList<ActivityView>? Further = null,
    [property: JsonIgnore] bool InFlight = false)
{
    /// <summary>Further activities recorded after the step was approved (version 3), oldest first.</summary>
    public IReadOnlyList<ActivityView> FurtherActivities => Further ?? [];

    /// <summary>Approved activities of this step: its own (once approved) and every approved further one.</summary>
    public int ApprovedActivities => (Status == StepStatus.Approved ? 1 : 0) + FurtherActivities.Count(a => a.Status == StepStatus.Approved);
}

/// <summary>A further activity of an approved step: what was handed in, its status and its review.</summary>
/// <param name="InFlight">Handed in and not on the checklist yet (see <see cref="StepView.InFlight"/>).</param>
public sealed record ActivityView(SubmissionView Submission, StepStatus Status, ReviewView? Review, bool Exemplary, [property: JsonIgnore] bool InFlight = false);

public sealed record FieldView(string Name, string Label, [property: JsonConverter(typeof(FieldTypeWireConverter))] FieldType Type, bool Required, double? Min, double? Max, IReadOnlyList<string>? Options);

public sealed record EvidenceRuleView(IReadOnlyList<string> Kinds, int Min, int Max, long MaxBytes);

/// <param name="ByName">The secretary's name at the time (empty for submissions from before it was kept: <see cref="By"/> then).</param>
/// <param name="DispatchingUnit">The secretary's dispatching unit (派出单位) at the time.</param>
public sealed record SubmissionView(string Id, DateTimeOffset SubmittedAt, string By, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<EvidenceView> Evidence, string ByName = "", string DispatchingUnit = "")
{
    /// <summary>Who handed it in, for a sheet: "name（unit）", or the username when the name was not kept.</summary>
    public string Handler => (ByName.Length > 0 ? ByName : By) + (DispatchingUnit.Length > 0 ? $"（{DispatchingUnit}）" : "");
}

public sealed record EvidenceView(string Id, string Kind, long Bytes, string Url, string? ThumbnailUrl);

public sealed record ReviewView(ReviewDecision Decision, string Comment, string By, DateTimeOffset At, bool Exemplary);

/// <summary>Evidence metadata kept with a submission; <see cref="Blob"/> is the app-made path, never the client's name.</summary>
public sealed record EvidenceItem(string Id, string Kind, long Bytes, string Blob, string? Thumbnail = null);
