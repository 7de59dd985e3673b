using Azure;
using Azure.Data.Tables;

namespace YouthLeague.Storage;

/// <summary>Common ITableEntity plumbing.</summary>
public abstract class EntityBase : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }
}

public sealed class TownEntity : EntityBase
{
    public const string Partition = "town";

    public string Name { get; set; } = "";

    public string ReviewerUsername { get; set; } = "";
}

public sealed class VillageEntity : EntityBase
{
    public const string Partition = "village";

    public string TownId { get; set; } = "";

    public string Name { get; set; } = "";

    public bool Sample { get; set; }

    public string SecretaryName { get; set; } = "";

    public string SecretaryUsername { get; set; } = "";

    public string DispatchingUnit { get; set; } = "";

    /// <summary>The secretary's mobile (personal data: shown to the city's administrators, never logged).</summary>
    public string SecretaryPhone { get; set; } = "";

    /// <summary>The secretary's term as the city's sheet gives it (任职起止), e.g. "2024.03-2026.03".</summary>
    public string Term { get; set; } = "";

    /// <summary>A village that merged into another: kept with its history, no new year opens for it.</summary>
    public bool Closed { get; set; }

    public string MergedInto { get; set; } = "";
}

/// <summary>Row "checklist" of partition "{year}-{villageId}".</summary>
public sealed class ChecklistEntity : EntityBase
{
    public const string Row = "checklist";

    public int Year { get; set; }

    public string VillageId { get; set; } = "";

    public string TownId { get; set; } = "";

    public string Status { get; set; } = "notStarted";

    public int? Score { get; set; }

    public bool? Closed { get; set; }

    /// <summary>The orchestration version the checklist started under (null in merges that do not set it).</summary>
    public int? Version { get; set; }

    /// <summary>The calendar the checklist runs on (JSON), written when it starts; null before the closing window existed.</summary>
    public string? CalendarJson { get; set; }

    /// <summary>The last day of the checklist's closing window (yyyy-MM-dd), written when it starts.</summary>
    public string? ClosesOn { get; set; }
}

/// <summary>Row "step-{key}": the step's state as the orchestration last wrote it.</summary>
public sealed class StepEntity : EntityBase
{
    public const string Prefix = "step-";

    public string Step { get; set; } = "";

    public string Status { get; set; } = "notStarted";

    /// <summary>JSON array of accepted submission ids, oldest first.</summary>
    public string SubmissionIds { get; set; } = "[]";

    public int ReturnedRounds { get; set; }

    public DateTimeOffset? FirstSubmittedAt { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    public bool Exemplary { get; set; }

    public string? LastReviewId { get; set; }

    /// <summary>JSON array of the step's further activities (FurtherActivity: submission id, status, review id), oldest first; version 3.</summary>
    public string? FurtherJson { get; set; }
}

/// <summary>Row "sub-{submissionId}": what was handed in (fields and evidence metadata), written once.</summary>
public sealed class SubmissionEntity : EntityBase
{
    public const string Prefix = "sub-";

    public string Step { get; set; } = "";

    public string FieldsJson { get; set; } = "{}";

    public string EvidenceJson { get; set; } = "[]";

    public DateTimeOffset SubmittedAt { get; set; }

    public string By { get; set; } = "";

    /// <summary>The secretary's name when handing in (empty in rows written before it was kept).</summary>
    public string ByName { get; set; } = "";

    /// <summary>The secretary's dispatching unit (派出单位) when handing in.</summary>
    public string DispatchingUnit { get; set; } = "";
}

/// <summary>Row "rev-{reviewId}": a review with its comment.</summary>
public sealed class ReviewEntity : EntityBase
{
    public const string Prefix = "rev-";

    public string Step { get; set; } = "";

    public string Decision { get; set; } = "";

    public string Comment { get; set; } = "";

    public bool Exemplary { get; set; }

    public string By { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary>The further activity reviewed (its submission id); null for a review of the step's own submission.</summary>
    public string? Activity { get; set; }
}

/// <summary>Row "audit-{commandId}": who did what, when, from which state to which.</summary>
public sealed class AuditEntity : EntityBase
{
    public const string Prefix = "audit-";

    public string Step { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Actor { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string From { get; set; } = "";

    public string To { get; set; } = "";

    public string Outcome { get; set; } = "";

    public string? Reason { get; set; }

    /// <summary>The reviewer's comment (approve, return) or what a town's meeting recommended.</summary>
    public string? Comment { get; set; }

    /// <summary>An approval that marked the step an outstanding-case candidate (优秀典型候选).</summary>
    public bool? Exemplary { get; set; }
}

/// <summary>Row "q{n}-{villageId}" of partition "{year}-{townId}": a village's checklist at a quarter's end, never overwritten.</summary>
public sealed class SnapshotEntity : EntityBase
{
    public string VillageId { get; set; } = "";

    public int Quarter { get; set; }

    public DateTime AsOf { get; set; }

    /// <summary>JSON object step → status.</summary>
    public string StepsJson { get; set; } = "{}";

    public int Approved { get; set; }

    public int Overdue { get; set; }
}
