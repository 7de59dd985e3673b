using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Workflow;

/// <summary>The upload path on real storage with a failure injected between the files and the record.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SubmissionAtomicityTests(Azurite azurite)
{
    /// <summary>Real Azurite tables, except that adding a submission record fails.</summary>
    private sealed class RecordFailsTable(string connection, string name) : TableClient(connection, name)
    {
        public override Task<Response> AddEntityAsync<T>(T entity, CancellationToken cancellationToken = default) =>
            entity is SubmissionEntity ? throw new RequestFailedException(500, "injected: table unavailable") : base.AddEntityAsync(entity, cancellationToken);
    }

    private sealed class RecordFailsTables : TableServiceClient
    {
        private readonly string connection;

        public RecordFailsTables(string connection)
            : base(connection) => this.connection = connection;

        public override TableClient GetTableClient(string tableName) =>
            tableName == TableNames.Checklists ? new RecordFailsTable(connection, tableName) : base.GetTableClient(tableName);
    }

    [Fact]
    public async Task SubmitAsync_RecordWriteFailsAfterUpload_LeavesNeitherBlobNorRecord()
    {
        var real = new StorageClients(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));
        await real.EnsureCreatedAsync();
        var village = "atom-" + Guid.NewGuid().ToString("N")[..8];
        var definitions = new ChecklistDefinitions(TestData.ChecklistFolder);
        await using var host = await InMemoryChecklist.StartAsync();
        await new ChecklistStarter(real, definitions).StartAsync(host.Client, 2026, village, "taiping", ChecklistCalendar.Real(2026));

        var failing = new StorageClients(new RecordFailsTables(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));
        var service = new SubmissionService(failing, definitions, new ChecklistReader(failing, definitions, TimeProvider.System), new YouthLeague.Ledger.LedgerService(failing, NullLogger<YouthLeague.Ledger.LedgerService>.Instance), TimeProvider.System, Repair(real, SubmissionRepair.DefaultDelay), NullLogger<SubmissionService>.Instance);
        var photo = YearSimulator.Photo;
        var request = new SubmissionRequest(2026, village, "volunteering", YearSimulator.FieldsFor(definitions.For(2026).Find("volunteering")!, 2026),
            [new IncomingFile("evidence", photo.Length, () => new MemoryStream(photo)), new IncomingFile("evidence", photo.Length, () => new MemoryStream(photo))], "k1", "sec." + village);

        await Assert.ThrowsAsync<RequestFailedException>(() => service.SubmitAsync(request, host.Client));

        Assert.Empty(TestData.BlobNames(real.EvidenceContainer, $"2026/{village}/"));
        var rows = real.Table(TableNames.Checklists).Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + village}")).Select(r => r.RowKey).ToList();
        Assert.DoesNotContain(rows, r => r.StartsWith("sub-", StringComparison.Ordinal));
        Assert.Contains("checklist", rows); // the checklist itself is there: only the submission is absent

        // The same request once storage works again: both files and the record.
        var working = new SubmissionService(real, definitions, new ChecklistReader(real, definitions, TimeProvider.System), new YouthLeague.Ledger.LedgerService(real, NullLogger<YouthLeague.Ledger.LedgerService>.Instance), TimeProvider.System, Repair(real, SubmissionRepair.DefaultDelay), NullLogger<SubmissionService>.Instance);
        var result = await working.SubmitAsync(request, host.Client);
        Assert.True(result.Accepted);
        var blobs = TestData.BlobNames(real.EvidenceContainer, $"2026/{village}/");
        Assert.Equal(2, blobs.Count(b => !b.EndsWith(".thumb.jpg", StringComparison.Ordinal)));
        Assert.Equal(2, blobs.Count(b => b.EndsWith(".thumb.jpg", StringComparison.Ordinal)));
    }

    private static SubmissionRepair Repair(StorageClients storage, TimeSpan delay) => new(storage, TimeProvider.System, delay, NullLogger<SubmissionRepair>.Instance);

    /// <summary>What a killed process leaves: an intent with files and no record, and an intent whose record was written but whose event was never sent.</summary>
    [Fact]
    public async Task RepairAsync_IntentsLeftByDeadRequests_DeletesUnrecordedFilesAndResendsRecordedEvents()
    {
        var storage = new StorageClients(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));
        await storage.EnsureCreatedAsync();
        var village = "rep-" + Guid.NewGuid().ToString("N")[..8];
        var definitions = new ChecklistDefinitions(TestData.ChecklistFolder);
        await using var host = await InMemoryChecklist.StartAsync();
        await new ChecklistStarter(storage, definitions).StartAsync(host.Client, 2026, village, "taiping", ChecklistCalendar.Real(2026));
        var repair = Repair(storage, TimeSpan.Zero);
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);

        // Files but no record (killed between the upload and the record).
        var orphan = new SubmissionRequest(2026, village, "forum", new Dictionary<string, string?>(), [], "a", "sec." + village);
        await repair.NoteAsync(orphan, "orphan1", at, CancellationToken.None);
        await storage.EvidenceContainer.UploadBlobAsync($"2026/{village}/forum/orphan1/1.jpg", new BinaryData(YearSimulator.Photo));

        // A record but no event (killed between the record and the event).
        var recorded = orphan with { Step = "volunteering" };
        await repair.NoteAsync(recorded, "recorded1", at, CancellationToken.None);
        await storage.Table(TableNames.Checklists).AddEntityAsync(new SubmissionEntity
        {
            PartitionKey = $"2026-{village}", RowKey = "sub-recorded1", Step = "volunteering", FieldsJson = "{}", EvidenceJson = "[]", SubmittedAt = at, By = "sec." + village,
        });

        var (resent, deleted) = await repair.RunAsync(host.Client);

        Assert.Equal((1, 1), (resent, deleted));
        Assert.Empty(TestData.BlobNames(storage.EvidenceContainer, $"2026/{village}/forum/"));
        Assert.Empty(storage.Table(TableNames.Checklists).Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {SubmissionRepair.Partition} and (RowKey eq 'orphan1' or RowKey eq 'recorded1')")));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!host.Changes.Any(c => c.Command.Id == "recorded1" && c.To == StepStatus.Submitted))
        {
            Assert.True(DateTime.UtcNow < deadline, "the re-sent event was not processed");
            await Task.Delay(200);
        }
    }
}
