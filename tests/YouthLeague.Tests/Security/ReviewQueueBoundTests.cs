using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using YouthLeague.Notifications;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;

namespace YouthLeague.Tests.Security;

/// <summary>Issue #14: the review queue page read the whole Outbox table (every town's notifications) for its list of failed ones.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReviewQueueBoundTests(Azurite azurite)
{
    private sealed class ResponseBytes : HttpPipelinePolicy
    {
        public long Bytes;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            Interlocked.Add(ref Bytes, message.Response.Content.ToMemory().Length);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            Interlocked.Add(ref Bytes, message.Response.Content.ToMemory().Length);
        }
    }

    [Fact]
    public async Task ReviewQueue_FailedNotices_ReadsThisTownsRecipientsNotTheWholeOutbox()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var (here, there) = ("rq" + id, "rqo" + id);
        var counter = new ResponseBytes();
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var storage = new StorageClients(new TableServiceClient(azurite.ConnectionString, options), new BlobServiceClient(azurite.ConnectionString));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["YouthLeague:ChecklistFolder"] = TestData.ChecklistFolder }).Build();
        var collection = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddYouthLeague(config);
        collection.AddSingleton(storage);
        await using var services = collection.BuildServiceProvider();
        await storage.EnsureCreatedAsync();
        await services.GetRequiredService<DirectoryService>().UpsertAsync(new DemoSeed(
            new CitySeed("zoucheng", "邹城市", new PersonSeed("city", "市")),
            [new TownSeed(here, "本镇", new PersonSeed("town." + here, "审核员")), new TownSeed(there, "他镇", new PersonSeed("town." + there, "审核员"))],
            [new VillageSeed("v" + here, here, "本村", true, new PersonSeed("sec.v" + here, "书记")), new VillageSeed("v" + there, there, "他村", true, new PersonSeed("sec.v" + there, "书记"))]));

        var outbox = storage.Table(TableNames.Outbox);
        NotificationEntity Failed(string recipient, string village, int i) => new()
        {
            PartitionKey = recipient, RowKey = $"2026Q{i}|r{i}", VillageId = village, Status = "failed", Text = new string('提', 200), QueuedAt = DateTimeOffset.UtcNow,
        };
        await outbox.SubmitTransactionAsync(Enumerable.Range(0, 2).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Failed("sec.v" + here, "v" + here, i))));
        var dispatcher = services.GetRequiredService<NotificationDispatcher>();

        Interlocked.Exchange(ref counter.Bytes, 0);
        Assert.Equal(2, (await dispatcher.FailedAsync(here)).Count);
        var alone = Interlocked.Read(ref counter.Bytes);

        foreach (var chunk in Enumerable.Range(0, 300).Chunk(100))
        {
            await outbox.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add, Failed("sec.v" + there, "v" + there, i))));
        }

        Interlocked.Exchange(ref counter.Bytes, 0);
        var failed = await dispatcher.FailedAsync(here);
        var withOthers = Interlocked.Read(ref counter.Bytes);

        Assert.Equal(2, failed.Count);
        Assert.All(failed, n => Assert.Equal("v" + here, n.VillageId));
        Assert.True(withOthers < alone * 2, $"read {withOthers} bytes with another town's 300 failed notices, {alone} without");
    }
}
