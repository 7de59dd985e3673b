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
    string Actor);

/// <summary>What became of a submission: accepted (202), or a problem with its HTTP status.</summary>
public sealed record SubmissionResult(string? SubmissionId, int Status, string? Title = null, ValidationErrors? Errors = null)
{
    public bool Accepted => SubmissionId is not null;
}

/// <summary>
/// Hands a step in: validate, note the intent, store the files, then the record, then tell the orchestration,
/// then drop the intent. Files first and the record last means a failure leaves no record without its files;
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

        var status = await reader.StepStatusAsync(request.Year, request.VillageId, request.Step, cancellationToken);
        if (status is null)
        {
            return new SubmissionResult(null, 404, "找不到该村这一年度的清单");
        }

        if (await ChecklistInstances.RefusalAsync(client, request.Year, request.VillageId, cancellationToken) is { } refusal)
        {
            return new SubmissionResult(null, refusal.Status, refusal.Title);
        }

        var id = SubmissionId(request);
        var table = storage.Table(TableNames.Checklists);
        var pk = Keys.Checklist(request.Year, request.VillageId);
        var existing = await table.GetEntityIfExistsAsync<SubmissionEntity>(pk, Keys.Submission(id), cancellationToken: cancellationToken);
        if (existing.HasValue)
        {
            await RaiseAsync(client, request, id, existing.Value!.SubmittedAt, cancellationToken);
            await repair.ForgetAsync(id);
            return new SubmissionResult(id, 202);
        }

        if (!ChecklistRules.Allows(status.Value, CommandKind.Submit))
        {
            return new SubmissionResult(null, 409, ChecklistRules.RefusalReason(status.Value, CommandKind.Submit));
        }

        var (fields, evidence, errors) = SubmissionValidator.Validate(step, request.Fields, request.Files, request.Year);
        if (errors.Count > 0)
        {
            return new SubmissionResult(null, errors.Status, "提交的内容有误，请按提示修改", errors);
        }

        // Photos are re-encoded before anything is stored (metadata stripped, thumbnail made); one that does not decode is refused.
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
                return new SubmissionResult(null, bad.Status, "提交的内容有误，请按提示修改", bad);
            }

            prepared.Add((e, recoded.Image.Image, recoded.Image.Thumbnail));
        }

        if (request.Step == LedgerStep)
        {
            var (snapshot, pinStatus, pinTitle) = await ledger.PinAsync(request.Year, request.VillageId, id, cancellationToken);
            if (snapshot is null)
            {
                var empty = new ValidationErrors { Status = pinStatus };
                empty.Add(LedgerStep, pinTitle!);
                return new SubmissionResult(null, pinStatus, pinTitle, empty);
            }

            fields[RegisterVersionField] = snapshot.Version;
            fields[RegisterRowsField] = snapshot.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields[RegisterMembersField] = snapshot.Members.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var now = clock.GetUtcNow();
        var items = new List<EvidenceItem>();
        var written = new List<string>();
        var container = storage.EvidenceContainer;
        await repair.NoteAsync(request, id, now, cancellationToken);
        try
        {
            for (var i = 0; i < prepared.Count; i++)
            {
                var (e, image, thumbnail) = prepared[i];
                var n = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var path = $"{request.Year}/{request.VillageId}/{request.Step}/{id}/{n}.{EvidenceKinds.Extension(e.Kind)}";
                await using (var content = image is null ? e.File.Open() : new MemoryStream(image))
                {
                    written.Add(path);
                    await container.GetBlobClient(path).UploadAsync(
                        content,
                        new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = EvidenceKinds.ContentType(e.Kind) } },
                        cancellationToken);
                }

                string? thumbPath = null;
                if (thumbnail is not null)
                {
                    thumbPath = $"{request.Year}/{request.VillageId}/{request.Step}/{id}/{n}.thumb.jpg";
                    written.Add(thumbPath);
                    await container.GetBlobClient(thumbPath).UploadAsync(
                        new BinaryData(thumbnail),
                        new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/jpeg" } },
                        cancellationToken);
                }

                items.Add(new EvidenceItem(n, e.Kind, image?.Length ?? e.File.Length, path, thumbPath));
            }

            // Past half the repair delay the repair may be about to delete these files: give up rather than race it.
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
                },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The same key raced us and won: its record and files stand; ours were written to the same paths.
            var winner = await table.GetEntityAsync<SubmissionEntity>(pk, Keys.Submission(id), cancellationToken: cancellationToken);
            await RaiseAsync(client, request, id, winner.Value.SubmittedAt, cancellationToken);
            await repair.ForgetAsync(id);
            return new SubmissionResult(id, 202);
        }
        catch (Exception ex)
        {
            await DeleteQuietlyAsync(written);
            await repair.ForgetAsync(id);
            if (fields.TryGetValue(RegisterVersionField, out var pinnedVersion)
                && !(await table.GetEntityIfExistsAsync<SubmissionEntity>(pk, Keys.Submission(id), cancellationToken: CancellationToken.None)).HasValue)
            {
                await ledger.UnpinAsync(request.Year, request.VillageId, pinnedVersion, id, CancellationToken.None);
            }

            if (ex is TimeoutException)
            {
                // Nothing of it is kept; the same form (same token) sent again makes one submission.
                return new SubmissionResult(null, 503, "网络较慢，这次没有提交成功，请再提交一次（不会重复提交）");
            }

            throw;
        }

        await RaiseAsync(client, request, id, now, cancellationToken);
        await repair.ForgetAsync(id);
        log.LogInformation("Step {Step} submitted for {VillageId} {Year} as {SubmissionId}", request.Step, request.VillageId, request.Year, id);
        return new SubmissionResult(id, 202);
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

    private async Task DeleteQuietlyAsync(IEnumerable<string> blobs)
    {
        foreach (var blob in blobs)
        {
            try
            {
                await storage.EvidenceContainer.DeleteBlobIfExistsAsync(blob);
            }
            catch (RequestFailedException ex)
            {
                log.LogWarning(ex, "Could not delete orphan evidence blob after a failed submission");
            }
        }
    }
}
