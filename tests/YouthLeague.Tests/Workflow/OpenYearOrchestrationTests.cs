using System.Collections.Concurrent;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using YouthLeague.Years;

namespace YouthLeague.Tests.Workflow;

/// <summary>The opening orchestration on the in-memory Durable Task host, with activities that record what they were asked.</summary>
public sealed class OpenYearOrchestrationTests
{
    private static async Task<(BatchResult Result, List<IReadOnlyList<VillageRef>> Batches)> RunAsync(int villages, Func<ChecklistBatch, int, BatchResult> startBatch)
    {
        var batches = new ConcurrentQueue<IReadOnlyList<VillageRef>>();
        var calls = 0;
        await using var host = await DurableTaskTestHost.StartAsync(r =>
        {
            r.AddOrchestratorFunc<YearOpening, BatchResult>(YearNames.OpenYearOrchestrator, (ctx, o) => OpenYearOrchestration.RunAsync(ctx, o));
            r.AddActivityFunc<int, List<VillageRef>>(YearNames.ListVillagesToOpen, (_, _) =>
                Enumerable.Range(0, villages).Select(i => new VillageRef($"v{i:D4}", "town")).ToList());
            r.AddActivityFunc<ChecklistBatch, BatchResult>(YearNames.StartChecklists, (_, batch) =>
            {
                batches.Enqueue(batch.Villages);
                return startBatch(batch, Interlocked.Increment(ref calls));
            });
        });
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(YearNames.OpenYearOrchestrator, new YearOpening(2027));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return (done.ReadOutputAs<BatchResult>()!, batches.ToList());
    }

    [Fact]
    public async Task RunAsync_BatchesOutOfTime_HandBackTheRestWhichIsStartedOnce()
    {
        // Every batch's first try runs out of its budget after 10 villages and hands back the rest.
        var (result, batches) = await RunAsync(60, (batch, _) =>
            batch.Villages.Count > 10
                ? new BatchResult(10, 0, batch.Villages.Skip(10).ToList())
                : new BatchResult(batch.Villages.Count, 0));

        Assert.Equal(60, result.Started);
        Assert.Equal(0, result.AlreadyRunning);
        var tried = batches.SelectMany(b => b.Count > 10 ? b.Take(10) : b).Select(v => v.Id).ToList();
        Assert.Equal(60, tried.Count);
        Assert.Equal(60, tried.Distinct().Count());
        Assert.Equal(OpenYearOrchestration.BatchSize, batches.Max(b => b.Count));
    }

    [Fact]
    public async Task RunAsync_ResultsWithoutRemaining_AsBeforeTheBudget_TallyOnce()
    {
        // An activity of the previous code returns no Remaining: each batch is run once.
        var (result, batches) = await RunAsync(60, (batch, _) => new BatchResult(batch.Villages.Count - 1, 1));
        Assert.Equal(3, batches.Count);
        Assert.Equal(57, result.Started);
        Assert.Equal(3, result.AlreadyRunning);
    }
}
