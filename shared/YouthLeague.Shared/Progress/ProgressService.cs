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
/// Storage queries per report: one for the towns, one for the villages, one per town shown (its TownProgress
/// partition): a town page costs 3 queries whatever its number of villages; the city page 2 + number of towns.
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

        var queries = 2;
        var townsTask = directory.TownsAsync(cancellationToken);
        var villagesTask = directory.VillagesAsync(townIds is { Count: 1 } ? townIds.First() : null, cancellationToken);
        var towns = (await townsTask).Where(t => townIds is null || townIds.Contains(t.Id)).ToList();
        var names = (await villagesTask).ToDictionary(v => v.Id, v => v.Name);
        var today = ChinaTime.Today(clock.GetUtcNow());
        var dueSteps = definition.Steps.Where(s => s.Due < today).Select(s => s.Key).ToHashSet();
        var table = storage.Table(TableNames.TownProgress);

        // The towns' partitions are read side by side (at most 8 at once): the city page waits for the slowest, not the sum.
        var byTown = new List<VillageProgress>[towns.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, towns.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var villages = new List<VillageProgress>();
                await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(year, towns[i].Id)}"), cancellationToken: ct))
                {
                    var steps = definition.Steps.ToDictionary(s => s.Key, s => row.GetString(ChecklistProjection.ColumnOf(s.Key)) ?? StepStatus.NotStarted.ToWire());
                    var overdue = definition.Steps.Where(s => ChecklistRules.IsOverdue(StepStatusNames.Parse(steps[s.Key]), s.Due, today)).Select(s => s.Key).ToList();
                    villages.Add(new VillageProgress(row.RowKey, names.GetValueOrDefault(row.RowKey, row.RowKey), towns[i].Id, steps, overdue));
                }

                byTown[i] = villages;
            });

        queries += towns.Count;
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
