namespace YouthLeague.Checklist;

/// <summary>The state of one step in one village's year. Ids and dates only.</summary>
public sealed record StepState
{
    public StepStatus Status { get; init; } = StepStatus.NotStarted;

    /// <summary>Accepted submission ids, oldest first.</summary>
    public IReadOnlyList<string> Submissions { get; init; } = [];

    public int ReturnedRounds { get; init; }

    public DateTimeOffset? FirstSubmittedAt { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    public bool Exemplary { get; init; }

    /// <summary>Id of the last review (approve or return), if any.</summary>
    public string? LastReviewId { get; init; }

    /// <summary>Further activities of this kind recorded after the step was approved (version 3), oldest first.</summary>
    public IReadOnlyList<FurtherActivity> Further { get; init; } = [];

    /// <summary>Approved activities of this step: the step's own (once approved) and every approved further one.</summary>
    public int ApprovedActivities => (Status == StepStatus.Approved ? 1 : 0) + Further.Count(f => f.Status == StepStatus.Approved);
}

/// <summary>
/// A further activity of an approved step (e.g. a second volunteer service): its own submission, evidence and review.
/// It never changes the step's status or score; it counts in the summaries and may be an outstanding case.
/// </summary>
public sealed record FurtherActivity(string SubmissionId, StepStatus Status, DateTimeOffset SubmittedAt, bool Exemplary = false, string? ReviewId = null);

/// <summary>Why a command was refused, kept in the audit trail.</summary>
public sealed record Rejection(string CommandId, string Step, CommandKind Kind, StepStatus From, string Reason, DateTimeOffset At);

/// <summary>One village's checklist for one year: the state the orchestration owns.</summary>
public sealed record ChecklistState
{
    public required int Year { get; init; }

    public required string VillageId { get; init; }

    public required IReadOnlyDictionary<string, StepState> Steps { get; init; }

    /// <summary>Every command id already applied or rejected, so a repeat is ignored.</summary>
    public IReadOnlyList<string> SeenCommandIds { get; init; } = [];

    public static ChecklistState New(int year, string villageId, IEnumerable<string> stepKeys) => new()
    {
        Year = year,
        VillageId = villageId,
        Steps = stepKeys.ToDictionary(k => k, _ => new StepState()),
    };

    public ChecklistStatus Status
    {
        get
        {
            if (Steps.Values.All(s => s.Status == StepStatus.Approved))
            {
                return ChecklistStatus.Completed;
            }

            return Steps.Values.All(s => s.Status == StepStatus.NotStarted)
                ? ChecklistStatus.NotStarted
                : ChecklistStatus.InProgress;
        }
    }
}

public enum ChecklistStatus { NotStarted, InProgress, Completed }

public static class ChecklistStatusNames
{
    public static string ToWire(this ChecklistStatus s) => s switch
    {
        ChecklistStatus.NotStarted => "notStarted",
        ChecklistStatus.InProgress => "inProgress",
        ChecklistStatus.Completed => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };
}
