using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Ledger;

/// <summary>A consent photo as stored: the re-encoded image and its kind (jpeg or png).</summary>
public sealed record ConsentPhoto(Stream Content, string ContentType);

/// <summary>
/// The evidence of a guardian's consent (a photo of the signed form) kept with the person: blob
/// <c>ledger-consent/{villageId}/{rowId}</c> of the evidence container, one per person (their id carries over from year to
/// year), re-encoded like every submitted photo (<see cref="ImageRecoder"/>: metadata stripped, pixels bounded). It is
/// served only through the ledger's pages to whoever may see personal data; it goes when the person is removed, and the
/// retention run deletes a photo whose person is left in no register or snapshot unredacted (docs/privacy.md).
/// </summary>
public sealed partial class LedgerService
{
    public const long ConsentPhotoMaxBytes = 10 * 1024 * 1024;

    private const string ConsentPrefix = "ledger-consent/";

    private static string ConsentPath(string villageId, string rowId) => $"{ConsentPrefix}{villageId}/{rowId}";

    /// <summary>Re-encodes and stores the photo for a person of the current register (replacing any earlier one); nothing stored when refused.</summary>
    public async Task<LedgerChange> AttachConsentPhotoAsync(int year, string villageId, string rowId, Stream content, CancellationToken cancellationToken = default)
    {
        var (_, rows) = await CurrentAsync(year, villageId, cancellationToken);
        if (!Towns.Ids.IsValid(rowId) || rows.All(r => r.Id != rowId))
        {
            return new LedgerChange(404, "这一行已不在台账中");
        }

        var kind = EvidenceKinds.Detect(content);
        if (kind is not ("jpeg" or "png"))
        {
            return new LedgerChange(415, "只能上传 JPEG 或 PNG 照片（签字同意书的照片）");
        }

        content.Position = 0;
        var recoded = await ImageRecoder.RecodeAsync(content, kind, cancellationToken);
        if (recoded.Image is null)
        {
            return recoded.Refusal == ImageRefusal.TooManyPixels
                ? new LedgerChange(413, $"图片像素过多（最多约 {ImageRecoder.MaxDecodedPixels / 10_000} 万像素），请缩小后再上传，或改用手机拍摄的 JPEG 照片")
                : new LedgerChange(415, "图片已损坏或无法读取，请重新拍摄或换一张");
        }

        await storage.EvidenceContainer.GetBlobClient(ConsentPath(villageId, rowId)).UploadAsync(
            new BinaryData(recoded.Image.Image),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = EvidenceKinds.ContentType(kind) } },
            cancellationToken);
        log.LogInformation("Consent photo stored for a row of {VillageId}", villageId);
        return new LedgerChange(200, Count: 1);
    }

    /// <summary>The person's consent photo, or null if there is none.</summary>
    public async Task<ConsentPhoto?> OpenConsentPhotoAsync(string villageId, string rowId, CancellationToken cancellationToken = default)
    {
        if (!Towns.Ids.IsValid(rowId))
        {
            return null;
        }

        try
        {
            var blob = storage.EvidenceContainer.GetBlobClient(ConsentPath(villageId, rowId));
            var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            return new ConsentPhoto(download.Value.Content, download.Value.Details.ContentType is "image/png" ? "image/png" : "image/jpeg");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The ids of the village's people who have a consent photo (one listing, for the register's page).</summary>
    public async Task<IReadOnlySet<string>> ConsentPhotosAsync(string villageId, CancellationToken cancellationToken = default)
    {
        var prefix = $"{ConsentPrefix}{villageId}/";
        var ids = new HashSet<string>();
        await foreach (var blob in storage.EvidenceContainer.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
        {
            ids.Add(blob.Name[prefix.Length..]);
        }

        return ids;
    }

    private async Task DeleteConsentPhotosAsync(string villageId, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids.Where(Towns.Ids.IsValid))
        {
            await storage.EvidenceContainer.DeleteBlobIfExistsAsync(ConsentPath(villageId, id), DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the consent photos whose person is in no register or snapshot of the village unredacted (after the
    /// retention rule redacted a year, or a removal cut short); how many were deleted.
    /// </summary>
    public async Task<int> SweepConsentPhotosAsync(CancellationToken cancellationToken = default)
    {
        var byVillage = new Dictionary<string, List<string>>();
        await foreach (var blob in storage.EvidenceContainer.GetBlobsAsync(BlobTraits.None, BlobStates.None, ConsentPrefix, cancellationToken))
        {
            var rest = blob.Name[ConsentPrefix.Length..].Split('/');
            if (rest.Length == 2)
            {
                (byVillage.TryGetValue(rest[0], out var list) ? list : byVillage[rest[0]] = []).Add(rest[1]);
            }
        }

        var deleted = 0;
        foreach (var (villageId, ids) in byVillage)
        {
            var live = new HashSet<string>();
            for (var year = FirstYear; year <= Today.Year + 1; year++)
            {
                var pk = Keys.Checklist(year, villageId);
                await foreach (var e in Table.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"v"} and RowKey lt {"w"}"), select: ["RowKey", "Redacted"], cancellationToken: cancellationToken))
                {
                    if (e.GetBoolean("Redacted") != true)
                    {
                        live.Add(e.RowKey[(e.RowKey.IndexOf('-', StringComparison.Ordinal) + 1)..]);
                    }
                }
            }

            var orphans = ids.Where(id => !live.Contains(id)).ToList();
            await DeleteConsentPhotosAsync(villageId, orphans, cancellationToken);
            deleted += orphans.Count;
        }

        return deleted;
    }
}
