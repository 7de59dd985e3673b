using System.Diagnostics;
using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Notifications;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Bench.Scenarios;

/// <summary>
/// Scenario 3: N villages reach the end of quarter 1 at the same instant (a compressed calendar whose first quarter
/// ends once every checklist has started): time from the boundary until every quarterly snapshot and every
/// village's reminders are written. Baseline: the same rows (snapshot, town progress, reminders, the directory read)
/// written directly with the Azure SDK at the same concurrency.
/// </summary>
public static class QuarterEnd
{
    public static async Task RunAsync(Context ctx, BenchOptions o, double secondsPerStart, Report report)
    {
        var n = o.QuarterVillages;

        // Baseline first: n trivial orchestrations, each one durable timer to the same instant and one activity.
        var timerLead = TimeSpan.FromSeconds(Math.Max(15, (secondsPerStart * n * 1.6) + 10));
        var timerAt = DateTime.UtcNow + timerLead;
        var timerIds = Enumerable.Range(0, n).Select(i => $"timer-{i:00000}").ToList();
        await Stats.ForEachAsync(timerIds, o.Concurrency, id =>
            ctx.Client.ScheduleNewOrchestrationInstanceAsync(TrivialOrchestration.Timer, timerAt, new Microsoft.DurableTask.StartOrchestrationOptions(id)));
        var timerSpare = timerAt - DateTime.UtcNow;
        if (timerSpare > TimeSpan.Zero)
        {
            await Task.Delay(timerSpare);
        }
        else
        {
            report.Note($"quarter end baseline: starting the {n} timer orchestrations overran their instant by {-timerSpare.TotalSeconds:0} s");
        }

        var timerWatch = Stopwatch.StartNew();
        var instances = ctx.Get<StorageClients>().Tables.GetTableClient(ctx.Host.TaskHub + "Instances");
        await OrchestrationOverhead.WaitForAsync(() => OrchestrationOverhead.CountAsync(instances, TableClient.CreateQueryFilter($"PartitionKey ge {"timer-"} and PartitionKey lt {"timer."} and RuntimeStatus eq {"Completed"}")), n, "timer orchestrations completed");
        var timerBaseline = timerWatch.Elapsed.TotalSeconds;

        var seed = Seeding.Generate("s3", 10, 0, n);
        await ctx.Get<DirectoryService>().UpsertAsync(seed);

        // Quarter 1 ends once all have started (planned from the start rate just measured, with room to spare);
        // quarter 2 an hour later, well after the bench is over.
        var lead = TimeSpan.FromSeconds(Math.Max(15, (secondsPerStart * n * 1.6) + 10));
        var boundary = DateTimeOffset.UtcNow + lead;
        var quarter = TimeSpan.FromHours(1);
        var calendar = ChecklistCalendar.Compressed(Bench.Year, boundary - quarter, quarter);
        await Seeding.StartAsync(ctx, seed, calendar, o.Concurrency);
        var spare = boundary - DateTimeOffset.UtcNow;
        if (spare < TimeSpan.Zero)
        {
            report.Note($"quarter end: starting the {n} checklists overran the boundary by {-spare.TotalSeconds:0} s");
        }
        else
        {
            await Task.Delay(spare);
        }

        var storage = ctx.Get<StorageClients>();
        var snapshots = storage.Table(TableNames.Snapshots);
        var outbox = storage.Table(TableNames.Outbox);
        var sw = Stopwatch.StartNew();
        await OrchestrationOverhead.WaitForAsync(
            () => OrchestrationOverhead.CountAsync(snapshots, TableClient.CreateQueryFilter($"PartitionKey ge {$"{Bench.Year}-s3-t"} and PartitionKey lt {$"{Bench.Year}-s3-u"} and Quarter eq 1")),
            n,
            "quarterly snapshots");
        // The reminders the review queues, keyed the way the app keys them (QuarterlyReminders: a late step under the
        // quarter the review runs in, a step due this quarter under the year), for a village with nothing handed in on
        // the first day after the boundary. Counting rows of one fixed period ("2026Q1") waited forever once the keys
        // changed: a village counts when every one of its expected rows is there, whatever other rows it has.
        var definition = ctx.Get<ChecklistDefinitions>().For(Bench.Year);
        var reviewDay = calendar.DateOf(boundary);
        var expectedKeys = QuarterlyReminders.For(definition, ChecklistState.New(Bench.Year, "v", definition.Steps.Select(s => s.Key)), reviewDay, "sec")
            .Select(r => Outbox.RowKey(r.Period, r.Reason))
            .ToHashSet(StringComparer.Ordinal);
        if (expectedKeys.Count == 0)
        {
            throw new InvalidOperationException($"quarter end: the {Bench.Year} definition gives no reminder on {reviewDay:yyyy-MM-dd}: nothing to wait for");
        }

        var reminded = 0;
        var reminders = 0;
        await OrchestrationOverhead.WaitForAsync(
            async () =>
            {
                var byVillage = new Dictionary<string, int>(StringComparer.Ordinal);
                await foreach (var r in outbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {"sec.s3-v"} and PartitionKey lt {"sec.s3-w"}"), select: ["PartitionKey", "RowKey"]))
                {
                    if (expectedKeys.Contains(r.RowKey))
                    {
                        byVillage[r.PartitionKey] = byVillage.GetValueOrDefault(r.PartitionKey) + 1;
                    }
                }

                reminders = byVillage.Values.Sum();
                return reminded = byVillage.Values.Count(c => c == expectedKeys.Count);
            },
            n,
            $"villages with their quarter-1 reminders ({string.Join(", ", expectedKeys.Order(StringComparer.Ordinal))})");
        var elapsed = sw.Elapsed.TotalSeconds;

        var perVillage = Math.Max(1, reminders / Math.Max(1, reminded));
        var floor = await FloorAsync(ctx, o, n, perVillage);
        report.Add(new Row("3 quarter end", $"{n} villages: every snapshot and reminder ({reminders}) written, from the boundary", elapsed, timerBaseline, "s", $"{n} trivial orchestrations: one timer to the same instant + one activity") { Key = $"quarter-end/villages-{n}" });
        report.Add(new Row("3 quarter end", $"{n} villages, against the direct writes", elapsed, floor, "s", $"the same rows ({perVillage} reminders a village) written direct") { Key = $"quarter-end/villages-{n}-direct" });
    }

    private static async Task<double> FloorAsync(Context ctx, BenchOptions o, int n, int remindersPerVillage)
    {
        var storage = ctx.Get<StorageClients>();
        var snapshots = storage.Table(TableNames.Snapshots);
        var progress = storage.Table(TableNames.TownProgress);
        var outbox = storage.Table(TableNames.Outbox);
        var directory = ctx.Get<DirectoryService>();
        var sw = Stopwatch.StartNew();
        await Stats.ForEachAsync(Enumerable.Range(0, n), o.Concurrency, async i =>
        {
            await snapshots.AddEntityAsync(new SnapshotEntity { PartitionKey = "floor", RowKey = $"q1-{i}", VillageId = $"v{i}", Quarter = 1, AsOf = DateTime.UtcNow, StepsJson = "{}" });
            await progress.UpsertEntityAsync(new TableEntity("floor-q", $"v{i}") { ["Approved"] = 0, ["Submitted"] = 0 }, TableUpdateMode.Replace);
            await directory.FindVillageAsync($"s3-v{i:00000}");
            for (var r = 0; r < remindersPerVillage; r++)
            {
                await outbox.UpsertEntityAsync(new NotificationEntity { PartitionKey = $"floor.{i}", RowKey = $"2026Q1|due-{r}", Text = "提醒", Period = "2026Q1" }, TableUpdateMode.Replace);
            }
        });
        return sw.Elapsed.TotalSeconds;
    }
}
