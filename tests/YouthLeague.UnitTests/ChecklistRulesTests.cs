using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

public class ChecklistRulesTests
{
    private static readonly DateTimeOffset FirstAt = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ReviewAt = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LaterAt = new(2026, 7, 9, 2, 0, 0, TimeSpan.Zero);

    /// <summary>Every status × command kind, and whether the rules allow it.</summary>
    public static TheoryData<StepStatus, CommandKind, bool> Transitions => new()
    {
        { StepStatus.NotStarted, CommandKind.Submit, true },
        { StepStatus.NotStarted, CommandKind.Approve, false },
        { StepStatus.NotStarted, CommandKind.Return, false },
        { StepStatus.Submitted, CommandKind.Submit, false },
        { StepStatus.Submitted, CommandKind.Approve, true },
        { StepStatus.Submitted, CommandKind.Return, true },
        { StepStatus.Returned, CommandKind.Submit, true },
        { StepStatus.Returned, CommandKind.Approve, false },
        { StepStatus.Returned, CommandKind.Return, false },
        { StepStatus.Approved, CommandKind.Submit, false },
        { StepStatus.Approved, CommandKind.Approve, false },
        { StepStatus.Approved, CommandKind.Return, false },
    };

    public static TheoryData<StepStatus, CommandKind, string> Refusals => new()
    {
        { StepStatus.NotStarted, CommandKind.Approve, "该项当前没有待审核的提交" },
        { StepStatus.NotStarted, CommandKind.Return, "该项当前没有待审核的提交" },
        { StepStatus.Submitted, CommandKind.Submit, "该项已提交、正在等待审核，请等审核结果后再提交" },
        { StepStatus.Returned, CommandKind.Approve, "该项当前没有待审核的提交" },
        { StepStatus.Returned, CommandKind.Return, "该项当前没有待审核的提交" },
        { StepStatus.Approved, CommandKind.Submit, "该项已审核通过，不能再次提交" },
        { StepStatus.Approved, CommandKind.Approve, "该项当前没有待审核的提交" },
        { StepStatus.Approved, CommandKind.Return, "该项当前没有待审核的提交" },
    };

