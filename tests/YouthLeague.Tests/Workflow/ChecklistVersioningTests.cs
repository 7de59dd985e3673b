using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using YouthLeague.Checklist;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Workflow;

public sealed class ChecklistVersioningTests
{
    /// <summary>The input as the first deployment wrote it: no Version, Generation or Carried fields.</summary>
    private static JsonObject VersionZeroInput(string villageId, DateTimeOffset origin) => new()
    {
        ["State"] = new JsonObject
        {
            ["Year"] = 2026,
            ["VillageId"] = villageId,
            ["Steps"] = new JsonObject(ChecklistDefinitionLoader.StepKeys.Select(k => KeyValuePair.Create(k, (JsonNode?)new JsonObject { ["Status"] = "notStarted" }))),
            ["SeenCommandIds"] = new JsonArray(),
        },
        ["TownId"] = "town",
        ["Calendar"] = new JsonObject { ["Year"] = 2026, ["Origin"] = origin.ToString("o"), ["QuarterLength"] = "00:00:02" },
        ["Quarter"] = 1,
    };

    /// <summary>The input as versions 1 and 2 wrote it: Version, Generation, Carried and ClosesOn besides the first fields.</summary>
    private static JsonObject VersionedInput(string villageId, DateTimeOffset origin, int version, string closesOn)
    {
        var input = VersionZeroInput(villageId, origin);
        input["Version"] = version;
        input["Generation"] = 0;
        input["Carried"] = new JsonArray();
        input["ClosesOn"] = closesOn;
        return input;
    }

