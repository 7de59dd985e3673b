using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Progress;

public sealed record TownProgress(string Id, string Name, int Villages, int StepsApproved, int StepsSubmitted, int StepsOverdue, int StepsDue);

public sealed record VillageProgress(string Id, string Name, string TownId, IReadOnlyDictionary<string, string> Steps, IReadOnlyList<string> Overdue);

public sealed record ProgressReport(int Year, IReadOnlyList<TownProgress> Towns, IReadOnlyList<VillageProgress> Villages, int Queries);

/// <summary>
/// Progress of towns and villages, from projections only (never from orchestration instances).
/// Storage requests per report, whatever the number of towns: one range query for the towns and villages of the
/// directory, one for the progress rows (the town's partition; for the city, one range over every town's partition
/// of the year, review-queue and case rows filtered out by the server); each 1,000 rows more is one more page.
/// With the session's account, the city page and GET /api/progress cost 3 requests up to 1,000 villages.
/// </summary>
public sealed class ProgressService(StorageClients storage, DirectoryService directory, ChecklistDefinitions definitions, TimeProvider clock)
{
    public async Task<ProgressReport?> ReportAsync(int year, IReadOnlyCollection<string>? townIds, CancellationToken cancellationToken = default)
    {
        var definition = definitions.Find(year);
        if (definition is null)
        {
            return null;
        }

        var oneTown = townIds is { Count: 1 } ? townIds.First() : null;
        var directoryTask = directory.TownsAndVillagesAsync(oneTown, cancellationToken);
        var table = storage.Table(TableNames.TownProgress);

        // Progress rows are the ones with an Approved count (the queue and case partitions sit in the same key range).
        var filter = oneTown is not null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(year, oneTown)}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {Keys.Town(year, "")} and PartitionKey lt {$"{year}."} and Approved ge {0}");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var (allTowns, allVillages) = await directoryTask;
        var towns = allTowns.Where(t => townIds is null || townIds.Contains(t.Id)).ToList();
        var names = allVillages.ToDictionary(v => v.Id, v => v.Name);
        var today = ChinaTime.Today(clock.GetUtcNow());
        var dueSteps = definition.Steps.Where(s => s.Due < today).Select(s => s.Key).ToHashSet();
        var index = towns.Select((t, i) => (t.Id, i)).ToDictionary(x => Keys.Town(year, x.Id), x => x.i);
        var byTown = towns.Select(_ => new List<VillageProgress>()).ToArray();
        foreach (var row in rows)
        {
            if (!index.TryGetValue(row.PartitionKey, out var i))
            {
                continue;
            }

            var steps = definition.Steps.ToDictionary(s => s.Key, s => row.GetString(ChecklistProjection.ColumnOf(s.Key)) ?? StepStatus.NotStarted.ToWire());
            var overdue = definition.Steps.Where(s => ChecklistRules.IsOverdue(StepStatusNames.Parse(steps[s.Key]), s.Due, today)).Select(s => s.Key).ToList();
            byTown[i].Add(new VillageProgress(row.RowKey, names.GetValueOrDefault(row.RowKey, row.RowKey), towns[i].Id, steps, overdue));
        }

        var queries = 2;
        var townRows = new List<TownProgress>();
        var villageRows = new List<VillageProgress>();
        for (var i = 0; i < towns.Count; i++)
        {
            var town = towns[i];
            var villages = byTown[i];
            townRows.Add(new TownProgress(
                town.Id,
                town.Name,
                villages.Count,
                villages.Sum(v => v.Steps.Values.Count(s => s == "approved")),
                villages.Sum(v => v.Steps.Values.Count(s => s == "submitted")),
                villages.Sum(v => v.Overdue.Count),
                villages.Count * dueSteps.Count));
            villageRows.AddRange(villages.OrderBy(v => v.Id, StringComparer.Ordinal));
        }

        return new ProgressReport(year, townRows, villageRows, queries);
    }
}
