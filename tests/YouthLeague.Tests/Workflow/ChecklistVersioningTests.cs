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
        var input = VersionZeroInput("v1", origin);
        input["Version"] = 1;
        input["Generation"] = 0;
        input["Carried"] = new JsonArray();
        input["ClosesOn"] = "2027-06-30"; // version 1 code never wrote it; if it were read, the year would wait ≈ 4 s more
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
    /// The input as version 2 code writes it (Version 2, Generation, Carried, ClosesOn; no ClosesOnRevision): it finishes
    /// under the current code with its own closing date, and a closing-date change raised at it is not taken (it never
    /// waits for one; the city's change only goes to version 4 checklists).
    /// </summary>
    [Fact]
    public async Task RunAsync_VersionTwoInstance_FinishesWithItsOwnClosingDate()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = WorkflowNames.InstanceId(2026, "v2old");
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var input = VersionZeroInput("v2old", origin);
        input["Version"] = 2;
        input["Generation"] = 0;
        input["Carried"] = new JsonArray();
        input["ClosesOn"] = "2027-03-31";
        await host.Client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.ChecklistOrchestrator, input, new StartOrchestrationOptions(id));
        await host.SendAsync(id, new ChecklistCommand("s1", CommandKind.Submit, "plan", "sec.v2old", DateTimeOffset.UtcNow));
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

    /// <summary>Version 4: the closing date changed during the year takes effect: the window lasts until the new date's end.</summary>
    [Fact]
    public async Task RunAsync_ClosingDateChangedDuringTheYear_WindowEndsAtTheNewDate()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var calendar = ChecklistCalendar.Compressed(2026, origin, TimeSpan.FromSeconds(2));
        var id = await host.StartYearAsync("v4q", calendar); // default: 31 January, a window of ≈ 0.7 s
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

    /// <summary>Version 4: a change made inside the closing window re-arms its timer (here: later, so the window goes on).</summary>
    [Fact]
    public async Task RunAsync_ClosingDateChangedInsideTheWindow_ReArmsItsTimer()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var origin = DateTimeOffset.UtcNow.AddSeconds(1);
        var calendar = ChecklistCalendar.Compressed(2026, origin, TimeSpan.FromSeconds(2));
        var id = await host.StartYearAsync("v4w", calendar, closesOn: new DateOnly(2027, 3, 31)); // window ≈ 1.96 s
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
}
