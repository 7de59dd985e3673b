using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Progress;

/// <summary>
/// The one reader and writer of <see cref="TownProgressRow"/>s. A town's rows are one partition query, the city's one
/// range query over every town's partition of the year (the review-queue and case rows that share the table's key
/// range are filtered out by the server: they have no Approved count).
/// </summary>
public sealed class TownProgressStore(StorageClients storage, DirectoryService directory)
{
    private TableClient Table => storage.Table(TableNames.TownProgress);

    /// <summary>The village's row as <paramref name="state"/> leaves it, with the directory's names of the village and its
    /// town (two point reads side by side): replaced whole, so a replayed write leaves the same row.</summary>
    public async Task WriteAsync(ChecklistState state, string townId, CancellationToken cancellationToken = default) =>
        await Table.UpsertEntityAsync(await RowAsync(state, townId, cancellationToken), TableUpdateMode.Replace, cancellationToken);

    /// <summary>
    /// The row of a checklist just started (every step not started), so that a village shows on its town's page before
    /// anything is handed in. Added, never replaced: a row the projection wrote first stays as it is.
    /// </summary>
    public async Task AddAsync(ChecklistState state, string townId, CancellationToken cancellationToken = default)
    {
        try
        {
            await Table.AddEntityAsync(await RowAsync(state, townId, cancellationToken), cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    private async Task<TownProgressRow> RowAsync(ChecklistState state, string townId, CancellationToken cancellationToken)
    {
        var village = directory.FindVillageAsync(state.VillageId, cancellationToken);
        var town = directory.FindTownAsync(townId, cancellationToken);
        return TownProgressRow.Of(
            state.Year,
            townId,
            (await town)?.Name ?? "",
            state.VillageId,
            (await village)?.Name ?? "",
            state.Steps.ToDictionary(s => s.Key, s => s.Value.Status));
    }

    /// <summary>Rows written as they are (seeding, the bench): up to 100 of one town a batch.</summary>
    public async Task WriteAsync(IEnumerable<TownProgressRow> rows, CancellationToken cancellationToken = default)
    {
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await Table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken);
            }
        }
    }

    public Task<IReadOnlyList<TownProgressRow>> TownAsync(int year, string townId, CancellationToken cancellationToken = default) =>
        QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(year, townId)}"), cancellationToken);

    public Task<IReadOnlyList<TownProgressRow>> YearAsync(int year, CancellationToken cancellationToken = default) =>
        QueryAsync(TableClient.CreateQueryFilter($"PartitionKey ge {Keys.Town(year, "")} and PartitionKey lt {$"{year}."} and Approved ge {0}"), cancellationToken);

    /// <summary>Read as TableEntity, not as the typed row: rows written before the type carry their steps in columns of
    /// their own, which a typed query would drop.</summary>
    private async Task<IReadOnlyList<TownProgressRow>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        var rows = new List<TownProgressRow>();
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(TownProgressRow.From(e));
        }

        return rows;
    }
}
