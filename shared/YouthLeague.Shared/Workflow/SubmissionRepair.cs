using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Workflow;

/// <summary>
/// Finishes submissions whose process died midway (a killed host, a lost instance), so that none stays half-stored.
/// Before it stores anything, <see cref="SubmissionService"/> notes its intent (one row, partition
/// <see cref="Partition"/> of the Checklists table) and removes it once the orchestration has been told. An intent
/// older than <see cref="Delay"/> belongs to a dead request: if its record was written, the event is sent again
/// (the orchestration ignores a repeat); if not, its files are deleted. A live request gives up before recording
/// once half the delay has passed, so the two never race.
/// </summary>
public sealed class SubmissionRepair(StorageClients storage, TimeProvider clock, TimeSpan delay, ILogger<SubmissionRepair> log)
{
    public const string Partition = "pending-submissions";

    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMinutes(2);

    public TimeSpan Delay => delay;

    private TableClient Checklists => storage.Table(TableNames.Checklists);

    public Task NoteAsync(SubmissionRequest request, string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        Checklists.UpsertEntityAsync(
            new TableEntity(Partition, id)
            {
                ["Year"] = request.Year,
                ["VillageId"] = request.VillageId,
                ["Step"] = request.Step,
                ["Actor"] = request.Actor,
                ["NotedAt"] = at,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Best effort: an intent left behind only costs the repair one more look.</summary>
    public async Task ForgetAsync(string id)
    {
        try
        {
            await Checklists.DeleteEntityAsync(Partition, id, ETag.All);
        }
        catch (RequestFailedException ex)
        {
            log.LogDebug(ex, "Intent of submission {SubmissionId} not removed ({Status})", id, ex.Status);
        }
    }

    /// <summary>Repairs every intent older than the delay. Returns how many records had their event re-sent and how many leftovers were deleted.</summary>
    public async Task<(int Resent, int Deleted)> RunAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow() - delay;
        int resent = 0, deleted = 0;
        var stale = new List<TableEntity>();
        await foreach (var intent in Checklists.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and NotedAt lt {cutoff}"), cancellationToken: cancellationToken))
        {
            stale.Add(intent);
        }

        foreach (var intent in stale)
        {
            // One entry that cannot be repaired now (storage down, instance gone) is logged and left for the next run; the rest go on.
            try
            {
                var id = intent.RowKey;
                var year = intent.GetInt32("Year") ?? 0;
                var villageId = intent.GetString("VillageId");
                var step = intent.GetString("Step");
                var record = await Checklists.GetEntityIfExistsAsync<SubmissionEntity>(Keys.Checklist(year, villageId), Keys.Submission(id), cancellationToken: cancellationToken);
                if (record.HasValue)
                {
                    await RaiseAsync(client, year, villageId, step, record.Value!.By, id, record.Value.SubmittedAt, cancellationToken);
                    resent++;
                    log.LogWarning("Submission {SubmissionId} for {VillageId} was recorded but its event may not have been sent: sent again", id, villageId);
                }
                else
                {
                    var prefix = $"{year}/{villageId}/{step}/{id}/";
                    await foreach (var blob in storage.EvidenceContainer.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
                    {
                        await storage.EvidenceContainer.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
                    }

                    deleted++;
                    log.LogWarning("Submission {SubmissionId} for {VillageId} was never recorded: its files were deleted", id, villageId);
                }

                await ForgetAsync(id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Could not repair submission {SubmissionId} now; the next run tries again", intent.RowKey);
            }
        }

        return (resent, deleted);
    }

    public static Task RaiseAsync(DurableTaskClient client, int year, string villageId, string step, string actor, string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(
            WorkflowNames.InstanceId(year, villageId),
            WorkflowNames.CommandEvent,
            new ChecklistCommand(id, CommandKind.Submit, step, actor, at),
            cancellationToken);
}
