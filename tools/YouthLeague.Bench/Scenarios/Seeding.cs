using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask.Client;
using YouthLeague.Checklist;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Bench.Scenarios;

/// <summary>Generated towns and villages (ids only ASCII, names Chinese), written with the app's own directory and account services.</summary>
public static class Seeding
{
    public static readonly CitySeed City = new("zoucheng", "邹城市", new PersonSeed("city", "团市委"));

    public static DemoSeed Generate(string prefix, int towns, int fromVillage, int toVillage)
    {
        var townSeeds = Enumerable.Range(1, towns)
            .Select(t => new TownSeed($"{prefix}-t{t:00}", $"第{t}镇", new PersonSeed($"town.{prefix}-t{t:00}", "审核员")))
            .ToList();
        var villages = Enumerable.Range(fromVillage, toVillage - fromVillage)
            .Select(i => new VillageSeed($"{prefix}-v{i:00000}", townSeeds[i % towns].Id, $"第{i}村", false, new PersonSeed($"sec.{prefix}-v{i:00000}", "书记")))
            .ToList();
        return new DemoSeed(City, townSeeds, villages);
    }

    /// <summary>A year that has just begun: quarter 1 ends <paramref name="quarter"/> from now (a day unless said).</summary>
    public static ChecklistCalendar FreshYear(TimeSpan? quarter = null) =>
        ChecklistCalendar.Compressed(Bench.Year, DateTimeOffset.UtcNow, quarter ?? TimeSpan.FromDays(1));

    public static async Task StartAsync(Context ctx, DemoSeed seed, ChecklistCalendar calendar, int concurrency)
    {
        var starter = ctx.Get<ChecklistStarter>();
        await Stats.ForEachAsync(seed.Villages, concurrency, async v =>
        {
            var outcome = await starter.StartAsync(ctx.Client, Bench.Year, v.Id, v.TownId, calendar);
            if (outcome != StartOutcome.Started)
            {
                throw new InvalidOperationException($"checklist of {v.Id} was {outcome}, not started");
            }
        });
    }

    /// <summary>
    /// Waits (untimed) until every checklist of the seed has run its first episode. An event raised at an instance
    /// still Pending can be dropped by DurableTask.AzureStorage (Azure/durabletask#720; seen here once, 2 December: the
    /// submission's record written 4 s before the instance's first episode, no EventRaised in its history); the app's
    /// repair re-sends it, but only ten minutes later, which would put that wait into the figure of whatever comes next.
    /// </summary>
    public static async Task WaitRunningAsync(Context ctx, DemoSeed seed, int concurrency)
    {
        var waiting = seed.Villages.Select(v => WorkflowNames.InstanceId(Bench.Year, v.Id)).ToList();
        var sw = Stopwatch.StartNew();
        while (waiting.Count > 0)
        {
            var still = new ConcurrentBag<string>();
            await Stats.ForEachAsync(waiting, concurrency, async id =>
            {
                if ((await ctx.Client.GetInstanceAsync(id))?.RuntimeStatus != OrchestrationRuntimeStatus.Running)
                {
                    still.Add(id);
                }
            });
            waiting = [.. still];
            if (waiting.Count > 0)
            {
                if (sw.Elapsed > TimeSpan.FromMinutes(15))
                {
                    throw new TimeoutException($"{waiting.Count} checklists not running after {sw.Elapsed.TotalSeconds:0} s, for example {waiting[0]}");
                }

                await Task.Delay(250);
            }
        }
    }
}
