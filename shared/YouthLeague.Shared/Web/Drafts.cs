using System.Text.Json;
using Azure;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Web;

/// <summary>Row "{step}" of partition "{year}-{villageId}" in the Drafts table: a half-filled step form.</summary>
public sealed class DraftEntity : EntityBase
{
    public string FieldsJson { get; set; } = "{}";

    public DateTimeOffset SavedAt { get; set; }

    public string By { get; set; } = "";
}

public sealed record Draft(IReadOnlyDictionary<string, string?> Fields, DateTimeOffset SavedAt);

/// <summary>
/// Drafts keep what a secretary typed so far (text only: files are chosen again at submission, a draft never holds
/// evidence). Only the step's own fields are kept, each cut to its limit, so a draft can never grow past an entity's size.
/// A successful submission deletes the step's draft.
/// </summary>
public sealed class Drafts(StorageClients storage, TimeProvider clock)
{
    /// <summary>Longest text kept per field when the definition sets no limit (the long-text default).</summary>
    public const int DefaultMax = 5000;

    public async Task<Draft?> FindAsync(int year, string villageId, string step, CancellationToken cancellationToken = default)
    {
        var found = await storage.Table(TableNames.Drafts).GetEntityIfExistsAsync<DraftEntity>(Keys.Checklist(year, villageId), step, cancellationToken: cancellationToken);
        return found.HasValue
            ? new Draft(JsonSerializer.Deserialize<Dictionary<string, string?>>(found.Value!.FieldsJson) ?? [], found.Value.SavedAt)
            : null;
    }

    public async Task<Draft> SaveAsync(int year, string villageId, StepDefinition step, IReadOnlyDictionary<string, string?> values, string by, CancellationToken cancellationToken = default)
    {
        var kept = Keep(step, values);
        var draft = new Draft(kept, clock.GetUtcNow());
        await storage.Table(TableNames.Drafts).UpsertEntityAsync(
            new DraftEntity
            {
                PartitionKey = Keys.Checklist(year, villageId),
                RowKey = step.Key,
                FieldsJson = JsonSerializer.Serialize(kept),
                SavedAt = draft.SavedAt,
                By = by,
            },
            Azure.Data.Tables.TableUpdateMode.Replace,
            cancellationToken);
        return draft;
    }

    public async Task DeleteAsync(int year, string villageId, string step, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.Table(TableNames.Drafts).DeleteEntityAsync(Keys.Checklist(year, villageId), step, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>The step's own fields only, each no longer than its limit; unknown names are dropped.</summary>
    public static Dictionary<string, string?> Keep(StepDefinition step, IReadOnlyDictionary<string, string?> values)
    {
        var kept = new Dictionary<string, string?>();
        foreach (var field in step.Fields)
        {
            if (values.TryGetValue(field.Name, out var value) && !string.IsNullOrEmpty(value))
            {
                var max = Math.Min(field.Max is { } m && field.Type is FieldType.Text or FieldType.LongText ? (int)m : DefaultMax, DefaultMax);
                kept[field.Name] = value.Length > max ? value[..max] : value;
            }
        }

        return kept;
    }
}
