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

    private static SubmissionRepair Repair(StorageClients storage, TimeSpan delay) =>
        new(storage, TimeProvider.System, delay, NullLogger<SubmissionRepair>.Instance, new YouthLeague.Ledger.LedgerService(storage, NullLogger<YouthLeague.Ledger.LedgerService>.Instance));

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

        // A confirmed record but no event (killed between the confirmation and the event).
        var recorded = orphan with { Step = "volunteering" };
        var noted = await repair.NoteAsync(recorded, "recorded1", at, CancellationToken.None);
        await storage.Table(TableNames.Checklists).AddEntityAsync(Record(village, "recorded1", "volunteering", at));
        Assert.Equal(IntentState.Confirmed, await repair.ConfirmAsync("recorded1", noted, CancellationToken.None));

        // A record never confirmed (killed between the record and its confirmation): no event was sent, so it goes with its files.
        var unconfirmed = orphan with { Step = "league-day" };
        await repair.NoteAsync(unconfirmed, "unconfirmed1", at, CancellationToken.None);
        await storage.EvidenceContainer.UploadBlobAsync($"2026/{village}/league-day/unconfirmed1/1.jpg", new BinaryData(YearSimulator.Photo));
        await storage.Table(TableNames.Checklists).AddEntityAsync(Record(village, "unconfirmed1", "league-day", at));

        // A ledger submission killed after pinning the register's version and before its record: the pin must go.
        var ledgerStep = orphan with { Step = SubmissionService.LedgerStep };
        await repair.NoteAsync(ledgerStep, "ledger1", at, CancellationToken.None);
        await storage.Table(TableNames.Ledger).UpsertEntityAsync(new TableEntity($"2026-{village}", "pin-v7-ledger1"));

        var (resent, deleted) = await repair.RunAsync(host.Client);

        // At least ours (other tests on the same Azurite may leave intents too: every stale one is repaired).
        Assert.True(resent >= 1 && deleted >= 3, $"resent {resent}, deleted {deleted}");
        Assert.Empty(TestData.BlobNames(storage.EvidenceContainer, $"2026/{village}/forum/"));
        Assert.Empty(TestData.BlobNames(storage.EvidenceContainer, $"2026/{village}/league-day/"));
        Assert.False(storage.Table(TableNames.Checklists).GetEntityIfExists<TableEntity>($"2026-{village}", "sub-unconfirmed1").HasValue);
        Assert.True(storage.Table(TableNames.Checklists).GetEntityIfExists<TableEntity>($"2026-{village}", "sub-recorded1").HasValue);
        Assert.False(storage.Table(TableNames.Ledger).GetEntityIfExists<TableEntity>($"2026-{village}", "pin-v7-ledger1").HasValue);
        Assert.DoesNotContain(storage.Table(TableNames.Checklists).Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {SubmissionRepair.Partition}")), e => e.RowKey is "orphan1" or "unconfirmed1" or "ledger1");

        // The re-sent one keeps its intent until the projection shows it (this host's projection only records the change).
        Assert.Equal(1, storage.Table(TableNames.Checklists).GetEntity<TableEntity>(SubmissionRepair.Partition, "recorded1").Value.GetInt32("Resent"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!host.Changes.Any(c => c.Command.Id == "recorded1" && c.To == StepStatus.Submitted))
        {
            Assert.True(DateTime.UtcNow < deadline, "the re-sent event was not processed");
            await Task.Delay(200);
        }
    }

    private static SubmissionEntity Record(string village, string id, string step, DateTimeOffset at) => new()
    {
        PartitionKey = $"2026-{village}", RowKey = "sub-" + id, Step = step, FieldsJson = "{}", EvidenceJson = "[]", SubmittedAt = at, By = "sec." + village,
    };

    /// <summary>
    /// The race the delay alone did not close: a request whose record write outlived the repair delay. The repair claims
    /// the intent first; the request's confirmation then fails (it undoes and answers 503), and a resend during the
    /// clean-up is turned away; once the repair is done, the resend is a fresh submission.
    /// </summary>
    [Fact]
    public async Task Repair_ClaimsBeforeTheSlowRequestConfirms_RequestCannotConfirmAndResendWaits()
    {
        var storage = new StorageClients(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));
        await storage.EnsureCreatedAsync();
        var village = "race-" + Guid.NewGuid().ToString("N")[..8];
        var definitions = new ChecklistDefinitions(TestData.ChecklistFolder);
        await using var host = await InMemoryChecklist.StartAsync();
        await new ChecklistStarter(storage, definitions).StartAsync(host.Client, 2026, village, "taiping", ChecklistCalendar.Real(2026));
        var repair = Repair(storage, TimeSpan.Zero);
        var request = new SubmissionRequest(2026, village, "forum", new Dictionary<string, string?>(), [], "k", "sec." + village);
        var noted = await repair.NoteAsync(request, "slow1", DateTimeOffset.UtcNow.AddMinutes(-5), CancellationToken.None);
        Assert.NotNull(noted);

        // The claim, seen by a resend in the middle of the clean-up:
        await storage.Table(TableNames.Checklists).UpdateEntityAsync(new TableEntity(SubmissionRepair.Partition, "slow1") { ["Claimed"] = true }, noted!.Value, TableUpdateMode.Merge);
        Assert.Null(await repair.NoteAsync(request, "slow1", DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(IntentState.Claimed, await repair.ConfirmAsync("slow1", noted, CancellationToken.None));

        // The repair finishes (the claimed intent is stale): the slow request's confirmation still fails, a resend starts afresh.
        await storage.Table(TableNames.Checklists).AddEntityAsync(Record(village, "slow1", "forum", DateTimeOffset.UtcNow));
        var (resent, deleted) = await repair.RunAsync(host.Client);
        Assert.True(deleted >= 1, $"resent {resent}, deleted {deleted}");
        Assert.False(storage.Table(TableNames.Checklists).GetEntityIfExists<TableEntity>($"2026-{village}", "sub-slow1").HasValue);
        Assert.NotEqual(IntentState.Confirmed, await repair.ConfirmAsync("slow1", noted, CancellationToken.None));
        Assert.NotNull(await repair.NoteAsync(request, "slow1", DateTimeOffset.UtcNow, CancellationToken.None));
    }
}
