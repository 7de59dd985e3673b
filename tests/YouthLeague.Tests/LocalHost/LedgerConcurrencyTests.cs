using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using YouthLeague.Ledger;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>The register under concurrent edits and repeated imports, on Azurite: nothing is silently lost or doubled.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LedgerConcurrencyTests(Azurite azurite)
{
    private async Task<LedgerService> ServiceAsync()
    {
        var storage = new StorageClients(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));
        await storage.EnsureCreatedAsync();
        return new LedgerService(storage, NullLogger<LedgerService>.Instance);
    }

    [Fact]
    public async Task RowsSavedAtOnce_EveryAcceptedOneIsThere_EveryRefusedOneIsNot()
    {
        var ledger = await ServiceAsync();
        var village = "lc-" + Guid.NewGuid().ToString("N")[..10];
        var people = Enumerable.Range(0, 8).Select(i => new LedgerRow($"p{i}", $"青年{i}", "女", 1995 + i, true, null, null, null, null)).ToList();

        var results = await Task.WhenAll(people.Select(p => ledger.SaveRowAsync(2026, village, p)));

        var stored = (await ledger.ReadAsync(2026, village, showPhones: true)).Select(r => r.Id).ToHashSet();
        Assert.All(results, r => Assert.Contains(r.Status, new[] { 200, 409 }));
        Assert.Contains(results, r => r.Status == 200);
        for (var i = 0; i < people.Count; i++)
        {
            Assert.Equal(results[i].Status == 200, stored.Contains(people[i].Id));
        }
    }

    [Fact]
    public async Task SameImportSentTwice_AtOnceAndAfter_PeopleAddedOnce()
    {
        var ledger = await ServiceAsync();
        var village = "li-" + Guid.NewGuid().ToString("N")[..10];
        var csv = Encoding.UTF8.GetBytes(string.Join(',', LedgerFiles.Columns) + "\r\n张三,男,1998,是,13900001111,,,,否\r\n李四,女,1999,否,,,,,否\r\n");

        // Two at once (a double tap): the later one is planned again on what the first left, and finds nothing new.
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ledger.ImportAsync(2026, village, new MemoryStream(csv), "csv", dryRun: false)));
        Assert.All(results, r => Assert.Equal(200, r.Status));
        Assert.Equal(2, (await ledger.ReadAsync(2026, village, showPhones: true)).Count);

        // The same file again later (issue #19: it used to add everyone a second time): all unchanged.
        var again = await ledger.ImportAsync(2026, village, new MemoryStream(csv), "csv", dryRun: false);
        Assert.Equal((200, 0, 0, 2), (again.Status, again.Plan.Added.Count, again.Plan.Changed.Count, again.Plan.Unchanged));
        Assert.Equal(2, (await ledger.ReadAsync(2026, village, showPhones: true)).Count);
    }
}
