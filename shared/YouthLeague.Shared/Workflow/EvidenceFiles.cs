using System.Text.Json;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Workflow;

public static class EvidenceFiles
{
    /// <summary>Opens a submission's file by the ids in its record; the blob path never comes from the caller.</summary>
    public static async Task<(Stream Content, string Kind)?> OpenAsync(
        StorageClients storage, int year, string villageId, string submissionId, string evidenceId, bool thumbnail, CancellationToken cancellationToken)
    {
        var row = await storage.Table(TableNames.Checklists)
            .GetEntityIfExistsAsync<SubmissionEntity>(Keys.Checklist(year, villageId), Keys.Submission(submissionId), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var item = (JsonSerializer.Deserialize<List<EvidenceItem>>(row.Value!.EvidenceJson, Json.Options) ?? [])
            .FirstOrDefault(e => e.Id == evidenceId);
        if (item is null)
        {
            return null;
        }

        if (thumbnail && item.Thumbnail is null)
        {
            return null;
        }

        var blob = await storage.EvidenceContainer.GetBlobClient(thumbnail ? item.Thumbnail! : item.Blob).OpenReadAsync(cancellationToken: cancellationToken);
        return (blob, thumbnail ? "jpeg" : item.Kind);
    }
}
