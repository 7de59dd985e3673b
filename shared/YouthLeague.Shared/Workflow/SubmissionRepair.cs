using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Workflow;

/// <summary>How a request's intent stands when it tries to confirm it.</summary>
public enum IntentState
{
    /// <summary>Confirmed by this call (or already): the record stands and its event may be sent.</summary>
    Confirmed,

    /// <summary>The repair claimed it: it is deleting the record and files; the request undoes and answers 503.</summary>
    Claimed,

    /// <summary>No intent any more: the submission was completed and forgotten, or repaired away (check the record).</summary>
    Gone,
}

/// <summary>
/// Finishes submissions whose process died midway (a killed host, a lost instance), so that none stays half-stored,
/// and submissions whose event the task hub lost, so that none stays unprocessed.
/// Before it stores anything, <see cref="SubmissionService"/> notes its intent (one row, partition
/// <see cref="Partition"/> of the Checklists table); after writing its record it confirms the intent (an update on
/// the ETag it noted), then sends the event. The intent stays until the projection shows the submission: the
/// projection removes it once it has written the submission's audit row (applied or refused). An intent older than
/// <see cref="Delay"/> belongs to a dead request; a confirmed one is looked at only <see cref="FirstResendAfter"/> after its
/// confirmation (its event may just be queued; <see cref="PendingFirstResendAfter"/> if its instance had not started
/// yet): if the audit row is there, it is removed; if not shown, the event is sent again (the orchestration ignores a repeat by its command id) and the intent is looked at again after a growing wait
/// (<see cref="FirstResendAfter"/>, doubled each time, at most <see cref="MaxRetryWait"/>); if not confirmed, the repair first claims it (an update on the ETag it read, so a
/// request confirming at the same moment wins or loses cleanly), then deletes the record if one was written, the files
/// and any ledger pin. A request that finds its intent claimed when it confirms undoes its record and answers 503
/// ("send again"). A pass handles at most <see cref="MaxPerPass"/> intents; the rest wait for the next pass.
/// A review's intent (<see cref="NoteReviewAsync"/>) lives in the same partition and is confirmed from the start: its event
/// is re-sent from the review row in the same way, and it is forgotten if that row was never written.
/// </summary>
public sealed class SubmissionRepair(StorageClients storage, TimeProvider clock, TimeSpan delay, ILogger<SubmissionRepair> log, Ledger.LedgerService? ledger = null)
{
    public const string Partition = "pending-submissions";

    /// <summary>The intent's Kind column for a review (<see cref="NoteReviewAsync"/>); a submission's intent has none.</summary>
    public const string ReviewKind = "review";

    /// <summary>Intents written with the confirm/claim protocol carry this; older ones (no column) are repaired the old way.</summary>
    private const int Protocol = 2;

    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMinutes(2);

    /// <summary>Intents looked at in one pass (each costs at most four storage requests and one event): bounded work a minute.</summary>
    public const int MaxPerPass = 100;

    /// <summary>The longest wait between two re-sends of one submission's event.</summary>
    public static readonly TimeSpan MaxRetryWait = TimeSpan.FromHours(1);

    /// <summary>How many repair delays a confirmed intent waits before its event is first sent again.</summary>
    public const int FirstResendDelays = 5;

    public TimeSpan Delay => delay;

    /// <summary>
    /// How long after its confirmation a submission may stay off its checklist before its event is sent again: several
    /// repair delays, not one. An event is lost rarely; one merely queued behind others (a host restarted, a busy task hub)
    /// is common at peaks, and a re-send of each of those would add an orchestration episode per submission to the
    /// backlog that made them late (10 min in production, 50 s in the fault tests' 10 s delay).
    /// </summary>
    public TimeSpan FirstResendAfter => delay * FirstResendDelays;

    /// <summary>
    /// The first re-send's wait for a submission whose instance was still Pending when its event was raised: one repair
    /// delay. Such an event can be dropped (Azure/durabletask#720: the dispatcher finds "no such instance" before the
    /// start is written); a Pending instance is a checklist started seconds ago, so no backlog is made worse by it.
    /// </summary>
    public TimeSpan PendingFirstResendAfter => delay;

    private TableClient Checklists => storage.Table(TableNames.Checklists);

    /// <summary>
    /// Notes the intent and returns its ETag, or null when the repair has claimed an intent of the same id (a resend
    /// while the repair cleans up after the first try: the caller answers 503).
    /// </summary>
    public async Task<ETag?> NoteAsync(SubmissionRequest request, string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var intent = new TableEntity(Partition, id)
        {
            ["Year"] = request.Year,
            ["VillageId"] = request.VillageId,
            ["Step"] = request.Step,
            ["Actor"] = request.Actor,
            ["NotedAt"] = at,
            ["Protocol"] = Protocol,
        };
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                return (await Checklists.AddEntityAsync(intent, cancellationToken)).Headers.ETag;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
            }

