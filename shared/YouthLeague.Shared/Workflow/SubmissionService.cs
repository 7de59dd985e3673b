using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Workflow;

public sealed record SubmissionRequest(
    int Year,
    string VillageId,
    string Step,
    IReadOnlyDictionary<string, string?> Fields,
    IReadOnlyList<IncomingFile> Files,
    string? IdempotencyKey,
    string Actor,
    string ActorName = "",
    string DispatchingUnit = "");

/// <summary>What became of a submission: accepted (202), or a problem with its HTTP status.</summary>
public sealed record SubmissionResult(string? SubmissionId, int Status, string? Title = null, ValidationErrors? Errors = null)
{
    public bool Accepted => SubmissionId is not null;
}

/// <summary>
/// Hands a step in: validate, note the intent, store the files, then the record, then tell the orchestration;
/// the projection drops the intent once the submission is on the checklist. Files first and the record last means a failure leaves no record without its files;
/// files whose record never got written are deleted. A process killed midway leaves its intent behind, and
/// <see cref="SubmissionRepair"/> finishes the job later: re-sends the event of a record, or deletes the files of
/// a submission that never got one. A repeat (same Idempotency-Key) finds the record and re-sends the event,
/// which the orchestration ignores if it already has it.
/// </summary>
public sealed class SubmissionService(
    StorageClients storage,
    ChecklistDefinitions definitions,
    ChecklistReader reader,
    Ledger.LedgerService ledger,
    TimeProvider clock,
    SubmissionRepair repair,
    ILogger<SubmissionService> log)
{
    /// <summary>The step handed in as a snapshot of the register; its submission records the snapshot in these fields.</summary>
    public const string LedgerStep = "ledger";

    public const string RegisterVersionField = "registerVersion";
    public const string RegisterRowsField = "registerRows";
    public const string RegisterMembersField = "registerMembers";

    public async Task<SubmissionResult> SubmitAsync(SubmissionRequest request, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        var definition = definitions.Find(request.Year);
        var step = definition?.Find(request.Step);
        if (definition is null || step is null)
        {
            return new SubmissionResult(null, 404, definition is null ? $"{request.Year} 年没有“六个一”清单" : $"没有名为 {request.Step} 的步骤");
        }

        // The header, the step, the idempotency record and the instance check are independent: one round trip's wait.
        var id = SubmissionId(request);
        var table = storage.Table(TableNames.Checklists);
        var pk = Keys.Checklist(request.Year, request.VillageId);
        var checklistTask = reader.HeaderAndStepAsync(request.Year, request.VillageId, request.Step, cancellationToken);
        var instanceTask = ChecklistInstances.CheckAsync(client, request.Year, request.VillageId, cancellationToken);
        var existingTask = table.GetEntityIfExistsAsync<SubmissionEntity>(pk, Keys.Submission(id), cancellationToken: cancellationToken);
        await Task.WhenAll(checklistTask, instanceTask, existingTask);
        if (await checklistTask is not var (header, status))
        {
            return new SubmissionResult(null, 404, "找不到该村这一年度的清单");
        }

        var instance = await instanceTask;
        if (instance.Refusal is { } refusal)
        {
            return new SubmissionResult(null, refusal.Status, refusal.Title);
        }

        var existing = await existingTask;
        if (existing.HasValue)
        {
            return await ResendAsync(client, request, id, existing.Value!.SubmittedAt, instance.Pending, cancellationToken);
        }

        // After the fourth quarter only returned items may be handed in again, no first one nor a further activity
        // (the orchestration refuses the rest too); the header's own calendar says when.
        if (status is StepStatus.NotStarted or StepStatus.Approved && Years.YearService.InClosingWindow(header, clock.GetUtcNow()))
        {
            return new SubmissionResult(null, 409, ChecklistRules.ClosedForNewSubmissions);
        }

        if (!ChecklistRules.Allows(status, CommandKind.Submit))
        {
            // From version 3 a submission to an approved step records a further activity of that kind (its own
            // evidence and review); older checklists, and a step still waiting for its review, keep the 409.
            if (status != StepStatus.Approved || (header.Version ?? 1) < ChecklistRun.FurtherActivitiesVersion)
            {
                return new SubmissionResult(null, 409, status == StepStatus.Approved ? ChecklistRules.NoFurtherActivities : ChecklistRules.RefusalReason(status, CommandKind.Submit));
            }
        }

        var (fields, evidence, errors) = SubmissionValidator.Validate(step, request.Fields, request.Files, request.Year);
        if (errors.Count > 0)
        {
            return new SubmissionResult(null, errors.Status, "提交的内容有误，请按提示修改", errors);
        }

        // The intent is noted while the photos are re-encoded (CPU); nothing is stored before both are done.
        var now = clock.GetUtcNow();
        var noteTask = repair.NoteAsync(request, id, now, cancellationToken);
        ETag? noted = null;
        List<(ValidatedEvidence Evidence, byte[]? Image, byte[]? Thumbnail)> prepared;
        try
        {
            (prepared, var refused) = await PrepareAsync(evidence, cancellationToken);
            noted = await noteTask;
            if (refused is not null)
            {
                if (noted is not null)
                {
                    await repair.ForgetAsync(id, noted);
                }

                return refused;
            }
        }
        catch
        {
            await ForgetAfterAsync(noteTask, id);
            throw;
        }

        if (noted is null)
        {
            return new SubmissionResult(null, 503, "上一次提交还在清理中，请稍后再提交一次（不会重复提交）");
        }

        var items = new List<EvidenceItem>();
        var written = new List<string>();
        var container = storage.EvidenceContainer;
        string? pinnedVersion = null;
        try
        {
            if (request.Step == LedgerStep)
            {
                // Pinned after the intent is noted: a process killed before the record leaves a pin the repair removes.
                var (snapshot, pinStatus, pinTitle) = await ledger.PinAsync(request.Year, request.VillageId, id, cancellationToken);
                if (snapshot is null)
                {
                    await repair.ForgetAsync(id, noted);
                    var empty = new ValidationErrors { Status = pinStatus };
                    empty.Add(LedgerStep, pinTitle!);
                    return new SubmissionResult(null, pinStatus, pinTitle, empty);
                }

                pinnedVersion = snapshot.Version;
                fields[RegisterVersionField] = snapshot.Version;
                fields[RegisterRowsField] = snapshot.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
                fields[RegisterMembersField] = snapshot.Members.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            // Every file and thumbnail uploads at once.
            var uploads = new List<Task>();
            for (var i = 0; i < prepared.Count; i++)
            {
                var (e, image, thumbnail) = prepared[i];
                var n = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var path = $"{request.Year}/{request.VillageId}/{request.Step}/{id}/{n}.{EvidenceKinds.Extension(e.Kind)}";
                written.Add(path);
                uploads.Add(UploadAsync(path, image, e, EvidenceKinds.ContentType(e.Kind), cancellationToken));
                string? thumbPath = null;
                if (thumbnail is not null)
                {
                    thumbPath = $"{request.Year}/{request.VillageId}/{request.Step}/{id}/{n}.thumb.jpg";
                    written.Add(thumbPath);
                    uploads.Add(UploadAsync(thumbPath, thumbnail, null, "image/jpeg", cancellationToken));
                }

                items.Add(new EvidenceItem(n, e.Kind, image?.Length ?? e.File.Length, path, thumbPath));
            }

            await Task.WhenAll(uploads);

            // Past half the repair delay the repair may be about to claim this intent: give up rather than race it.
            if (clock.GetUtcNow() - now > repair.Delay / 2)
            {
                throw new TimeoutException("Storing the evidence took too long; the submission was not recorded.");
            }

            await table.AddEntityAsync(
                new SubmissionEntity
                {
                    PartitionKey = pk,
                    RowKey = Keys.Submission(id),
                    Step = request.Step,
                    FieldsJson = JsonSerializer.Serialize(fields),
                    EvidenceJson = JsonSerializer.Serialize(items, Json.Options),
                    SubmittedAt = now,
                    By = request.Actor,
                    ByName = request.ActorName,
                    DispatchingUnit = request.DispatchingUnit,
                },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The same key raced us and won: its record and files stand; ours were written to the same paths.
            var winner = await table.GetEntityAsync<SubmissionEntity>(pk, Keys.Submission(id), cancellationToken: cancellationToken);
            return await ResendAsync(client, request, id, winner.Value.SubmittedAt, instance.Pending, cancellationToken);
        }
        catch (Exception ex)
        {
            // The record may have been written even if its answer was lost: it goes too (never confirmed, its event never sent).
            // If anything cannot be removed now, the intent stays and the repair finishes the job.
            if (await UndoAsync(request, id, written, pinnedVersion, deleteRecord: true))
            {
                await repair.ForgetAsync(id, noted);
            }
            if (ex is TimeoutException)
            {
                // Nothing of it is kept; the same form (same token) sent again makes one submission.
                return new SubmissionResult(null, 503, "网络较慢，这次没有提交成功，请再提交一次（不会重复提交）");
            }

            throw;
        }

        // The record is written; the intent says so before the event goes, unless the repair claimed it first.
        if (await repair.ConfirmAsync(id, noted, instance.Pending, cancellationToken) != IntentState.Confirmed)
        {
            await UndoAsync(request, id, written, pinnedVersion, deleteRecord: true);
            return new SubmissionResult(null, 503, "网络较慢，这次没有提交成功，请再提交一次（不会重复提交）");
        }

        // The intent stays until the projection shows the submission (it removes it): if the task hub loses this event,
        // the repair sends it again.
        await RaiseAsync(client, request, id, now, cancellationToken);
        log.LogInformation("Step {Step} submitted for {VillageId} {Year} as {SubmissionId}", request.Step, request.VillageId, request.Year, id);
        return new SubmissionResult(id, 202);
    }

    /// <summary>A record with this id exists (a resend, or a twin request that won): its event goes again, once its intent is confirmed.</summary>
    private async Task<SubmissionResult> ResendAsync(DurableTaskClient client, SubmissionRequest request, string id, DateTimeOffset at, bool instancePending, CancellationToken cancellationToken)
    {
        var state = await repair.ConfirmAsync(id, null, instancePending, cancellationToken);
        if (state == IntentState.Claimed
            || (state == IntentState.Gone && !(await storage.Table(TableNames.Checklists).GetEntityIfExistsAsync<SubmissionEntity>(Keys.Checklist(request.Year, request.VillageId), Keys.Submission(id), cancellationToken: cancellationToken)).HasValue))
        {
            // The repair is removing an unfinished first try: this one cannot stand on it.
            return new SubmissionResult(null, 503, "上一次提交还在清理中，请稍后再提交一次（不会重复提交）");
        }

        await RaiseAsync(client, request, id, at, cancellationToken);
        return new SubmissionResult(id, 202);
    }

    /// <summary>Re-encodes the photos (at most one per core at once, see <see cref="ImageRecoder"/>); a refusal comes back as the answer.</summary>
    private static async Task<(List<(ValidatedEvidence Evidence, byte[]? Image, byte[]? Thumbnail)> Prepared, SubmissionResult? Refused)> PrepareAsync(
        IReadOnlyList<ValidatedEvidence> evidence, CancellationToken cancellationToken)
    {
        var prepared = new List<(ValidatedEvidence Evidence, byte[]? Image, byte[]? Thumbnail)>();
        foreach (var e in evidence)
        {
            if (!ImageRecoder.CanRecode(e.Kind))
            {
                prepared.Add((e, null, null));
                continue;
            }

            await using var original = e.File.Open();
            var recoded = await ImageRecoder.RecodeAsync(original, e.Kind, cancellationToken);
            if (recoded.Image is null)
            {
                var tooBig = recoded.Refusal == ImageRefusal.TooManyPixels;
                var bad = new ValidationErrors { Status = tooBig ? 413 : 415 };
                bad.Add("evidence", tooBig
                    ? $"图片像素过多（最多约 {ImageRecoder.MaxDecodedPixels / 10_000} 万像素），请缩小后再上传，或改用手机拍摄的 JPEG 照片"
                    : "图片已损坏或无法读取，请重新拍摄或换一张");
                return (prepared, new SubmissionResult(null, bad.Status, "提交的内容有误，请按提示修改", bad));
            }

            prepared.Add((e, recoded.Image.Image, recoded.Image.Thumbnail));
        }

        return (prepared, null);
    }

    private async Task UploadAsync(string path, byte[]? bytes, ValidatedEvidence? original, string contentType, CancellationToken cancellationToken)
    {
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } };
        if (bytes is not null)
        {
            await storage.EvidenceContainer.GetBlobClient(path).UploadAsync(new BinaryData(bytes), options, cancellationToken);
            return;
        }

        await using var content = original!.File.Open();
        await storage.EvidenceContainer.GetBlobClient(path).UploadAsync(content, options, cancellationToken);
    }

    private async Task ForgetAfterAsync(Task<ETag?> noteTask, string id)
    {
        try
        {
            if (await noteTask is { } etag)
            {
                await repair.ForgetAsync(id, etag);
            }
        }
        catch (RequestFailedException)
        {
        }
    }

    /// <summary>Removes what this request stored: its files, its pin unless a record holds it, and (after a lost claim) its record.</summary>
    private async Task<bool> UndoAsync(SubmissionRequest request, string id, IEnumerable<string> written, string? pinnedVersion, bool deleteRecord)
    {
        var table = storage.Table(TableNames.Checklists);
        var pk = Keys.Checklist(request.Year, request.VillageId);
        try
        {
            if (deleteRecord)
            {
                try
                {
                    await table.DeleteEntityAsync(pk, Keys.Submission(id), ETag.All);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                }
            }

            var filesGone = await DeleteQuietlyAsync(written);
            if (pinnedVersion is not null)
            {
                await ledger.UnpinAsync(request.Year, request.VillageId, pinnedVersion, id, CancellationToken.None);
            }

            return filesGone;
        }
        catch (RequestFailedException ex)
        {
            log.LogWarning(ex, "Could not undo submission {SubmissionId} now; the repair will", id);
            return false;
        }
    }

    private static Task RaiseAsync(DurableTaskClient client, SubmissionRequest request, string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        SubmissionRepair.RaiseAsync(client, request.Year, request.VillageId, request.Step, request.Actor, id, at, cancellationToken);

    /// <summary>Same key, same village and step → same id; no key → a fresh one.</summary>
    public static string SubmissionId(SubmissionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.IdempotencyKey))
        {
            return Guid.NewGuid().ToString("N");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Year}|{request.VillageId}|{request.Step}|{request.IdempotencyKey}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    private async Task<bool> DeleteQuietlyAsync(IEnumerable<string> blobs) =>
        (await Task.WhenAll(blobs.Select(async blob =>
        {
            try
            {
                await storage.EvidenceContainer.DeleteBlobIfExistsAsync(blob);
                return true;
            }
            catch (RequestFailedException ex)
            {
                log.LogWarning(ex, "Could not delete orphan evidence blob after a failed submission");
                return false;
            }
        }))).All(ok => ok);
}
