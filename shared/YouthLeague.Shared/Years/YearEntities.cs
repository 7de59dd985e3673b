using YouthLeague.Storage;

namespace YouthLeague.Years;

/// <summary>Row "{year}" of partition "year" in the Years table: the year's checklist definition and whether it is open.</summary>
public sealed class YearEntity : EntityBase
{
    public const string Partition = "year";

    /// <summary>"draft" or "published"; open/closing/closed follow from <see cref="OpenedAt"/> and the calendar.</summary>
    public string Status { get; set; } = YearStatus.Draft;

    /// <summary>The definition, in the shape of seeds/checklists/{year}.json.</summary>
    public string DefinitionJson { get; set; } = "";

    public DateTimeOffset? PublishedAt { get; set; }

    public string? PublishedBy { get; set; }

    public DateTimeOffset? OpenedAt { get; set; }

    public string? OpenedBy { get; set; }

    /// <summary>The calendar the year's checklists run on (JSON of ChecklistCalendar), fixed when the year is opened.</summary>
    public string? CalendarJson { get; set; }

    /// <summary>The last day of the closing window (yyyy-MM-dd), set when the year is opened; the city may change it until the year closes.</summary>
    public string? ClosesOn { get; set; }

    /// <summary>How many times the closing date was changed after the opening (the revision of the last change, 0 for none).</summary>
    public long ClosesOnRevision { get; set; }
}

/// <summary>Row villageId of partition "{year}-opened": the village's checklist for the year exists (the opening's progress).</summary>
public sealed class OpenedVillageEntity : EntityBase
{
    public static string PartitionOf(int year) => $"{year}-opened";

    public string TownId { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }
}

public static class YearStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Open = "open";
    public const string Closing = "closing";
    public const string Closed = "closed";
}