    /// <summary>A realistic step in the given status (with the history that status implies).</summary>
    private static StepState StepIn(StepStatus status) => status switch
    {
        StepStatus.NotStarted => new StepState(),
        StepStatus.Submitted => new StepState { Status = StepStatus.Submitted, Submissions = ["s0"], FirstSubmittedAt = FirstAt },
        StepStatus.Returned => new StepState { Status = StepStatus.Returned, Submissions = ["s0"], FirstSubmittedAt = FirstAt, ReturnedRounds = 1, LastReviewId = "r0" },
        StepStatus.Approved => new StepState { Status = StepStatus.Approved, Submissions = ["s0"], FirstSubmittedAt = FirstAt, ApprovedAt = ReviewAt, Exemplary = true, LastReviewId = "r0" },
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    private static ChecklistCommand CommandOf(CommandKind kind, string id) => kind switch
    {
        CommandKind.Submit => Submit(id, at: LaterAt),
        CommandKind.Approve => Approve(id, at: LaterAt),
        CommandKind.Return => Return(id, at: LaterAt),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Allows_EveryStatusAndKind_MatchesLifeCycle(StepStatus from, CommandKind kind, bool expected)
    {
        Assert.Equal(expected, ChecklistRules.Allows(from, kind));
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Apply_EveryStatusAndKind_AppliesExactlyWhenAllowed(StepStatus from, CommandKind kind, bool allowed)
    {
        var state = StateWith("forum", StepIn(from));

        var result = ChecklistRules.Apply(state, CommandOf(kind, "c1"));

        Assert.Equal(allowed ? Outcome.Applied : Outcome.Rejected, result.Outcome);
        Assert.Equal(allowed, result.Changed);
        Assert.Equal(from, result.From);
        Assert.Equal(result.To, result.State.Steps["forum"].Status);
        Assert.Contains("c1", result.State.SeenCommandIds);
        if (allowed)
        {
            Assert.Null(result.Reason);
            Assert.NotEqual(from, result.To);
        }
        else
        {
            Assert.Equal(from, result.To);
            Assert.False(string.IsNullOrWhiteSpace(result.Reason));
            Assert.Same(state.Steps["forum"], result.State.Steps["forum"]);
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Apply_RefusedTransition_GivesChineseReasonAndKeepsStep(StepStatus from, CommandKind kind, string reason)
    {
        var before = StepIn(from);
        var state = StateWith("forum", before);

        var result = ChecklistRules.Apply(state, CommandOf(kind, "c1"));

        Assert.Equal(Outcome.Rejected, result.Outcome);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(reason, ChecklistRules.RefusalReason(from, kind));
        Assert.Equal(before, result.State.Steps["forum"]);
        Assert.Equal(["c1"], result.State.SeenCommandIds);
    }

    [Fact]
    public void Apply_SubmitOnNotStarted_BecomesSubmittedWithFirstSubmission()
    {
        var state = NewState();

        var result = ChecklistRules.Apply(state, Submit("s1", at: FirstAt));

        var step = result.State.Steps["forum"];
        Assert.Equal(Outcome.Applied, result.Outcome);
        Assert.Equal(StepStatus.NotStarted, result.From);
        Assert.Equal(StepStatus.Submitted, result.To);
        Assert.Equal(StepStatus.Submitted, step.Status);
        Assert.Equal(["s1"], step.Submissions);
        Assert.Equal(FirstAt, step.FirstSubmittedAt);
        Assert.Equal(0, step.ReturnedRounds);
        Assert.Null(step.ApprovedAt);
        Assert.Null(step.LastReviewId);
        Assert.False(step.Exemplary);
        Assert.Equal(["s1"], result.State.SeenCommandIds);
    }

    [Fact]
    public void Apply_Submit_LeavesOtherStepsAndInputStateUntouched()
    {
        var state = NewState();

        var result = ChecklistRules.Apply(state, Submit("s1", step: "ledger"));

        Assert.Equal(StepStatus.Submitted, result.State.Steps["ledger"].Status);
        foreach (var key in StepKeys.Where(k => k != "ledger"))
        {
            Assert.Same(state.Steps[key], result.State.Steps[key]);
        }

        // The input is immutable: the original state still shows nothing happened.
        Assert.Equal(StepStatus.NotStarted, state.Steps["ledger"].Status);
        Assert.Empty(state.SeenCommandIds);
        Assert.Equal(state.Year, result.State.Year);
        Assert.Equal(state.VillageId, result.State.VillageId);
    }

    [Fact]
    public void Apply_ResubmitAfterReturn_AppendsSubmissionAndKeepsFirstSubmittedAt()
    {
        var state = StateWith("forum", StepIn(StepStatus.Returned));

        var result = ChecklistRules.Apply(state, Submit("s1", at: LaterAt));

        var step = result.State.Steps["forum"];
        Assert.Equal(Outcome.Applied, result.Outcome);
        Assert.Equal(StepStatus.Returned, result.From);
        Assert.Equal(StepStatus.Submitted, step.Status);
        Assert.Equal(["s0", "s1"], step.Submissions);
        Assert.Equal(FirstAt, step.FirstSubmittedAt);
        Assert.Equal(1, step.ReturnedRounds);
        Assert.Equal("r0", step.LastReviewId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_ApproveOnSubmitted_SetsApprovedAtExemplaryAndLastReview(bool exemplary)
    {
        var state = StateWith("forum", StepIn(StepStatus.Submitted));

        var result = ChecklistRules.Apply(state, Approve("r1", at: LaterAt, exemplary: exemplary));

        var step = result.State.Steps["forum"];
        Assert.Equal(Outcome.Applied, result.Outcome);
        Assert.Equal(StepStatus.Approved, result.To);
        Assert.Equal(StepStatus.Approved, step.Status);
        Assert.Equal(LaterAt, step.ApprovedAt);
        Assert.Equal(exemplary, step.Exemplary);
        Assert.Equal("r1", step.LastReviewId);
        Assert.Equal(["s0"], step.Submissions);
        Assert.Equal(FirstAt, step.FirstSubmittedAt);
        Assert.Equal(0, step.ReturnedRounds);
    }

    [Fact]
    public void Apply_ReturnOnSubmitted_IncrementsRoundsClearsExemplaryAndSetsLastReview()
    {
        var state = StateWith("forum", StepIn(StepStatus.Submitted) with { ReturnedRounds = 2, Exemplary = true, LastReviewId = "r-old" });

        var result = ChecklistRules.Apply(state, Return("r3", at: LaterAt));

        var step = result.State.Steps["forum"];
        Assert.Equal(Outcome.Applied, result.Outcome);
        Assert.Equal(StepStatus.Returned, step.Status);
        Assert.Equal(3, step.ReturnedRounds);
        Assert.False(step.Exemplary);
        Assert.Equal("r3", step.LastReviewId);
        Assert.Null(step.ApprovedAt);
        Assert.Equal(["s0"], step.Submissions);
        Assert.Equal(FirstAt, step.FirstSubmittedAt);
    }

    [Fact]
    public void Apply_ReturnThenExemplaryApprove_ExemplaryComesFromFinalApproval()
    {
        var state = ApplyAll(
            NewState(),
            Submit("s1", at: FirstAt),
            Return("r1"),
            Submit("s2", at: LaterAt),
            Approve("r2", at: LaterAt.AddDays(1), exemplary: true));

        var step = state.Steps["forum"];
        Assert.True(step.Exemplary);
        Assert.Equal(1, step.ReturnedRounds);
        Assert.Equal("r2", step.LastReviewId);
    }

    [Fact]
    public void Apply_FullLifeCycleWithTwoReturns_RecordsHistory()
    {
        var approvedAt = LaterAt.AddDays(3);

        var state = ApplyAll(
            NewState(),
            Submit("s1", at: FirstAt),
            Return("r1", at: FirstAt.AddDays(1)),
            Submit("s2", at: FirstAt.AddDays(2)),
            Return("r2", at: FirstAt.AddDays(3)),
            Submit("s3", at: LaterAt),
            Approve("r3", at: approvedAt));

        var step = state.Steps["forum"];
        Assert.Equal(StepStatus.Approved, step.Status);
        Assert.Equal(["s1", "s2", "s3"], step.Submissions);
        Assert.Equal(2, step.ReturnedRounds);
        Assert.Equal(FirstAt, step.FirstSubmittedAt);
        Assert.Equal(approvedAt, step.ApprovedAt);
        Assert.Equal("r3", step.LastReviewId);
        Assert.Equal(["s1", "r1", "s2", "r2", "s3", "r3"], state.SeenCommandIds);
    }

    [Fact]
    public void Apply_DuplicateSubmit_IsDuplicateAndStateUnchanged()
    {
        var first = ChecklistRules.Apply(NewState(), Submit("s1", at: FirstAt));

        var again = ChecklistRules.Apply(first.State, Submit("s1", at: LaterAt));

        Assert.Equal(Outcome.Duplicate, again.Outcome);
        Assert.False(again.Changed);
        Assert.Same(first.State, again.State);
        Assert.Equal(StepStatus.Submitted, again.From);
        Assert.Equal(StepStatus.Submitted, again.To);
        Assert.Null(again.Reason);
        Assert.Equal(["s1"], again.State.Steps["forum"].Submissions);
        Assert.Equal(FirstAt, again.State.Steps["forum"].FirstSubmittedAt);
    }

    [Fact]
    public void Apply_DuplicateApprove_IsDuplicateNotRefusal()
    {
        var state = ApplyAll(NewState(), Submit("s1"), Approve("r1"));

        var again = ChecklistRules.Apply(state, Approve("r1"));

        // A repeat of an applied review is recognised as a repeat, not refused as "nothing to review".
        Assert.Equal(Outcome.Duplicate, again.Outcome);
        Assert.Same(state, again.State);
        Assert.Null(again.Reason);
    }

    [Fact]
    public void Apply_SameIdReusedForAnotherKind_IsDuplicate()
    {
        var state = ApplyAll(NewState(), Submit("x1"));

        var result = ChecklistRules.Apply(state, Approve("x1"));

        Assert.Equal(Outcome.Duplicate, result.Outcome);
        Assert.Equal(StepStatus.Submitted, result.State.Steps["forum"].Status);
    }

    [Fact]
    public void Apply_SameIdReusedForAnotherKnownStep_IsDuplicate()
    {
        var state = ApplyAll(NewState(), Submit("x1", step: "forum"));

        var result = ChecklistRules.Apply(state, Submit("x1", step: "ledger"));

        Assert.Equal(Outcome.Duplicate, result.Outcome);
        Assert.Equal(StepStatus.NotStarted, result.State.Steps["ledger"].Status);
        Assert.Equal(StepStatus.NotStarted, result.From);
    }

    [Fact]
    public void Apply_RepeatOfRejectedId_IsDuplicateEvenWhenNowAllowed()
    {
        // r1 is refused (nothing to review yet) and remembered ...
        var refused = ChecklistRules.Apply(NewState(), Approve("r1"));
        Assert.Equal(Outcome.Rejected, refused.Outcome);
        Assert.Equal(["r1"], refused.State.SeenCommandIds);

        // ... so once there is something to review, the same id is still a repeat and changes nothing.
        var submitted = ChecklistRules.Apply(refused.State, Submit("s1")).State;
        var repeat = ChecklistRules.Apply(submitted, Approve("r1"));

        Assert.Equal(Outcome.Duplicate, repeat.Outcome);
        Assert.Same(submitted, repeat.State);
        Assert.Equal(StepStatus.Submitted, repeat.State.Steps["forum"].Status);
    }

    [Fact]
    public void Apply_RepeatOfRefusedSubmit_IsDuplicateAndNotRememberedTwice()
    {
        var state = ApplyAll(NewState(), Submit("s1"));
        var refused = ChecklistRules.Apply(state, Submit("s2"));
        Assert.Equal(Outcome.Rejected, refused.Outcome);

        var repeat = ChecklistRules.Apply(refused.State, Submit("s2"));

        Assert.Equal(Outcome.Duplicate, repeat.Outcome);
        Assert.Equal(["s1", "s2"], repeat.State.SeenCommandIds);
        Assert.Equal(["s1"], repeat.State.Steps["forum"].Submissions);
    }

    [Fact]
    public void Apply_UnknownStep_IsRejectedAndRemembered()
    {
        var state = NewState();

        var result = ChecklistRules.Apply(state, Submit("s1", step: "party"));

        Assert.Equal(Outcome.Rejected, result.Outcome);
        Assert.False(result.Changed);
        Assert.Equal("未知的步骤 party", result.Reason);
        Assert.Equal(StepStatus.NotStarted, result.From);
        Assert.Equal(StepStatus.NotStarted, result.To);
        Assert.Same(state.Steps, result.State.Steps);
        Assert.False(result.State.Steps.ContainsKey("party"));
        Assert.Equal(["s1"], result.State.SeenCommandIds);
    }

    [Fact]
    public void Apply_RepeatOfUnknownStepCommand_IsDuplicateAndStateUnchanged()
    {
        var first = ChecklistRules.Apply(NewState(), Submit("s1", step: "party"));

        var repeat = ChecklistRules.Apply(first.State, Submit("s1", step: "party"));

        Assert.Equal(Outcome.Duplicate, repeat.Outcome);
        Assert.Same(first.State, repeat.State);
        Assert.Equal(["s1"], repeat.State.SeenCommandIds);
    }

    [Fact]
    public void Apply_UnknownCommandKind_IsRejectedWithGenericReason()
    {
        var command = new ChecklistCommand("z1", (CommandKind)42, "forum", "sec.v1", FirstAt);

        var result = ChecklistRules.Apply(NewState(), command);

        Assert.Equal(Outcome.Rejected, result.Outcome);
        Assert.Equal("当前状态不允许此操作", result.Reason);
        Assert.Equal(StepStatus.NotStarted, result.State.Steps["forum"].Status);
    }

    [Fact]
    public void Apply_ApprovedStep_IsFinalForEveryKind()
    {
        var state = ApplyAll(NewState(), Submit("s1"), Approve("r1", exemplary: true));

        foreach (var (kind, i) in new[] { CommandKind.Submit, CommandKind.Approve, CommandKind.Return }.Select((k, i) => (k, i)))
        {
            var result = ChecklistRules.Apply(state, CommandOf(kind, $"late{i}"));
            Assert.Equal(Outcome.Rejected, result.Outcome);
            Assert.Equal(state.Steps["forum"], result.State.Steps["forum"]);
            state = result.State;
        }

        Assert.True(state.Steps["forum"].Exemplary);
        Assert.Equal(["s1", "r1", "late0", "late1", "late2"], state.SeenCommandIds);
    }

    [Theory]
    [InlineData(StepStatus.NotStarted, "2026-06-29", false)]
    [InlineData(StepStatus.NotStarted, "2026-06-30", false)]
    [InlineData(StepStatus.NotStarted, "2026-07-01", true)]
    [InlineData(StepStatus.Returned, "2026-06-30", false)]
    [InlineData(StepStatus.Returned, "2026-07-01", true)]
    [InlineData(StepStatus.Submitted, "2026-06-30", false)]
    [InlineData(StepStatus.Submitted, "2026-07-01", false)]
    [InlineData(StepStatus.Submitted, "2027-03-01", false)]
    [InlineData(StepStatus.Approved, "2026-07-01", false)]
    [InlineData(StepStatus.Approved, "2027-03-01", false)]
    public void IsOverdue_StatusAndToday_DueDateIsInclusive(StepStatus status, string today, bool expected)
    {
        var due = new DateOnly(2026, 6, 30);

        Assert.Equal(expected, ChecklistRules.IsOverdue(status, due, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("2026-06-30T15:59:59Z", false)] // 23:59:59 on 30 June in China
    [InlineData("2026-06-30T16:00:00Z", true)]  // 00:00 on 1 July in China
    [InlineData("2026-06-30T23:00:00+08:00", false)]
    [InlineData("2026-06-30T20:00:00-04:00", true)] // 08:00 on 1 July in China
    public void IsOverdue_InstantAroundChinaMidnight_JudgedByChinaDate(string instant, bool expected)
    {
        var today = ChinaTime.Today(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, ChecklistRules.IsOverdue(StepStatus.NotStarted, new DateOnly(2026, 6, 30), today));
    }

    [Fact]
    public void Apply_FurtherActivities_OnlyWithTheFlag_OnlyAfterApproval()
    {
        var approved = ApplyAll(NewState(), Submit("s1"), Approve("a1"));

        // Without the flag (versions 1 and 2): a submission after approval is refused as before.
        var old = ChecklistRules.Apply(approved, Submit("s2"), furtherActivities: false);
        Assert.Equal(Outcome.Rejected, old.Outcome);
        Assert.Equal("该项已审核通过，不能再次提交", old.Reason);

        // With it: a further activity, the step stays approved; a step not yet approved takes the ordinary rules.
        var further = ChecklistRules.Apply(approved, Submit("s2"), furtherActivities: true);
        Assert.Equal(Outcome.Applied, further.Outcome);
        Assert.Equal((StepStatus.Approved, StepStatus.Approved), (further.From, further.To));
        Assert.Equal(["s1"], further.State.Steps["forum"].Submissions);
        Assert.Equal(new FurtherActivity("s2", StepStatus.Submitted, T0), Assert.Single(further.State.Steps["forum"].Further));
        Assert.Equal(Outcome.Rejected, ChecklistRules.Apply(ApplyAll(NewState(), Submit("s1")), Submit("s2", "forum"), furtherActivities: true).Outcome);
        Assert.Equal(Outcome.Duplicate, ChecklistRules.Apply(further.State, Submit("s2"), furtherActivities: true).Outcome);
    }

    [Fact]
    public void Apply_FurtherActivityReview_NamesTheActivity_UnknownOrDoneRefused()
    {
        var state = ApplyAll(NewState(), Submit("s1"), Approve("a1"));
        state = ChecklistRules.Apply(state, Submit("s2"), furtherActivities: true).State;

        var unnamed = ChecklistRules.Apply(state, Approve("a2"), furtherActivities: true);
        Assert.Equal(Outcome.Rejected, unnamed.Outcome); // a review without the activity is for the step, which is approved
        var unknown = ChecklistRules.Apply(state, Approve("a3") with { Activity = "nope" }, furtherActivities: true);
        Assert.Equal(ChecklistRules.NoSuchActivity, unknown.Reason);

        var ok = ChecklistRules.Apply(state, Approve("a4", exemplary: true) with { Activity = "s2" }, furtherActivities: true);
        Assert.Equal(Outcome.Applied, ok.Outcome);
        Assert.Equal(new FurtherActivity("s2", StepStatus.Approved, T0, true, "a4"), Assert.Single(ok.State.Steps["forum"].Further));
        Assert.Equal(2, ok.State.Steps["forum"].ApprovedActivities);
        Assert.Equal(ChecklistRules.NoSuchActivity, ChecklistRules.Apply(ok.State, Return("r5") with { Activity = "s2" }, furtherActivities: true).Reason);
    }
}
