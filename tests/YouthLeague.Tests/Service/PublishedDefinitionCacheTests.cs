using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Years;

namespace YouthLeague.Tests.Service;

/// <summary>
/// The year's published definition is asked for synchronously on every page (ChecklistDefinitions.Find). It used to read
/// storage on the caller's thread whenever its 20-second entry had expired, one blocking read per request that found it
/// expired; now only a process's first ask blocks, and an expired entry is refreshed in the background.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PublishedDefinitionCacheTests(Azurite azurite)
{
    /// <summary>Counts requests sent through the synchronous pipeline (a thread blocked on storage).</summary>
    private sealed class SyncRequests : HttpPipelinePolicy
    {
        private int count;

        public int Count => count;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref count);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNextAsync(message, pipeline);
    }

    [Fact]
    public async Task PublishedDefinition_ExpiredEntry_AnsweredWithoutBlockingAndRefreshedInTheBackground()
    {
        var year = 2100 + Random.Shared.Next(1, 100);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sync = new SyncRequests();
        var options = new TableClientOptions();
        options.AddPolicy(sync, HttpPipelinePosition.PerCall);

        // This process: its storage counts blocking requests. The other instance publishes and changes the year.
        await using var here = ServicesWith(new StorageClients(new TableServiceClient(azurite.ConnectionString, options), new BlobServiceClient(azurite.ConnectionString)), clock);
        await using var other = AccountServiceTests.Services(azurite.ConnectionString, clock);
        await other.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        var elsewhere = other.GetRequiredService<YearService>();
        var definition = DefinitionJson.Carry(other.GetRequiredService<ChecklistDefinitions>().For(2026), year);
        var saved = (await elsewhere.SaveDraftAsync("city.test", year, DefinitionJson.Write(definition))).Outcome;
        Assert.True(saved.Status == 200, $"{saved.Title}: {string.Join("; ", saved.Errors ?? [])}");
        var published = await elsewhere.PublishAsync("city.test", year);
        Assert.True(published.Status == 200, $"{published.Title}: {string.Join("; ", published.Errors ?? [])}");

        // The first ask reads (blocking: nothing to answer with yet).
        var years = here.GetRequiredService<YearService>();
        Assert.NotNull(years.PublishedDefinition(year));
        Assert.Equal(1, sync.Count);

        // The other instance puts the year back to draft; past the cache's time this process answers what it had,
        // without a blocking read, and a background read brings the change in.
        Assert.Equal(200, (await elsewhere.SaveDraftAsync("city.test", year, DefinitionJson.Write(definition))).Outcome.Status);
        clock.Advance(YearService.CacheFor + TimeSpan.FromSeconds(1));
        Assert.NotNull(years.PublishedDefinition(year));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (years.PublishedDefinition(year) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired entry was not refreshed");
            await Task.Delay(50);
        }

        Assert.Equal(1, sync.Count);
    }

    private ServiceProvider ServicesWith(StorageClients storage, TimeProvider clock)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["YouthLeague:ChecklistFolder"] = TestData.ChecklistFolder })
            .Build();
        var collection = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddYouthLeague(config);
        collection.AddSingleton(storage);
        collection.AddSingleton(clock);
        return collection.BuildServiceProvider();
    }
}
