using YouthLeague.Checklist;

namespace YouthLeague.Workflow;

/// <summary>
/// The orchestration input, carried across continue-as-new. <see cref="Version"/> is fixed when the
/// instance starts and kept for its whole year (see docs/workflow.md, "Versioning").
/// <see cref="Carried"/> holds commands that arrived during a hand-over; the next generation applies them first.
/// </summary>
public sealed record ChecklistRun(
    ChecklistState State,
    string TownId,
    ChecklistCalendar Calendar,
    int Quarter = 1,
    int Version = ChecklistRun.CurrentVersion,
    int Generation = 0,
    IReadOnlyList<ChecklistCommand>? Carried = null)
{
    public const int CurrentVersion = 1;
}

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