    [Fact]
    public async Task RunAsync_InstanceStartedWithOldInput_FinishesUnderCurrentCode()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = WorkflowNames.InstanceId(2026, "old");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            WorkflowNames.ChecklistOrchestrator, VersionZeroInput("old", DateTimeOffset.UtcNow.AddSeconds(1)), new StartOrchestrationOptions(id));
        await host.SendAsync(id, new ChecklistCommand("s1", CommandKind.Submit, "plan", "sec.old", DateTimeOffset.UtcNow));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(StepStatus.Submitted, done.ReadOutputAs<AssessmentResult>()!.Steps.Single(s => s.Step == "plan").Status);
        Assert.Equal(4, host.Reviews.Count);
    }

    /// <summary>The input as version 1 code wrote it (Version 1, Generation, Carried; no ClosesOn): it must close at the fourth quarter's end.</summary>
    [Fact]
    public async Task RunAsync_VersionOneInstance_ClosesAtFourthQuarterWithoutClosingWindow()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = WorkflowNames.InstanceId(2026, "v1");
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var input = VersionedInput("v1", origin, 1, "2027-06-30"); // version 1 code never wrote ClosesOn; if it were read, the year would wait ≈ 4 s more
        await host.Client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.ChecklistOrchestrator, input, new StartOrchestrationOptions(id));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(4, host.Reviews.Count);
        Assert.Single(host.Closes);
        // No closing window: the last generation was the fourth quarter's (version 2 would have continued into quarter 5).
        Assert.Equal(4, JsonNode.Parse(done.SerializedInput!)!["Quarter"]!.GetValue<int>());
    }

    /// <summary>Version 2: after the fourth quarter, a review and a resubmission of a returned item are taken; a first submission is not.</summary>
    [Fact]
    public async Task RunAsync_CurrentVersion_KeepsClosingWindowForReviewsAndReturnedItems()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var calendar = ChecklistCalendar.Compressed(2026, origin, TimeSpan.FromSeconds(2));
        var id = await host.StartYearAsync("v2", calendar, closesOn: new DateOnly(2027, 3, 31)); // window ≈ 2 s × 90/92
        var windowEnds = calendar.ClosingEnd(new DateOnly(2027, 3, 31));
        await host.SendAsync(id, new ChecklistCommand("s-plan", CommandKind.Submit, "plan", "sec.v2", origin.AddSeconds(7.5)));
        await host.SendAsync(id, new ChecklistCommand("s-forum", CommandKind.Submit, "forum", "sec.v2", origin.AddSeconds(7.5)));
        await host.SendAsync(id, new ChecklistCommand("r-forum", CommandKind.Return, "forum", "town.v2", origin.AddSeconds(7.6)));

        // Into the window.
        await Task.Delay(calendar.QuarterEnd(4) - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
        Assert.True(DateTimeOffset.UtcNow < windowEnds, "the test machine was too slow to act inside the closing window");
        await host.SendAsync(id, new ChecklistCommand("a-plan", CommandKind.Approve, "plan", "town.v2", DateTimeOffset.UtcNow));
        await host.SendAsync(id, new ChecklistCommand("s-forum-2", CommandKind.Submit, "forum", "sec.v2", DateTimeOffset.UtcNow));
        await host.SendAsync(id, new ChecklistCommand("s-ledger", CommandKind.Submit, "ledger", "sec.v2", DateTimeOffset.UtcNow));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        var result = done.ReadOutputAs<AssessmentResult>()!;

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(4, host.Reviews.Count); // no fifth quarterly review for the window
        var plan = result.Steps.Single(s => s.Step == "plan");
        Assert.Equal(StepStatus.Approved, plan.Status);
        Assert.True(plan.OnTime); // handed in at the end of Q4, approved in the window: on time
        Assert.Equal(StepStatus.Submitted, result.Steps.Single(s => s.Step == "forum").Status);
        Assert.Equal(StepStatus.NotStarted, result.Steps.Single(s => s.Step == "ledger").Status);
        var refused = host.Changes.Single(c => c.Command.Id == "s-ledger");
        Assert.Equal(Outcome.Rejected, refused.Outcome);
        Assert.Equal(ChecklistRules.ClosedForNewSubmissions, refused.Reason);
        Assert.Equal(ChecklistRun.ClosingQuarter, JsonNode.Parse(done.SerializedInput!)!["quarter"]?.GetValue<int>() ?? JsonNode.Parse(done.SerializedInput!)!["Quarter"]!.GetValue<int>());
        Assert.True(done.LastUpdatedAt >= windowEnds.AddMilliseconds(-50), "the year closed before its closing date");
    }

    /// <summary>
    /// The input as version 2 code wrote it (Version 2, Generation, Carried, ClosesOn; no Further in the steps): under the
    /// current code it keeps version 2's rules (a submission after approval is refused, not a further activity) and
    /// finishes through its closing window.
    /// </summary>
    [Fact]
    public async Task RunAsync_VersionTwoInstance_RefusesFurtherActivityAndFinishes()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = WorkflowNames.InstanceId(2026, "v2old");
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var input = VersionedInput("v2old", origin, 2, "2027-01-31");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.ChecklistOrchestrator, input, new StartOrchestrationOptions(id));
        await host.SendAsync(id, new ChecklistCommand("s1", CommandKind.Submit, "volunteering", "sec.v2old", origin));
        await host.SendAsync(id, new ChecklistCommand("a1", CommandKind.Approve, "volunteering", "town", origin));
        await host.SendAsync(id, new ChecklistCommand("s2", CommandKind.Submit, "volunteering", "sec.v2old", origin));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(StepStatus.Approved, done.ReadOutputAs<AssessmentResult>()!.Steps.Single(s => s.Step == "volunteering").Status);
        var refused = host.Changes.Single(c => c.Command.Id == "s2");
        Assert.Equal(Outcome.Rejected, refused.Outcome);
        Assert.Equal(ChecklistRules.RefusalReason(StepStatus.Approved, CommandKind.Submit), refused.Reason);
        Assert.Empty(Assert.Single(host.Closes).State.Steps["volunteering"].Further);
        Assert.Equal(2, JsonNode.Parse(done.SerializedInput!)!["Version"]!.GetValue<int>());
    }

    /// <summary>Version 3: after approval, further activities of the step each get their own submission and review, exactly once.</summary>
    [Fact]
    public async Task RunAsync_VersionThree_FurtherActivitiesRecordedReviewedAndCountedOnce()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var calendar = ChecklistCalendar.Compressed(2026, origin, TimeSpan.FromSeconds(2));
        var id = await host.StartYearAsync("v3", calendar, closesOn: new DateOnly(2027, 1, 31));
        ChecklistCommand[] commands =
        [
            new("s1", CommandKind.Submit, "volunteering", "sec.v3", origin),
            new("a1", CommandKind.Approve, "volunteering", "town", origin),
            new("s2", CommandKind.Submit, "volunteering", "sec.v3", origin),
            new("s2", CommandKind.Submit, "volunteering", "sec.v3", origin), // a double tap
            new("s3", CommandKind.Submit, "volunteering", "sec.v3", origin),
            new("a2", CommandKind.Approve, "volunteering", "town", origin, Exemplary: true, Activity: "s2"),
            new("r3", CommandKind.Return, "volunteering", "town", origin, Activity: "s3"),
            new("a3", CommandKind.Approve, "volunteering", "town", origin, Activity: "s3"), // returned: nothing left to approve
        ];
        foreach (var c in commands)
        {
            await host.SendAsync(id, c);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var step = Assert.Single(host.Closes).State.Steps["volunteering"];
        Assert.Equal(StepStatus.Approved, step.Status);
        Assert.Equal(["s1"], step.Submissions);
        Assert.Equal([("s2", StepStatus.Approved, true), ("s3", StepStatus.Returned, false)], step.Further.Select(f => (f.SubmissionId, f.Status, f.Exemplary)));
        Assert.Equal(2, step.ApprovedActivities);
        Assert.Equal(Outcome.Rejected, host.Changes.Single(c => c.Command.Id == "a3").Outcome);
        Assert.Single(host.Changes, c => c.Command.Id == "s2"); // the repeat was ignored, not projected again
        // The score counts the step once: further activities add to the summaries, not to the assessment.
        Assert.Equal(16, done.ReadOutputAs<AssessmentResult>()!.Steps.Single(s => s.Step == "volunteering").Points);
    }

    /// <summary>
    /// The input as version 2 code writes it (Version 2, Generation, Carried, ClosesOn; no ClosesOnRevision): it finishes
    /// under the current code with its own closing date, and a closing-date change raised at it is not taken (it never
    /// waits for one; the city's change only goes to version 4 checklists).
    /// </summary>
    [Fact]
    public async Task RunAsync_VersionTwoInstance_FinishesWithItsOwnClosingDate()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = WorkflowNames.InstanceId(2026, "v2date");
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var input = VersionZeroInput("v2date", origin);
        input["Version"] = 2;
        input["Generation"] = 0;
        input["Carried"] = new JsonArray();
        input["ClosesOn"] = "2027-03-31";
        await host.Client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.ChecklistOrchestrator, input, new StartOrchestrationOptions(id));
        await host.SendAsync(id, new ChecklistCommand("s1", CommandKind.Submit, "plan", "sec.v2date", DateTimeOffset.UtcNow));
        await host.Client.RaiseEventAsync(id, WorkflowNames.ClosingDateEvent, new ClosingDateChange(new DateOnly(2027, 6, 30), 1));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(4, host.Reviews.Count);
        Assert.Single(host.Closes);
        Assert.Equal(StepStatus.Submitted, done.ReadOutputAs<AssessmentResult>()!.Steps.Single(s => s.Step == "plan").Status);
        var last = JsonNode.Parse(done.SerializedInput!)!;
        Assert.Equal(ChecklistRun.ClosingQuarter, last["Quarter"]!.GetValue<int>()); // it went through its closing window
        Assert.Equal("2027-03-31", last["ClosesOn"]!.GetValue<string>());
    }

    /// <summary>
    /// Version 4 and later: the closing date changed during the year takes effect: the window lasts until the new date's end.
    /// Version 4 (a fresh timer after every wait) is how instances started before version 5 run under this code.
    /// </summary>
    [Theory]
    [InlineData(ChecklistRun.ClosingDateChangeVersion)]
    [InlineData(ChecklistRun.CurrentVersion)]
    public async Task RunAsync_ClosingDateChangedDuringTheYear_WindowEndsAtTheNewDate(int version)
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var calendar = ChecklistCalendar.Compressed(2026, origin, TimeSpan.FromSeconds(2));
        var id = await host.StartYearAsync("v4q", calendar, version: version); // default: 31 January, a window of ≈ 0.7 s
        await host.Client.RaiseEventAsync(id, WorkflowNames.ClosingDateEvent, new ClosingDateChange(new DateOnly(2027, 5, 31), 1));
        await host.SendAsync(id, new ChecklistCommand("s-plan", CommandKind.Submit, "plan", "sec.v4q", origin.AddSeconds(3)));
        await host.Client.RaiseEventAsync(id, WorkflowNames.ClosingDateEvent, new ClosingDateChange(new DateOnly(2027, 6, 30), 2));
        await host.Client.RaiseEventAsync(id, WorkflowNames.ClosingDateEvent, new ClosingDateChange(new DateOnly(2027, 1, 2), 1)); // late and older: ignored

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(4, host.Reviews.Count);
        Assert.Equal("2027-06-30", JsonNode.Parse(done.SerializedInput!)!["ClosesOn"]!.GetValue<string>());
        Assert.True(done.LastUpdatedAt >= calendar.ClosingEnd(new DateOnly(2027, 6, 30)).AddMilliseconds(-50), "the year closed before its changed closing date");
    }

    /// <summary>Version 4 and later: a change made inside the closing window re-arms its timer (here: later, so the window goes on).</summary>
    [Theory]
    [InlineData(ChecklistRun.ClosingDateChangeVersion)]
    [InlineData(ChecklistRun.CurrentVersion)]
    public async Task RunAsync_ClosingDateChangedInsideTheWindow_ReArmsItsTimer(int version)
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var calendar = ChecklistCalendar.Compressed(2026, origin, TimeSpan.FromSeconds(2));
        var id = await host.StartYearAsync("v4w", calendar, closesOn: new DateOnly(2027, 3, 31), version: version); // window ≈ 1.96 s
        await Task.Delay(calendar.QuarterEnd(4) - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
        Assert.True(DateTimeOffset.UtcNow < calendar.ClosingEnd(new DateOnly(2027, 3, 31)), "the test machine was too slow to act inside the closing window");
        await host.Client.RaiseEventAsync(id, WorkflowNames.ClosingDateEvent, new ClosingDateChange(new DateOnly(2027, 6, 30), 1));
        await host.SendAsync(id, new ChecklistCommand("s-forum", CommandKind.Submit, "forum", "sec.v4w", DateTimeOffset.UtcNow));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Single(host.Closes);
        // Taken inside the generation (no continue-as-new), so the input still names the old date: the time tells.
        Assert.True(done.LastUpdatedAt >= calendar.ClosingEnd(new DateOnly(2027, 6, 30)).AddMilliseconds(-50), "the window ended at the old date");
        Assert.Equal(ChecklistRules.ClosedForNewSubmissions, host.Changes.Single(c => c.Command.Id == "s-forum").Reason); // still the closing window's rules
    }

    /// <summary>
    /// Version 5 waits on one timer for the whole quarter; version 4 created one for the first wait and one after each
    /// command (three commands: four timers in the generation's history). An instance started by version 4 code with
    /// commands in its history finishes under this code with every command applied.
    /// </summary>
    [Theory]
    [InlineData(ChecklistRun.ClosingDateChangeVersion, 4)]
    [InlineData(ChecklistRun.CurrentVersion, 1)]
    public async Task RunAsync_ThreeCommandsInAQuarter_TimersCreated(int version, int timers)
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var calendar = ChecklistCalendar.Compressed(2026, origin, TimeSpan.FromSeconds(6));
        var id = await host.StartYearAsync("timers", calendar, closesOn: new DateOnly(2027, 1, 31), version: version);
        await host.SendAsync(id, new ChecklistCommand("s-plan", CommandKind.Submit, "plan", "sec.timers", DateTimeOffset.UtcNow));
        await host.SendAsync(id, new ChecklistCommand("s-forum", CommandKind.Submit, "forum", "sec.timers", DateTimeOffset.UtcNow));
        await host.SendAsync(id, new ChecklistCommand("r-forum", CommandKind.Return, "forum", "town.timers", DateTimeOffset.UtcNow));

        // Once the third command is handled, the orchestrator waits for a fourth (one wait at the start, one after each).
        for (var waited = 0; waited < 100 && host.CallCount(id, WorkflowNames.CommandEvent) < 4; waited++)
        {
            await Task.Delay(100);
        }

        Assert.True(DateTimeOffset.UtcNow < calendar.QuarterEnd(1), "the test machine was too slow: the first quarter ended before the commands were handled");
        Assert.Equal(4, host.CallCount(id, WorkflowNames.CommandEvent));
        Assert.Equal(timers, host.CallCount(id, "timer"));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(4, host.Reviews.Count);
        var steps = done.ReadOutputAs<AssessmentResult>()!.Steps;
        Assert.Equal(StepStatus.Submitted, steps.Single(s => s.Step == "plan").Status);
        Assert.Equal(StepStatus.Returned, steps.Single(s => s.Step == "forum").Status);
        Assert.Equal(3, host.Changes.Count);
    }
}
