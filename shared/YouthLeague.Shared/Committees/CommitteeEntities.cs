using YouthLeague.Storage;

namespace YouthLeague.Committees;

/// <summary>
/// Row "{villageId}|{step}" of partition "{year}-{townId}-cases" in TownProgress: a step a reviewer approved and
/// marked as an outstanding-case candidate (优秀典型候选), with a copy of what was handed in, so that a meeting pack
/// reads every candidate of a town in one query. Written by the checklist projection, once per approval. An approved
/// further activity of a step (version 3) has its own row "{villageId}|{step}|{submissionId}" in the same partition, so
/// the pack counts it in the same query; it is a candidate only when marked exemplary (<see cref="Candidate"/>).
/// </summary>
public sealed class CaseEntity : EntityBase
{
    public string VillageId { get; set; } = "";

    public string Step { get; set; } = "";

    public string SubmissionId { get; set; } = "";

    public string ReviewId { get; set; } = "";

    public string Comment { get; set; } = "";

    public string ReviewedBy { get; set; } = "";

    public DateTimeOffset ApprovedAt { get; set; }

    /// <summary>The submission's answers (JSON object field → value).</summary>
    public string FieldsJson { get; set; } = "{}";

    /// <summary>The submission's evidence metadata (JSON array of EvidenceItem); URLs are made when shown.</summary>
    public string EvidenceJson { get; set; } = "[]";

    public static string Partition(int year, string townId) => Keys.Town(year, townId) + "-cases";

    /// <summary>A further activity of the step (its submission id, version 3); null for the step's own approval.</summary>
    public string? Activity { get; set; }

    /// <summary>Whether the row is an outstanding-case candidate; false for an approved further activity not marked exemplary (it only counts). Null (rows before further activities): a candidate.</summary>
    public bool? Candidate { get; set; }

    public static string Row(string villageId, string step, string? activity = null) =>
        activity is null ? $"{villageId}|{step}" : $"{villageId}|{step}|{activity}";
}

/// <summary>Row "q{n}" of partition "{year}-{townId}" in Meetings: the town's quarterly exchange meeting (季度交流会).</summary>
public sealed class MeetingEntity : EntityBase
{
    public int Quarter { get; set; }

    /// <summary>yyyy-MM-dd, China time.</summary>
    public string Date { get; set; } = "";

    public string Attendees { get; set; } = "";

    public string Minutes { get; set; } = "";

    /// <summary>JSON array of "{villageId}|{step}" recommended to the city.</summary>
    public string RecommendedJson { get; set; } = "[]";

    public string RecordedBy { get; set; } = "";

    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>The form token of the post that wrote this version: the same post again changes nothing.</summary>
    public string FormToken { get; set; } = "";

    /// <summary>JSON array of Attendance: each of the town's secretaries, present or absent with the reason.</summary>
    public string AttendanceJson { get; set; } = "[]";

    /// <summary>JSON array of the agenda items as the pack built them when the record was saved.</summary>
    public string AgendaJson { get; set; } = "[]";

    /// <summary>1 for the first save, +1 per correction (0: written before versions, read as 1).</summary>
    public int Version { get; set; }

    public static string Row(int quarter) => $"q{quarter}";
}

/// <summary>
/// Row "{townId}|{villageId}|{step}|q{quarter}" of partition "{year}-recommended" in Meetings: a case a town's meeting of
/// that quarter recommended to the city (a case recommended at two meetings is two rows, two recommendations). Rows
/// written before this had no "|q{quarter}"; a correction of that meeting replaces them.
/// </summary>
public sealed class RecommendationEntity : EntityBase
{
    public string TownId { get; set; } = "";

    public string VillageId { get; set; } = "";

    public string Step { get; set; } = "";

    public int Quarter { get; set; }

    public string MeetingDate { get; set; } = "";

    public string RecommendedBy { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public static string Partition(int year) => $"{year}-recommended";

    /// <summary>A recommended further activity of the step (its submission id, version 3); null for the step's own case.</summary>
    public string? Activity { get; set; }

    /// <summary>The candidate's key as the meeting record holds it: "{villageId}|{step}", or "{villageId}|{step}|{activity}".</summary>
    public string CandidateKey() => Activity is null ? $"{VillageId}|{Step}" : $"{VillageId}|{Step}|{Activity}";

    public static string Row(string townId, string villageId, string step, int quarter, string? activity = null) =>
        activity is null ? $"{townId}|{villageId}|{step}|q{quarter}" : $"{townId}|{villageId}|{step}|{activity}|q{quarter}";
}
