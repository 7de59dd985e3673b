using YouthLeague.Checklist;

namespace YouthLeague.Workflow;

/// <summary>
/// The orchestration input, carried across continue-as-new. <see cref="Version"/> is fixed when the
/// instance starts and kept for its whole year (see docs/workflow.md, "Versioning").
/// <see cref="Carried"/> holds commands that arrived during a hand-over; the next generation applies them first.
/// Versions: 1 closes the year at the fourth quarter's end; 2 (<see cref="ClosingWindowVersion"/>) then waits in a
/// closing window (<see cref="Quarter"/> 5) until <see cref="ClosesOn"/> for reviews and resubmissions of returned items;
/// 3 (<see cref="FurtherActivitiesVersion"/>) takes further activities of an approved step (their own submission and review).
/// Version 4 (<see cref="ClosingDateChangeVersion"/>) also takes a <see cref="ClosingDateChange"/> event at any time
/// before the year closes: it sets <see cref="ClosesOn"/> and, in the closing window, re-arms the window's timer.
/// Version 5 (<see cref="OneTimerVersion"/>) creates the generation's timer once and waits on that same timer after every
/// command (before, every command created a fresh one and cancelled the last, which still fired later).
/// An input without a Version field was written by version 1 code, hence the default.
/// </summary>
public sealed record ChecklistRun(
    ChecklistState State,
    string TownId,
    ChecklistCalendar Calendar,
    int Quarter = 1,
    int Version = 1,
    int Generation = 0,
    IReadOnlyList<ChecklistCommand>? Carried = null,
    DateOnly? ClosesOn = null,
    long ClosesOnRevision = 0)
{
    public const int ClosingWindowVersion = 2;

    public const int FurtherActivitiesVersion = 3;

    public const int ClosingDateChangeVersion = 4;

    public const int OneTimerVersion = 5;

    public const int CurrentVersion = OneTimerVersion;

    /// <summary>The generation after the fourth quarter: reviews and resubmissions until the closing date.</summary>
    public const int ClosingQuarter = 5;

    public bool InClosingWindow => Quarter >= ClosingQuarter;

    /// <summary>When the current generation's wait ends: its quarter's end, or in the closing window the closing date's end.</summary>
    public DateTimeOffset WaitEnds => InClosingWindow ? Calendar.ClosingEnd(ClosesOn ?? Calendar.DefaultClosesOn) : Calendar.QuarterEnd(Quarter);

    /// <summary>The run with a changed closing date; a change older than the one already taken (a lower revision) changes nothing.</summary>
    public ChecklistRun With(ClosingDateChange change) =>
        change.Revision > ClosesOnRevision ? this with { ClosesOn = change.ClosesOn, ClosesOnRevision = change.Revision } : this;

    public static ChecklistRun Start(ChecklistState state, string townId, ChecklistCalendar calendar, DateOnly? closesOn = null) =>
        new(state, townId, calendar, Version: CurrentVersion, ClosesOn: closesOn);
}

/// <summary>
/// The city moved the year's closing date (event <see cref="WorkflowNames.ClosingDateEvent"/>, version 4 instances only).
/// <paramref name="Revision"/> counts the year's changes, so a late-delivered older change is ignored.
/// </summary>
public sealed record ClosingDateChange(DateOnly ClosesOn, long Revision);

/// <summary>What a projection activity needs after a command: the new state and the change. Ids only.</summary>
public sealed record ChecklistChange(
    ChecklistState State,
    string TownId,
    ChecklistCommand Command,
    Outcome Outcome,
    StepStatus From,
    StepStatus To,
    string? Reason);

public sealed record QuarterlyReview(ChecklistState State, string TownId, int Quarter, DateOnly AsOf);

public sealed record YearClose(ChecklistState State, string TownId, ChecklistCalendar Calendar);
