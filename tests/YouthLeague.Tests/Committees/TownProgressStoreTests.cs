using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Checklist;
using YouthLeague.Progress;
using YouthLeague.Storage;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Committees;

/// <summary>The town progress row: written with the names the town page shows, and rows of the format before it still read.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TownProgressStoreTests(Azurite azurite)
{
    [Fact]
    public async Task WriteAsync_ChangedState_RowCarriesStatusesCountsAndNames()
    {
        await using var services = AccountServiceTests.Services(azurite.ConnectionString, new FakeTimeProvider(new DateTimeOffset(2026, 7, 1, 1, 0, 0, TimeSpan.Zero)));
        var (town, village) = await SeedAsync(services);
        var store = services.GetRequiredService<TownProgressStore>();
        var state = ChecklistState.New(2026, village, TestData.Definition.Steps.Select(s => s.Key));
        state = state with
        {
            Steps = state.Steps.ToDictionary(
                kv => kv.Key,
                kv => kv.Key switch { "ledger" => kv.Value with { Status = StepStatus.Approved }, "league-day" => kv.Value with { Status = StepStatus.Submitted }, _ => kv.Value }),
        };

        await store.WriteAsync(state, town);

        var row = Assert.Single(await store.TownAsync(2026, town));
        Assert.Equal(village, row.VillageId);
        Assert.Equal("进度村", row.VillageName);
        Assert.Equal("进度镇", row.TownName);
        Assert.True(row.HasNames);
        Assert.Equal((1, 1), (row.Approved, row.Submitted));
        Assert.Equal(StepStatus.Approved, row.StatusOf("ledger"));
        Assert.Equal(StepStatus.Submitted, row.StatusOf("league-day"));
        Assert.Equal(StepStatus.NotStarted, row.StatusOf("forum"));
        Assert.Equal(StepStatus.NotStarted, row.StatusOf("no-such-step"));

        // The year's range returns it, and not the town's review-queue row that shares the key range.
        await ProgressTable(services).UpsertEntityAsync(new TableEntity(ChecklistProjection.QueuePartition(2026, town), $"{village}|league-day") { ["VillageId"] = village, ["Step"] = "league-day" });
        var year = (await store.YearAsync(2026)).Where(r => r.PartitionKey.StartsWith(Keys.Town(2026, town), StringComparison.Ordinal)).ToList();
        Assert.Equal(village, Assert.Single(year).VillageId);
    }

    [Fact]
    public async Task TownAsync_RowOfTheFormatBeforeTheType_StatusesReadAndReportNamesFromTheDirectory()
    {
        await using var services = AccountServiceTests.Services(azurite.ConnectionString, new FakeTimeProvider(new DateTimeOffset(2026, 7, 1, 1, 0, 0, TimeSpan.Zero)));
        var (town, village) = await SeedAsync(services);
        // In 2025: the other tests' city pages of 2026 meet no row without names.
        await ProgressTable(services).UpsertEntityAsync(new TableEntity(Keys.Town(2025, town), village)
        {
            [TownProgressRow.LegacyColumnOf("ledger")] = "approved",
            [TownProgressRow.LegacyColumnOf("league-day")] = "returned",
            ["Approved"] = 1,
            ["Submitted"] = 0,
        });

        var row = Assert.Single(await services.GetRequiredService<TownProgressStore>().TownAsync(2025, town));
        Assert.False(row.HasNames);
        Assert.Equal(StepStatus.Approved, row.StatusOf("ledger"));
        Assert.Equal(StepStatus.Returned, row.StatusOf("league-day"));
        Assert.Equal(StepStatus.NotStarted, row.StatusOf("plan"));

        var report = await services.GetRequiredService<ProgressService>().ReportAsync(2025, [town]);
        Assert.NotNull(report);
        Assert.Equal("进度镇", Assert.Single(report.Towns).Name);
        var shown = Assert.Single(report.Villages);
        Assert.Equal("进度村", shown.Name);
        Assert.Equal("returned", shown.Steps["league-day"]);
        Assert.Equal(2, report.Queries); // the progress partition, then the directory for the names
    }

    private static TableClient ProgressTable(IServiceProvider services) => services.GetRequiredService<StorageClients>().Table(TableNames.TownProgress);

    private static async Task<(string Town, string Village)> SeedAsync(IServiceProvider services)
    {
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (town, village) = ("pt" + suffix, "pv-" + suffix);
        await services.GetRequiredService<DirectoryService>().UpsertAsync(new DemoSeed(
            new CitySeed("zoucheng", "邹城市", new PersonSeed("city", "市")),
            [new TownSeed(town, "进度镇", new PersonSeed("town." + town, "审核员"))],
            [new VillageSeed(village, town, "进度村", true, new PersonSeed("sec." + village, "书记"))]));
        return (town, village);
    }
}
