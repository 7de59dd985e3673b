namespace YouthLeague.Checklist;

public enum Outcome { Applied, Duplicate, Rejected }

public sealed record ApplyResult(Outcome Outcome, ChecklistState State, StepStatus From, StepStatus To, string? Reason = null)
{
    public bool Changed => Outcome == Outcome.Applied;
}

/// <summary>
/// The step life cycle: notStarted → submitted → approved, or submitted → returned → submitted …
/// Pure: no clock, no I/O. The caller supplies the command's time.
/// </summary>
public static class ChecklistRules
{
    /// <summary>Which commands a step's state allows. Approved is final.</summary>
    public static bool Allows(StepStatus from, CommandKind kind) => (from, kind) switch
    {
        (StepStatus.NotStarted, CommandKind.Submit) => true,
        (StepStatus.Returned, CommandKind.Submit) => true,
        (StepStatus.Submitted, CommandKind.Approve) => true,
        (StepStatus.Submitted, CommandKind.Return) => true,
        _ => false,
    };

    public static string RefusalReason(StepStatus from, CommandKind kind) => (from, kind) switch
    {
        (StepStatus.Approved, CommandKind.Submit) => "该项已审核通过，不能再次提交",
        (StepStatus.Submitted, CommandKind.Submit) => "该项已提交、正在等待审核，请等审核结果后再提交",
        (_, CommandKind.Approve or CommandKind.Return) when from != StepStatus.Submitted => "该项当前没有待审核的提交",
        _ => "当前状态不允许此操作",
    };

    /// <summary>An approved step of a checklist started before further activities existed (orchestration version 1 or 2).</summary>
    public const string NoFurtherActivities = "该项已审核通过。本村这一年度的清单启动于旧版本，不能再记录更多活动，请在下一年度记录";

    public const string NoSuchActivity = "该次活动当前没有待审核的提交";

    /// <summary>
    /// Applies a command. With <paramref name="furtherActivities"/> (orchestration version 3), a submission to an approved
    /// step records a further activity of that kind, and a review naming it (<see cref="ChecklistCommand.Activity"/>)
    /// approves or returns it; the step itself stays approved.
    /// </summary>
    public static ApplyResult Apply(ChecklistState state, ChecklistCommand command, bool furtherActivities)
    {
        if (!furtherActivities || state.SeenCommandIds.Contains(command.Id) || !state.Steps.TryGetValue(command.Step, out var step) || step.Status != StepStatus.Approved)
        {
            return Apply(state, command);
        }

        StepState? next = null;
        string? refusal = null;
        if (command.Kind == CommandKind.Submit)
        {
            next = step with { Further = [.. step.Further, new FurtherActivity(command.Id, StepStatus.Submitted, command.At)] };
        }
        else if (command.Activity is null)
        {
            return Apply(state, command);
        }
        else if (step.Further.FirstOrDefault(f => f.SubmissionId == command.Activity) is { Status: StepStatus.Submitted } activity)
        {
            var reviewed = activity with
            {
                Status = command.Kind == CommandKind.Approve ? StepStatus.Approved : StepStatus.Returned,
                Exemplary = command.Kind == CommandKind.Approve && command.Exemplary,
                ReviewId = command.Id,
            };
            next = step with { Further = [.. step.Further.Select(f => f.SubmissionId == command.Activity ? reviewed : f)] };
        }
        else
        {
            refusal = NoSuchActivity;
        }

        if (next is null)
        {
            return new ApplyResult(Outcome.Rejected, Remember(state, command.Id), step.Status, step.Status, refusal);
        }

        var steps = new Dictionary<string, StepState>(state.Steps) { [command.Step] = next };
        return new ApplyResult(Outcome.Applied, Remember(state, command.Id) with { Steps = steps }, StepStatus.Approved, StepStatus.Approved);
    }

    public static ApplyResult Apply(ChecklistState state, ChecklistCommand command)
    {
        state.Steps.TryGetValue(command.Step, out var step);
        if (state.SeenCommandIds.Contains(command.Id))
        {
            var status = step?.Status ?? StepStatus.NotStarted;
            return new ApplyResult(Outcome.Duplicate, state, status, status);
        }

        if (step is null)
        {
            return new ApplyResult(Outcome.Rejected, Remember(state, command.Id), StepStatus.NotStarted, StepStatus.NotStarted, $"未知的步骤 {command.Step}");
        }

        if (!Allows(step.Status, command.Kind))
        {
            return new ApplyResult(Outcome.Rejected, Remember(state, command.Id), step.Status, step.Status, RefusalReason(step.Status, command.Kind));
        }

        var next = command.Kind switch
        {
            CommandKind.Submit => step with
            {
                Status = StepStatus.Submitted,
                Submissions = [.. step.Submissions, command.Id],
                FirstSubmittedAt = step.FirstSubmittedAt ?? command.At,
            },
            CommandKind.Approve => step with
            {
                Status = StepStatus.Approved,
                ApprovedAt = command.At,
                Exemplary = command.Exemplary,
                LastReviewId = command.Id,
            },
            CommandKind.Return => step with
            {
                Status = StepStatus.Returned,
                ReturnedRounds = step.ReturnedRounds + 1,
                Exemplary = false,
                LastReviewId = command.Id,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };

        var steps = new Dictionary<string, StepState>(state.Steps) { [command.Step] = next };
        var applied = Remember(state, command.Id) with { Steps = steps };
        return new ApplyResult(Outcome.Applied, applied, step.Status, next.Status);
    }

    public const string ClosedForNewSubmissions = "本年度已截止提交：收尾期内只能审核已提交的材料、重新提交被退回的材料";

    /// <summary>A refusal decided outside the step life cycle (e.g. a first submission in the closing window); a repeat is still a duplicate.</summary>
    public static ApplyResult Refuse(ChecklistState state, ChecklistCommand command, string reason)
    {
        var status = state.Steps.TryGetValue(command.Step, out var step) ? step.Status : StepStatus.NotStarted;
        return state.SeenCommandIds.Contains(command.Id)
            ? new ApplyResult(Outcome.Duplicate, state, status, status)
            : new ApplyResult(Outcome.Rejected, Remember(state, command.Id), status, status, reason);
    }

    private static ChecklistState Remember(ChecklistState state, string id) =>
        state with { SeenCommandIds = [.. state.SeenCommandIds, id] };

    /// <summary>
    /// A step is overdue when its due date (China time, inclusive) has passed and nothing acceptable is
    /// waiting: not started, or returned and not handed in again.
    /// </summary>
    public static bool IsOverdue(StepStatus status, DateOnly due, DateOnly todayInChina) =>
        todayInChina > due && status is StepStatus.NotStarted or StepStatus.Returned;
}
