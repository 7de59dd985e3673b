using Azure.Data.Tables;
using YouthLeague.Storage;

namespace YouthLeague.Towns;

public sealed record Town(string Id, string Name);

/// <param name="DispatchingUnit">The secretary's dispatching unit (派出单位), as the city's org sheet gives it.</param>
public sealed record Secretary(string Name, string Username, string DispatchingUnit = "");

public sealed record Village(string Id, string Name, string TownId, Secretary Secretary, bool Closed = false);

/// <summary>Towns and villages. Small tables (hundreds of rows): each list is one partition query.</summary>
public sealed class DirectoryService(StorageClients storage)
{
    private TableClient Table => storage.Table(TableNames.Directory);

    public async Task<IReadOnlyList<Town>> TownsAsync(CancellationToken cancellationToken = default)
    {
        var towns = new List<Town>();
        await foreach (var t in Table.QueryAsync<TownEntity>(e => e.PartitionKey == TownEntity.Partition, cancellationToken: cancellationToken))
        {
            towns.Add(new Town(t.RowKey, t.Name));
        }

        return towns;
    }

    /// <summary>
    /// The towns and the villages (of one town, or all) in one range query over the two partitions ("town" ≤ key ≤
    /// "village"): one storage request per 1,000 rows instead of one for each list.
    /// </summary>
    public async Task<(IReadOnlyList<Town> Towns, IReadOnlyList<Village> Villages)> TownsAndVillagesAsync(string? townId = null, CancellationToken cancellationToken = default)
    {
        var range = TableClient.CreateQueryFilter($"PartitionKey ge {TownEntity.Partition} and PartitionKey le {VillageEntity.Partition}");
        var filter = townId is null
            ? range
            : range + " and " + TableClient.CreateQueryFilter($"(PartitionKey eq {TownEntity.Partition} or TownId eq {townId})");
        var towns = new List<Town>();
        var villages = new List<Village>();
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (e.PartitionKey == TownEntity.Partition)
            {
                towns.Add(new Town(e.RowKey, e.GetString(nameof(TownEntity.Name)) ?? e.RowKey));
            }
            else if (e.PartitionKey == VillageEntity.Partition)
            {
                villages.Add(ToVillage(new VillageEntity
                {
                    PartitionKey = e.PartitionKey,
                    RowKey = e.RowKey,
                    Name = e.GetString(nameof(VillageEntity.Name)) ?? e.RowKey,
                    TownId = e.GetString(nameof(VillageEntity.TownId)) ?? "",
                    SecretaryName = e.GetString(nameof(VillageEntity.SecretaryName)) ?? "",
                    SecretaryUsername = e.GetString(nameof(VillageEntity.SecretaryUsername)) ?? "",
                    DispatchingUnit = e.GetString(nameof(VillageEntity.DispatchingUnit)) ?? "",
                }));
            }
        }

        return (towns, villages);
    }

    public async Task<IReadOnlyList<Village>> VillagesAsync(string? townId = null, CancellationToken cancellationToken = default)
    {
        var filter = townId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {VillageEntity.Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {VillageEntity.Partition} and TownId eq {townId}");
        var villages = new List<Village>();
        await foreach (var v in Table.QueryAsync<VillageEntity>(filter, cancellationToken: cancellationToken))
        {
            villages.Add(ToVillage(v));
        }

        return villages;
    }

    public async Task<Village?> FindVillageAsync(string villageId, CancellationToken cancellationToken = default)
    {
        if (!Ids.IsValid(villageId))
        {
            return null;
        }

        var v = await Table.GetEntityIfExistsAsync<VillageEntity>(VillageEntity.Partition, villageId, cancellationToken: cancellationToken);
        return v.HasValue ? ToVillage(v.Value!) : null;
    }

    public async Task<Town?> FindTownAsync(string townId, CancellationToken cancellationToken = default)
    {
        if (!Ids.IsValid(townId))
        {
            return null;
        }

        var t = await Table.GetEntityIfExistsAsync<TownEntity>(TownEntity.Partition, townId, cancellationToken: cancellationToken);
        return t.HasValue ? new Town(t.Value!.RowKey, t.Value.Name) : null;
    }

    public async Task UpsertAsync(DemoSeed seed, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in seed.Towns.Chunk(100))
        {
            await Table.SubmitTransactionAsync(
                chunk.Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TownEntity
                {
                    PartitionKey = TownEntity.Partition,
                    RowKey = t.Id,
                    Name = t.Name,
                    ReviewerUsername = t.Reviewer.Username,
                })),
                cancellationToken);
        }

        foreach (var chunk in seed.Villages.Chunk(100))
        {
            await Table.SubmitTransactionAsync(
                chunk.Select(v => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new VillageEntity
                {
                    PartitionKey = VillageEntity.Partition,
                    RowKey = v.Id,
                    TownId = v.TownId,
                    Name = v.Name,
                    Sample = v.Sample,
                    SecretaryName = v.Secretary.Name,
                    SecretaryUsername = v.Secretary.Username,
                    DispatchingUnit = v.Secretary.DispatchingUnit ?? "",
                })),
                cancellationToken);
        }
    }

    /// <param name="dispatchingUnit">The new secretary's dispatching unit (派出单位); null keeps the village's (an older caller).</param>
    public async Task SetSecretaryAsync(string villageId, string username, string name, string? dispatchingUnit = null, CancellationToken cancellationToken = default)
    {
        var entity = new VillageEntity { PartitionKey = VillageEntity.Partition, RowKey = villageId, SecretaryUsername = username, SecretaryName = name };
        var row = await Table.GetEntityAsync<VillageEntity>(VillageEntity.Partition, villageId, cancellationToken: cancellationToken);
        var v = row.Value;
        v.SecretaryUsername = entity.SecretaryUsername;
        v.SecretaryName = entity.SecretaryName;
        v.DispatchingUnit = dispatchingUnit?.Trim() ?? v.DispatchingUnit;
        await Table.UpdateEntityAsync(v, v.ETag, TableUpdateMode.Replace, cancellationToken);
    }

    private static Village ToVillage(VillageEntity v) =>
        new(v.RowKey, v.Name, v.TownId, new Secretary(v.SecretaryName, v.SecretaryUsername, v.DispatchingUnit), v.Closed);
}
