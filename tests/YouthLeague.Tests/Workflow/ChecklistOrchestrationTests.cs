using Microsoft.DurableTask.Client;
using YouthLeague.Checklist;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Workflow;

public sealed class ChecklistOrchestrationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static ChecklistCommand Submit(string id, string step) => new(id, CommandKind.Submit, step, "sec.v", DateTimeOffset.UtcNow);

    private static ChecklistCommand Approve(string id, string step, bool exemplary = false) => new(id, CommandKind.Approve, step, "town.t", DateTimeOffset.UtcNow, exemplary);

    private static ChecklistCommand Return(string id, string step) => new(id, CommandKind.Return, step, "town.t", DateTimeOffset.UtcNow);

    [Fact]
    public async Task RunAsync_CompressedYear_ClosesWithAssessmentAfterFourQuarterlyReviews()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var calendar = ChecklistCalendar.Compressed(2026, DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromSeconds(3));
        var id = await host.StartYearAsync("v", calendar);
        await host.SendAsync(id, Submit("s1", "forum"));
        await host.SendAsync(id, Approve("r1", "forum", exemplary: true));

        using var cts = new CancellationTokenSource(Wait);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal([1, 2, 3, 4], host.Reviews.Select(r => r.Quarter).Order());
        var result = done.ReadOutputAs<AssessmentResult>()!;
        var forum = result.Steps.Single(s => s.Step == "forum");
        Assert.Equal(StepStatus.Approved, forum.Status);
        Assert.True(forum.Exemplary);
        Assert.Equal(StepStatus.Approved, Assert.Single(host.Closes).State.Steps["forum"].Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task RunAsync_SameCommandTwice_AppliesItOnce()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = await host.StartYearAsync("dup", ChecklistCalendar.Real(2099));
        await host.SendAsync(id, Submit("s1", "forum"));
        await host.SendAsync(id, Submit("s1", "forum"));
        await host.SendAsync(id, Submit("s2", "plan"));
        await WaitUntilAsync(() => host.Changes.Any(c => c.Command.Id == "s2"), "the plan submission is projected");

        Assert.Single(host.Changes, c => c.Command.Id == "s1");
        Assert.Equal(["s1"], host.Changes.Last().State.Steps["forum"].Submissions);
    }

    [Fact]
    public async Task RunAsync_ReviewBeforeSubmission_IsRejectedRecordedAndKeepsRunning()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = await host.StartYearAsync("early", ChecklistCalendar.Real(2099));
        await host.SendAsync(id, Approve("r0", "forum"));
        await host.SendAsync(id, Submit("s1", "forum"));
        await host.SendAsync(id, Approve("r1", "forum"));
        await WaitUntilAsync(() => host.Changes.Count >= 3, "three commands are projected");

        var rejected = host.Changes.Single(c => c.Command.Id == "r0");
        Assert.Equal(Outcome.Rejected, rejected.Outcome);
        Assert.Equal(StepStatus.NotStarted, rejected.From);
        Assert.False(string.IsNullOrEmpty(rejected.Reason));
        Assert.Equal(StepStatus.Approved, host.Changes.Single(c => c.Command.Id == "r1").To);
        var instance = await host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance!.RuntimeStatus);
    }

    [Fact]
    public async Task RunAsync_EventRaisedDuringQuarterHandOver_SurvivesContinueAsNew()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var calendar = ChecklistCalendar.Compressed(2026, DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromSeconds(4));
        string? id = null;
        var raised = 0;
        host.DuringReview = async review =>
        {
            // While the first quarter's review runs, the orchestration is between its last wait and continue-as-new.
            if (review.Quarter == 1 && Interlocked.Exchange(ref raised, 1) == 0)
            {
                await host.SendAsync(id!, Submit("during-q1", "forum"));
                await host.SendAsync(id!, Submit("during-q1-plan", "plan"));
                await Task.Delay(500);
            }
        };
        id = await host.StartYearAsync("handover", calendar);

        await WaitUntilAsync(() => host.Changes.Any(c => c.Command.Id == "during-q1-plan"), "both events raised during the hand-over are applied");
        Assert.Single(host.Changes, c => c.Command.Id == "during-q1");
        Assert.True(host.Reviews.Count(r => r.Quarter == 1) == 1, "the first quarter is reviewed once");
    }

    [Fact]
    public async Task RunAsync_MoreCommandsThanOneGeneration_KeepsEveryCommandAndBoundsHistory()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = await host.StartYearAsync("busy", ChecklistCalendar.Real(2099));
        var rounds = ChecklistOrchestration.MaxCommandsPerGeneration; // each round is two commands: submit, return
        for (var i = 0; i < rounds; i++)
        {
            await host.SendAsync(id, Submit($"s{i}", "forum"));
            await host.SendAsync(id, Return($"r{i}", "forum"));
        }

        await WaitUntilAsync(() => host.Changes.Any(c => c.Command.Id == $"r{rounds - 1}"), "the last return is projected");
        var last = host.Changes.Single(c => c.Command.Id == $"r{rounds - 1}").State.Steps["forum"];
        Assert.Equal(rounds, last.ReturnedRounds);
        Assert.Equal(rounds, last.Submissions.Count);
        Assert.Equal(2 * rounds, host.Changes.Count);
        var instance = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.True(instance!.ReadInputAs<ChecklistRun>()!.Generation >= 1, "the orchestration continued as new at least once");
    }
}
