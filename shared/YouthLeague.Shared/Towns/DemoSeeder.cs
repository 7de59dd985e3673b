using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using YouthLeague.Checklist;
using YouthLeague.Workflow;

namespace YouthLeague.Towns;

public sealed record SeedResult(int Year, int Towns, int Villages, int Started, int AlreadyRunning);

/// <summary>
/// Loads seeds/demo.json (towns, villages, people) and starts this year's checklist (China time) for each
/// village. Idempotent: rows are upserted and a running checklist is left as it is.
/// </summary>
public static class DemoSeeder
{
    public static async Task<SeedResult> SeedAsync(IServiceProvider services, IConfiguration config, CancellationToken cancellationToken)
    {
        var definitions = services.GetRequiredService<ChecklistDefinitions>();
        var seedPath = config["YouthLeague:DemoSeed"] is { Length: > 0 } p ? p : Path.Combine(Path.GetDirectoryName(definitions.Folder)!, "demo.json");
        var seed = DemoSeed.Load(seedPath);
        await services.GetRequiredService<DirectoryService>().UpsertAsync(seed, cancellationToken);
        var password = config["YL_DEMO_PASSWORD"] is { Length: > 0 } p2 ? p2 : Auth.DemoPasswordGuard.DefaultDemoPassword;
        await services.GetRequiredService<Auth.AccountService>().SeedDemoAsync(seed, password, cancellationToken);

        var clock = services.GetRequiredService<TimeProvider>();
        var year = config.GetValue<int?>("YouthLeague:DemoYear") ?? ChinaTime.Year(clock.GetUtcNow());
        // A quarter length (e.g. 00:00:20) compresses the year, for demos and tests; unset means the real calendar.
        var calendar = config.GetValue<TimeSpan?>("YouthLeague:QuarterLength") is { } quarter
            ? ChecklistCalendar.Compressed(year, clock.GetUtcNow().AddSeconds(2), quarter)
            : ChecklistCalendar.Real(year);
        var starter = services.GetRequiredService<ChecklistStarter>();
        var client = services.GetRequiredService<DurableTaskClient>();
        int started = 0, running = 0;
        foreach (var village in seed.Villages)
        {
            var outcome = await starter.StartAsync(client, year, village.Id, village.TownId, calendar, cancellationToken);
            if (outcome == StartOutcome.Started)
            {
                started++;
            }
            else
            {
                running++;
            }
        }

        return new SeedResult(year, seed.Towns.Count, seed.Villages.Count, started, running);
    }
}
