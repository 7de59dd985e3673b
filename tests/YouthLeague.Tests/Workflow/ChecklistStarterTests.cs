using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Tests.Committees;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Workflow;

/// <summary>Where a checklist started mid-year begins: the quarter its calendar is in, not quarter 1 with the past reviews run at once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChecklistStarterTests(Azurite azurite)
{
    private async Task<(int Quarter, int Reviews)> StartAtAsync(DateTimeOffset now, ChecklistCalendar calendar)
    {
        var storage = new StorageClients(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));
        await storage.EnsureCreatedAsync();
        var village = "mid-" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await InMemoryChecklist.StartAsync();
        var starter = new ChecklistStarter(storage, new ChecklistDefinitions(TestData.ChecklistFolder), new FakeTimeProvider(now));

        Assert.Equal(StartOutcome.Started, await starter.StartAsync(host.Client, calendar.Year, village, "taiping", calendar));

        var id = WorkflowNames.InstanceId(calendar.Year, village);
        var instance = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.NotNull(instance);
        var quarter = JsonNode.Parse(instance.SerializedInput!)!["Quarter"]?.GetValue<int>() ?? JsonNode.Parse(instance.SerializedInput!)!["quarter"]!.GetValue<int>();

        // Give a wrongly started instance time to run its past quarters' reviews (they would be due at once).
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.NotNull(await storage.Table(TableNames.Checklists).GetEntityIfExistsAsync<ChecklistEntity>(Keys.Checklist(calendar.Year, village), ChecklistEntity.Row));
        return (quarter, host.Reviews.Count);
    }

    [Fact]
    public async Task StartAsync_YearOpenedInDecember_StartsInTheFourthQuarterWithoutPastReviews()
    {
        var (quarter, reviews) = await StartAtAsync(new DateTimeOffset(2026, 12, 2, 2, 0, 0, TimeSpan.Zero), ChecklistCalendar.Real(2026));
        Assert.Equal(4, quarter);
        Assert.Equal(0, reviews);
    }

    [Fact]
    public async Task StartAsync_VillageAddedInTheThirdQuarterOfACompressedYear_StartsThere()
    {
        // Quarters of an hour; the year began 2.5 quarters ago.
        var now = DateTimeOffset.UtcNow;
        var (quarter, reviews) = await StartAtAsync(now, ChecklistCalendar.Compressed(2026, now - TimeSpan.FromHours(2.5), TimeSpan.FromHours(1)));
        Assert.Equal(3, quarter);
        Assert.Equal(0, reviews);
    }

    [Fact]
    public async Task StartAsync_YearOpenedBeforeItBegins_StartsInTheFirstQuarter()
    {
        var now = DateTimeOffset.UtcNow;
        var (quarter, reviews) = await StartAtAsync(now, ChecklistCalendar.Compressed(2026, now + TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        Assert.Equal(1, quarter);
        Assert.Equal(0, reviews);
    }

    /// <summary>
    /// After the instance is scheduled, the checklist's rows (one batch) and the town-progress row (which reads the village
    /// and the town first) are written side by side: with every table request held 150 ms, the batch and both directory
    /// reads are in flight at once (3; one after the other before, 2 at most), and every row is there afterwards.
    /// </summary>
    [Fact]
    public async Task StartAsync_ChecklistRowsBesideTheProgressRow()
    {
        var inFlight = new InFlightRequests(TimeSpan.FromMilliseconds(150));
        var options = new TableClientOptions();
        options.AddPolicy(inFlight, Azure.Core.HttpPipelinePosition.PerCall);
        var storage = new StorageClients(new TableServiceClient(azurite.ConnectionString, options), new BlobServiceClient(azurite.ConnectionString));
        await storage.EnsureCreatedAsync();
        var village = "side-" + Guid.NewGuid().ToString("N")[..8];
        var directory = new DirectoryService(storage);
        var seed = DemoSeed.Load(Path.Combine(TestData.RepoRoot, "seeds", "demo.json"));
        await directory.UpsertAsync(new DemoSeed(
            seed.City,
            [new TownSeed("sidetown", "旁镇", new PersonSeed("town.sidetown", "审核员"))],
            [new VillageSeed(village, "sidetown", "旁村", true, new PersonSeed("sec." + village, "书记"))]));
        await using var host = await InMemoryChecklist.StartAsync();
        var starter = new ChecklistStarter(storage, new ChecklistDefinitions(TestData.ChecklistFolder), TimeProvider.System, new YouthLeague.Progress.TownProgressStore(storage, directory));
        inFlight.Reset();

        Assert.Equal(StartOutcome.Started, await starter.StartAsync(host.Client, 2026, village, "sidetown", ChecklistCalendar.Real(2026)));

        Assert.Equal(3, inFlight.Max);
        var checklist = storage.Table(TableNames.Checklists).Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Checklist(2026, village)}")).Select(r => r.RowKey).ToList();
        Assert.Contains(ChecklistEntity.Row, checklist);
        Assert.Equal(7, checklist.Count); // the header and the six steps
        var progress = storage.Table(TableNames.TownProgress).Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(2026, "sidetown")}")).ToList();
        Assert.Contains(progress, r => r.RowKey == village);
    }
}
