using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Bench.Scenarios;

/// <summary>
/// Scenario 2: start N village-year checklists, then push one submission through each (SubmissionService, the code
/// behind the HTTP route, with a small photo) until every village's progress row shows it.
/// Baseline: N trivial orchestrations (wait for one event, one activity) on the same host and backend.
/// </summary>
public static class OrchestrationOverhead
{
    /// <returns>Seconds per checklist start, for planning the quarter-end scenario.</returns>
    public static async Task<double> RunAsync(Context ctx, BenchOptions o, Report report)
    {
        var n = o.Orchestrations;
        var storage = ctx.Get<StorageClients>();

        // Baseline first: whatever warm-up the host still needs counts against the baseline, not against the product.
        var ids = Enumerable.Range(0, n).Select(i => $"trivial-{i:00000}").ToList();
        var sw = Stopwatch.StartNew();
        await Stats.ForEachAsync(ids, o.Concurrency, id =>
            ctx.Client.ScheduleNewOrchestrationInstanceAsync(TrivialOrchestration.Name, "x", new StartOrchestrationOptions(id)));
        var baseStart = sw.Elapsed.TotalSeconds;
        // Untimed, as for the checklists below: an event raised at an instance still Pending can be dropped by
        // DurableTask.AzureStorage (Azure/durabletask#720), and one such trivial instance held a quick run at 39 of 40 for 8 minutes, until it was stopped.
        var instances = storage.Tables.GetTableClient(ctx.Host.TaskHub + "Instances");
        await WaitForAsync(() => CountAsync(instances, TableClient.CreateQueryFilter($"PartitionKey ge {"trivial-"} and PartitionKey lt {"trivial."} and RuntimeStatus eq {"Running"}")), n, "trivial orchestrations running");
        sw.Restart();
        await Stats.ForEachAsync(ids, o.Concurrency, id => ctx.Client.RaiseEventAsync(id, TrivialOrchestration.Event, "go"));
        await WaitForAsync(() => CountAsync(instances, TableClient.CreateQueryFilter($"PartitionKey ge {"trivial-"} and PartitionKey lt {"trivial."} and RuntimeStatus eq {"Completed"}")), n, "trivial orchestrations completed");
        var baseProcessed = sw.Elapsed.TotalSeconds;

        var seed = Seeding.Generate("s2", 10, 0, n);
        await ctx.Get<DirectoryService>().UpsertAsync(seed);
        sw.Restart();
        await Seeding.StartAsync(ctx, seed, Seeding.FreshYear(), o.Concurrency);
        var start = sw.Elapsed.TotalSeconds;
        await Seeding.WaitRunningAsync(ctx, seed, o.Concurrency);

        var definition = ctx.Get<ChecklistDefinitions>().For(Bench.Year);
        var forum = definition.Find("forum")!;
        var submissions = ctx.Get<SubmissionService>();
        sw.Restart();
        await Stats.ForEachAsync(seed.Villages, o.Concurrency, async v =>
        {
            var result = await submissions.SubmitAsync(
                new SubmissionRequest(Bench.Year, v.Id, "forum", YearSimulator.FieldsFor(forum, Bench.Year), YearSimulator.FilesFor(forum), "bench", v.Secretary.Username),
                ctx.Client);
            if (!result.Accepted)
            {
                throw new InvalidOperationException($"submission for {v.Id}: {result.Status} {result.Title}");
            }
        });
        var progress = storage.Table(TableNames.TownProgress);
        await WaitForAsync(() => CountAsync(progress, TableClient.CreateQueryFilter($"PartitionKey ge {$"{Bench.Year}-s2-t"} and PartitionKey lt {$"{Bench.Year}-s2-u"} and Submitted eq 1")), n, "checklists showing their submission");
        var processed = sw.Elapsed.TotalSeconds;

        // The orchestration part alone: a second step's command raised straight at each instance (no HTTP, no photo, no
        // submission record: the orchestration does not read it), until every progress row counts two submitted steps.
        var volunteering = definition.Find("volunteering")!;
        sw.Restart();
        await Stats.ForEachAsync(seed.Villages, o.Concurrency, v => SubmissionRepair.RaiseAsync(
            ctx.Client, Bench.Year, v.Id, volunteering.Key, v.Secretary.Username, $"bench-cmd-{v.Id}", DateTimeOffset.UtcNow, CancellationToken.None));
        await WaitForAsync(() => CountAsync(progress, TableClient.CreateQueryFilter($"PartitionKey ge {$"{Bench.Year}-s2-t"} and PartitionKey lt {$"{Bench.Year}-s2-u"} and Submitted eq 2")), n, "checklists showing the second command");
        var commanded = sw.Elapsed.TotalSeconds;

        report.Add(new Row("2 orchestration", $"start {n} orchestrations", start, baseStart, "s", $"start {n} trivial orchestrations") { Key = "orchestration/start" });
        report.Add(new Row("2 orchestration", $"one command raised at each of {n}, until shown (orchestration part)", commanded, baseProcessed, "s", "one event + one activity each, until completed") { Key = "orchestration/command" });
        report.Add(new Row("2 orchestration", $"one submission (SubmissionService, small photo) through each of {n}, until shown", processed, baseProcessed, "s", "one event + one activity each, until completed") { Key = "orchestration/submission" });
        return start / n;
    }

    public static async Task<int> CountAsync(TableClient table, string filter)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }

    public static async Task WaitForAsync(Func<Task<int>> count, int expected, string what, TimeSpan? timeout = null)
    {
        var sw = Stopwatch.StartNew();
        var last = 0;
        var printed = TimeSpan.Zero;
        while ((last = await count()) < expected)
        {
            if (sw.Elapsed > (timeout ?? TimeSpan.FromMinutes(15)))
            {
                throw new TimeoutException($"{what}: {last} of {expected} after {sw.Elapsed.TotalSeconds:0} s");
            }

            // A wait that takes long says where it stands, so that a stall shows what it waits for.
            if (sw.Elapsed - printed > TimeSpan.FromMinutes(1))
            {
                printed = sw.Elapsed;
                Console.WriteLine($"  still waiting: {what}: {last} of {expected} after {sw.Elapsed.TotalSeconds:0} s");
            }

            await Task.Delay(250);
        }
    }
}
