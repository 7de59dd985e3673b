using System.Diagnostics;
using System.Net.Http.Headers;
using Azure.Data.Tables;
using YouthLeague.Bench.Infrastructure;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;
using YouthLeague.Progress;

namespace YouthLeague.Bench.Scenarios;

/// <summary>
/// Scenario 4: the town page, the city page and GET /api/progress/{year} at growing numbers of villages (16 towns):
/// latency (median of the repeats) and the storage requests each costs, counted by the proxy in front of table storage.
/// Baseline: one raw query of the same partition (the town's progress rows; for the city, all progress rows of the year),
/// through the same proxy.
/// </summary>
public static class Dashboards
{
    private const int Towns = 16;
    private static readonly StepStatus[] Statuses = [StepStatus.NotStarted, StepStatus.Submitted, StepStatus.Approved, StepStatus.Returned];

    public static async Task RunAsync(Context ctx, CountingProxy proxy, BenchOptions o, Report report)
    {
        var storage = ctx.Get<StorageClients>();
        var directory = ctx.Get<DirectoryService>();
        var definition = ctx.Get<ChecklistDefinitions>().For(Bench.Year);
        var accounts = Seeding.Generate("d", Towns, 0, 0);
        await directory.UpsertAsync(accounts);
        await ctx.Get<Auth.AccountService>().SeedDemoAsync(accounts, Bench.Password);
        var town = accounts.Towns[0];
        var townAuth = await ctx.SignInAsync(town.Reviewer.Username);
        var cityAuth = await ctx.SignInAsync("city");
        var progress = storage.Table(TableNames.TownProgress);
        var store = ctx.Get<TownProgressStore>();
        var random = new Random(4);
        var have = 0;
        foreach (var size in o.DashboardSizes)
        {
            var seed = Seeding.Generate("d", Towns, have, size);
            await directory.UpsertAsync(seed);
            var townNames = seed.Towns.ToDictionary(t => t.Id, t => t.Name);
            await Stats.ForEachAsync(seed.Villages.GroupBy(v => v.TownId).SelectMany(g => g.Chunk(100)), 4, chunk =>
                store.WriteAsync(chunk.Select(v => TownProgressRow.Of(
                    Bench.Year,
                    v.TownId,
                    townNames[v.TownId],
                    v.Id,
                    v.Name,
                    definition.Steps.ToDictionary(s => s.Key, _ => Statuses[random.Next(Statuses.Length)])))));
            have = size;

            var townFilter = TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(Bench.Year, town.Id)}");
            var allFilter = TableClient.CreateQueryFilter($"PartitionKey ge {$"{Bench.Year}-"} and PartitionKey lt {$"{Bench.Year}."}");
            var rows = await RawAsync(progress, allFilter);
            if (rows != size)
            {
                throw new InvalidOperationException($"the baseline query reads {rows} progress rows, not {size}");
            }

            var townRaw = await MeasureAsync(proxy, o.Repeat, () => RawAsync(progress, townFilter));
            var allRaw = await MeasureAsync(proxy, o.Repeat, () => RawAsync(progress, allFilter));

            // The HTTP floor: the same raw queries served as JSON by the same host (bench serve's /bench/raw).
            var townHttp = await MeasureAsync(proxy, o.Repeat, () => GetAsync(ctx, "/bench/raw?filter=" + Uri.EscapeDataString(townFilter), townAuth));
            var allHttp = await MeasureAsync(proxy, o.Repeat, () => GetAsync(ctx, "/bench/raw?filter=" + Uri.EscapeDataString(allFilter), cityAuth));
            var townPage = await MeasureAsync(proxy, o.Repeat, () => GetAsync(ctx, $"/towns/{town.Id}?year={Bench.Year}", townAuth));
            var cityPage = await MeasureAsync(proxy, o.Repeat, () => GetAsync(ctx, $"/city?year={Bench.Year}", cityAuth));
            var api = await MeasureAsync(proxy, o.Repeat, () => GetAsync(ctx, $"/api/progress/{Bench.Year}", cityAuth));
            var label = $"{size} villages";
            const string TownBase = "one raw query of the town's progress partition";
            const string AllBase = "one raw query of all the year's progress rows";
            const string TownHttp = "the town's progress partition, raw, served over HTTP by the same host";
            const string AllHttp = "all the year's progress rows, raw, served over HTTP by the same host";
            report.Add(new Row("4 dashboards", $"town page, {label}: latency", townPage.Ms, townHttp.Ms, "ms", TownHttp) { Key = $"dashboards/town-page-{size}" });
            report.Add(new Row("4 dashboards", $"town page, {label}: latency against the raw query", townPage.Ms, townRaw.Ms, "ms", TownBase) { Key = $"dashboards/town-page-raw-{size}" });
            report.Add(new Row("4 dashboards", $"town page, {label}: storage requests", townPage.Requests, townRaw.Requests, "", TownBase) { Key = $"dashboards/town-page-requests-{size}" });
            report.Add(new Row("4 dashboards", $"city page, {label}: latency", cityPage.Ms, allHttp.Ms, "ms", AllHttp) { Key = $"dashboards/city-page-{size}" });
            report.Add(new Row("4 dashboards", $"city page, {label}: latency against the raw query", cityPage.Ms, allRaw.Ms, "ms", AllBase) { Key = $"dashboards/city-page-raw-{size}" });
            report.Add(new Row("4 dashboards", $"city page, {label}: storage requests", cityPage.Requests, allRaw.Requests, "", AllBase) { Key = $"dashboards/city-page-requests-{size}" });
            report.Add(new Row("4 dashboards", $"GET /api/progress (city), {label}: latency", api.Ms, allHttp.Ms, "ms", AllHttp) { Key = $"dashboards/api-progress-{size}" });
            report.Add(new Row("4 dashboards", $"GET /api/progress (city), {label}: storage requests", api.Requests, allRaw.Requests, "", AllBase) { Key = $"dashboards/api-progress-requests-{size}" });
        }
    }

    private static async Task<int> RawAsync(TableClient table, string filter)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter))
        {
            count++;
        }

        return count;
    }

    private static async Task GetAsync(Context ctx, string path, AuthenticationHeaderValue auth)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = auth;
        using var response = await ctx.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>One warm-up, then <paramref name="repeat"/> timed calls one after another: median latency, fewest storage requests
    /// (the host's background work can only add requests, never remove them).</summary>
    private static async Task<(double Ms, double Requests)> MeasureAsync(CountingProxy proxy, int repeat, Func<Task> call)
    {
        await call();
        var times = new List<double>();
        var requests = long.MaxValue;
        for (var i = 0; i < repeat; i++)
        {
            var before = proxy.Count;
            var sw = Stopwatch.StartNew();
            await call();
            times.Add(sw.Elapsed.TotalMilliseconds);
            requests = Math.Min(requests, proxy.Count - before);
        }

        return (Stats.Percentile(times, 50), requests);
    }
}
