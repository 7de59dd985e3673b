using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using YouthLeague.Checklist;
using YouthLeague.Workflow;
using YouthLeague.Years;

namespace YouthLeague.Towns;

public sealed record SeedResult(int Year, int Towns, int Villages, int Started, int AlreadyRunning);

/// <summary>
/// Loads seeds/demo.json (towns, villages, people, with fixed ids and the demo password) and opens this year
/// (China time) through the same services a city uses: the year's definition is published (the default file)
/// and each village's checklist started and recorded as the opening does. Idempotent: rows are upserted and a
/// running checklist is left as it is. Unlike the city's opening it starts the villages itself, with the calendar
/// of this run (a compressed one when YouthLeague:QuarterLength is set), and returns only when all have started.
/// </summary>
public static class DemoSeeder
{
    public const string Actor = "demo-seed";

    public static async Task<SeedResult> SeedAsync(IServiceProvider services, IConfiguration config, CancellationToken cancellationToken)
    {
        var definitions = services.GetRequiredService<ChecklistDefinitions>();
        var seedPath = config["YouthLeague:DemoSeed"] is { Length: > 0 } p ? p : Path.Combine(Path.GetDirectoryName(definitions.Folder)!, "demo.json");
        var seed = DemoSeed.Load(seedPath);
        await services.GetRequiredService<DirectoryService>().UpsertAsync(seed, cancellationToken);
        var password = config["YL_DEMO_PASSWORD"] is { Length: > 0 } p2 ? p2 : Auth.DemoPasswordGuard.DefaultDemoPassword;
        await services.GetRequiredService<Auth.AccountService>().SeedDemoAsync(seed, password, cancellationToken);

        var clock = services.GetRequiredService<TimeProvider>();
        var years = services.GetRequiredService<YearService>();
        var year = config.GetValue<int?>("YouthLeague:DemoYear") ?? ChinaTime.Year(clock.GetUtcNow());
        var calendar = years.CalendarFor(year);
        var opened = await years.EnsureOpenedAsync(Actor, year, calendar, cancellationToken);
        if (!opened.Ok)
        {
            throw new InvalidOperationException($"Cannot open {year} for the demo: {opened.Title} {string.Join("; ", opened.Errors ?? [])}");
        }

        var starter = services.GetRequiredService<ChecklistStarter>();
        var client = services.GetRequiredService<DurableTaskClient>();
        int started = 0, running = 0;
        await Parallel.ForEachAsync(seed.Villages, new ParallelOptions { MaxDegreeOfParallelism = YearOpener.Parallelism, CancellationToken = cancellationToken }, async (village, ct) =>
        {
            var outcome = await starter.StartAsync(client, year, village.Id, village.TownId, calendar, ct);
            Interlocked.Increment(ref outcome == StartOutcome.Started ? ref started : ref running);
        });
        await years.MarkStartedAsync(year, seed.Villages.Select(v => (v.Id, v.TownId)), cancellationToken);
        return new SeedResult(year, seed.Towns.Count, seed.Villages.Count, started, running);
    }
}