            // Same id already noted: a twin request in flight, or a dead one's leftover. Take it over unless the repair has it.
            var existing = await Checklists.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                continue;
            }

            if (existing.Value!.GetBoolean("Claimed") == true)
            {
                return null;
            }

            intent["Recorded"] = existing.Value.GetBoolean("Recorded") ?? false;
            try
            {
                return (await Checklists.UpdateEntityAsync(intent, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
            }
        }

        return null;
    }

    /// <summary>
    /// A review's intent (<see cref="ReviewService"/>, before it stores the review): confirmed from the start, since a
    /// review stores no files to clean up. The repair re-sends its event like a submission's (same waits, same bound)
    /// until the projection shows it, or forgets it if the review row was never written.
    /// </summary>
    public async Task NoteReviewAsync(int year, string villageId, string step, string actor, string id, CancellationToken cancellationToken) =>
        await Checklists.UpsertEntityAsync(
            new TableEntity(Partition, id)
            {
                ["Year"] = year,
                ["VillageId"] = villageId,
                ["Step"] = step,
                ["Actor"] = actor,
                ["Kind"] = ReviewKind,
                ["Recorded"] = true,
                ["NotedAt"] = clock.GetUtcNow() - delay + FirstResendAfter,
                ["Protocol"] = Protocol,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Marks the intent recorded (its record is written): first on <paramref name="noted"/>, else on whatever is there now.</summary>
    public Task<IntentState> ConfirmAsync(string id, ETag? noted, CancellationToken cancellationToken) =>
        ConfirmAsync(id, noted, instancePending: false, cancellationToken);

    /// <summary>
    /// <see cref="ConfirmAsync(string, ETag?, CancellationToken)"/>; when <paramref name="instancePending"/>, the event's
    /// first re-send is due after <see cref="PendingFirstResendAfter"/> rather than <see cref="FirstResendAfter"/>.
    /// </summary>
    public async Task<IntentState> ConfirmAsync(string id, ETag? noted, bool instancePending, CancellationToken cancellationToken)
    {
        // The repair's query (NotedAt older than the delay) finds a confirmed intent only firstResend from now.
        var firstResend = instancePending ? PendingFirstResendAfter : FirstResendAfter;
        var confirm = new TableEntity(Partition, id) { ["Recorded"] = true, ["NotedAt"] = clock.GetUtcNow() - delay + firstResend };
        if (noted is { } etag)
        {
            try
            {
                await Checklists.UpdateEntityAsync(confirm, etag, TableUpdateMode.Merge, cancellationToken);
                return IntentState.Confirmed;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
            }
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await Checklists.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
            if (!current.HasValue)
            {
                return IntentState.Gone;
            }

            if (current.Value!.GetBoolean("Claimed") == true)
            {
                return IntentState.Claimed;
            }

            if (current.Value.GetBoolean("Recorded") == true)
            {
                return IntentState.Confirmed;
            }

            try
            {
                await Checklists.UpdateEntityAsync(confirm, current.Value.ETag, TableUpdateMode.Merge, cancellationToken);
                return IntentState.Confirmed;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
            }
        }

        return IntentState.Claimed;
    }

    /// <summary>Best effort: an intent left behind only costs the repair one more look.</summary>
    public async Task ForgetAsync(string id, ETag? etag = null)
    {
        try
        {
            await Checklists.DeleteEntityAsync(Partition, id, etag ?? ETag.All);
        }
        catch (RequestFailedException ex)
        {
            log.LogDebug(ex, "Intent of {CommandId} not removed ({Status})", id, ex.Status);
        }
    }

    /// <summary>Repairs every intent older than the delay. Returns how many records had their event re-sent and how many leftovers were deleted.</summary>
    public async Task<(int Resent, int Deleted)> RunAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow() - delay;
        int resent = 0, deleted = 0;
        var stale = new List<TableEntity>();
        await foreach (var intent in Checklists.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and NotedAt lt {cutoff}"), maxPerPage: MaxPerPass, cancellationToken: cancellationToken))
        {
            stale.Add(intent);
            if (stale.Count >= MaxPerPass)
            {
                break;
            }
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
                var pk = Keys.Checklist(year, villageId);
                var legacy = intent.GetInt32("Protocol") is null;
                if (intent.GetBoolean("Recorded") == true || legacy)
                {
                    // Confirmed: the record stands; its event may not have been sent, or not processed. (An intent of the
                    // previous version has no confirmation: a record means it was written, as that version repaired it.)
                    if (await ShownAsync(pk, id, cancellationToken))
                    {
                        await ForgetAsync(id, intent.ETag);
                        continue;
                    }

                    var command = await RecordedCommandAsync(intent, pk, id, step, cancellationToken);
                    if (command is not null)
                    {
                        await client.RaiseEventAsync(WorkflowNames.InstanceId(year, villageId), WorkflowNames.CommandEvent, command, cancellationToken);
                        resent++;
                        var times = (intent.GetInt32("Resent") ?? 0) + 1;
                        log.LogWarning("{Kind} {CommandId} for {VillageId} was recorded but is not on its checklist yet: its event was sent again ({Times}×)", command.Kind, id, villageId, times);
                        await LookAgainLaterAsync(intent, times, legacy, cancellationToken);
                        continue;
                    }

                    if (!legacy)
                    {
                        await ForgetAsync(id, intent.ETag);
                        continue;
                    }
                }

                // Never confirmed: claim it first, so that a request confirming right now either wins (and we leave) or loses (and undoes).
                ETag claimed;
                try
                {
                    claimed = (await Checklists.UpdateEntityAsync(new TableEntity(Partition, id) { ["Claimed"] = true }, intent.ETag, TableUpdateMode.Merge, cancellationToken)).Headers.ETag!.Value;
                }
                catch (RequestFailedException ex) when (ex.Status is 412 or 404)
                {
                    continue; // confirmed or renewed meanwhile: the next run sees it as it is now
                }

                try
                {
                    await Checklists.DeleteEntityAsync(pk, Keys.Submission(id), ETag.All, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                }

                var prefix = $"{year}/{villageId}/{step}/{id}/";
                await foreach (var blob in storage.EvidenceContainer.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
                {
                    await storage.EvidenceContainer.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
                }

                if (step == SubmissionService.LedgerStep && ledger is not null)
                {
                    await ledger.UnpinSubmissionAsync(year, villageId, id, cancellationToken);
                }

                deleted++;
                log.LogWarning("Submission {SubmissionId} for {VillageId} was never confirmed: its record, files and pins were deleted", id, villageId);
                await ForgetAsync(id, claimed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Could not repair submission {SubmissionId} now; the next run tries again", intent.RowKey);
            }
        }

        return (resent, deleted);
    }

    /// <summary>
    /// The command a confirmed intent stands for, rebuilt from its stored record (the same id, so the orchestration ignores
    /// it if it already heard it); null when no record was written (the request died first, or a review's row never came).
    /// </summary>
    private async Task<ChecklistCommand?> RecordedCommandAsync(TableEntity intent, string pk, string id, string step, CancellationToken cancellationToken)
    {
        if (intent.GetString("Kind") == ReviewKind)
        {
            var review = await Checklists.GetEntityIfExistsAsync<ReviewEntity>(pk, Keys.Review(id), cancellationToken: cancellationToken);
            return review.HasValue && ReviewDecisions.TryParse(review.Value!.Decision) is { } decision
                ? new ChecklistCommand(id, decision == ReviewDecision.Approve ? CommandKind.Approve : CommandKind.Return, review.Value.Step, review.Value.By, review.Value.At, review.Value.Exemplary, review.Value.Activity)
                : null;
        }

        var record = await Checklists.GetEntityIfExistsAsync<SubmissionEntity>(pk, Keys.Submission(id), cancellationToken: cancellationToken);
        return record.HasValue ? new ChecklistCommand(id, CommandKind.Submit, step, record.Value!.By, record.Value.SubmittedAt) : null;
    }

    /// <summary>The projection has written the submission's audit row: the orchestration applied (or refused) it.</summary>
    private async Task<bool> ShownAsync(string pk, string id, CancellationToken cancellationToken) =>
        (await Checklists.GetEntityIfExistsAsync<TableEntity>(pk, Keys.Audit(id), select: ["RowKey"], cancellationToken: cancellationToken)).HasValue;

    /// <summary>
    /// Keeps a re-sent intent for the next look: its NotedAt moves so that the repair's query finds it again after
    /// <see cref="FirstResendAfter"/> doubled per re-send (at most <see cref="MaxRetryWait"/>). On the ETag read: an intent that changed meanwhile
    /// (removed by the projection, renewed by a resend) is left as it is now.
    /// </summary>
    private async Task LookAgainLaterAsync(TableEntity intent, int times, bool legacy, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromTicks(Math.Min(MaxRetryWait.Ticks, FirstResendAfter.Ticks * (1L << Math.Min(times, 20))));
        var update = new TableEntity(Partition, intent.RowKey)
        {
            ["NotedAt"] = clock.GetUtcNow() - delay + wait,
            ["Resent"] = times,
        };
        if (legacy)
        {
            // Previous-version intents had no confirmation; a record stood for one. Now it is one of this protocol.
            update["Protocol"] = Protocol;
            update["Recorded"] = true;
        }

        try
        {
            await Checklists.UpdateEntityAsync(update, intent.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
        }
    }

    public static Task RaiseAsync(DurableTaskClient client, int year, string villageId, string step, string actor, string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(
            WorkflowNames.InstanceId(year, villageId),
            WorkflowNames.CommandEvent,
            new ChecklistCommand(id, CommandKind.Submit, step, actor, at),
            cancellationToken);
}
