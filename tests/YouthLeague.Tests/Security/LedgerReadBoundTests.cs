using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using YouthLeague.Ledger;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.Security;

/// <summary>Issue #14: every ledger read loaded every kept snapshot (each handed-in version stays for good).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LedgerReadBoundTests(Azurite azurite)
{
    /// <summary>Bytes of table responses: what a read cost, however the rows were filtered.</summary>
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

    private static List<LedgerRow> People(int n, string tag) =>
        [.. Enumerable.Range(0, n).Select(i => new LedgerRow(null, $"{tag}{i}", "女", 2000, true, "13812345678", "本科", "村委会", "备注", false))];

    [Fact]
    public async Task LedgerRead_With20KeptSnapshots_ReadsOnlyTheCurrentVersion()
    {
        var counter = new ResponseBytes();
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var storage = new StorageClients(new TableServiceClient(azurite.ConnectionString, options), new BlobServiceClient(azurite.ConnectionString));
        await storage.EnsureCreatedAsync();
        var ledger = new LedgerService(storage, NullLogger<LedgerService>.Instance);
        var village = "lb" + Guid.NewGuid().ToString("N")[..10];

        Assert.Equal(200, (await ledger.ReplaceAsync(2026, village, People(50, "甲"))).Status);
        Interlocked.Exchange(ref counter.Bytes, 0);
        Assert.Equal(50, (await ledger.ReadAsync(2026, village, showPhones: true)).Count);
        var withoutHistory = Interlocked.Read(ref counter.Bytes);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await ledger.PinAsync(2026, village, "s" + i)).Status);
            Assert.Equal(200, (await ledger.ReplaceAsync(2026, village, People(50, "乙" + i))).Status);
        }

        Interlocked.Exchange(ref counter.Bytes, 0);
        var now = await ledger.ReadAsync(2026, village, showPhones: true);
        var withHistory = Interlocked.Read(ref counter.Bytes);

        Assert.Equal(50, now.Count);
        Assert.All(now, r => Assert.StartsWith("乙19", r.Name, StringComparison.Ordinal));
        Assert.True(withHistory < withoutHistory * 2, $"read {withHistory} bytes with 20 kept snapshots, {withoutHistory} without");
    }
}
