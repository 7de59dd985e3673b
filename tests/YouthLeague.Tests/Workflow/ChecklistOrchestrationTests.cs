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
}
