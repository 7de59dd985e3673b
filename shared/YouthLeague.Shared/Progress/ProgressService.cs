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
/// Storage requests per report, whatever the number of towns: for one town, its progress partition alone when every
/// row carries the names it shows (rows the projection has written since the names were added), plus one range query
/// of the directory's towns and villages otherwise; for the city, one range over every town's partition of the year:
/// the towns listed are those with rows (a checklist adds its village's row, with its town's name, when it starts),
/// and the directory's towns and villages (one range query) are read only while some row has no names or there are
/// no rows yet. A town with no checklist this year is not listed (it has nothing to count). Each 1,000 rows more is
/// one more page. With the session's account: GET /api/progress 2 requests.
/// </summary>
public sealed class ProgressService(TownProgressStore store, DirectoryService directory, ChecklistDefinitions definitions, TimeProvider clock)
{
    public async Task<ProgressReport?> ReportAsync(int year, IReadOnlyCollection<string>? townIds, CancellationToken cancellationToken = default)
    {
        var definition = definitions.Find(year);
        if (definition is null)
        {
            return null;
        }

        var oneTown = townIds is { Count: 1 } ? townIds.First() : null;
        IReadOnlyList<Town> allTowns;
        IReadOnlyDictionary<string, string> names;
        IReadOnlyList<TownProgressRow> rows;
        var queries = 1;
        if (oneTown is not null)
        {
            rows = await store.TownAsync(year, oneTown, cancellationToken);
            if (rows.Count > 0 && rows.All(r => r.HasNames))
            {
                allTowns = [new Town(oneTown, rows[0].TownName)];
                names = rows.ToDictionary(r => r.VillageId, r => r.VillageName);
            }
            else
            {
                queries++;
                (allTowns, var villages) = await directory.TownsAndVillagesAsync(oneTown, cancellationToken);
                names = villages.ToDictionary(v => v.Id, v => v.Name);
            }
        }
        else
        {
            // The towns come with their rows (each row carries its town's name; a checklist adds its row when it starts,
            // so every town with a checklist this year has rows). The directory only while some row has no names.
            rows = await store.YearAsync(year, cancellationToken);
            if (rows.Count > 0 && rows.All(r => r.HasNames))
            {
                allTowns = [.. rows
                    .GroupBy(r => r.PartitionKey, StringComparer.Ordinal)
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new Town(g.Key[(Keys.Town(year, "").Length)..], g.MaxBy(r => r.Timestamp ?? DateTimeOffset.MinValue)!.TownName))];
                names = rows.ToDictionary(r => r.VillageId, r => r.VillageName);
            }
            else
            {
                queries++;
                (allTowns, var villages) = await directory.TownsAndVillagesAsync(cancellationToken: cancellationToken);
                names = villages.ToDictionary(v => v.Id, v => v.Name);
            }
        }

        var towns = allTowns.Where(t => townIds is null || townIds.Contains(t.Id)).ToList();
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

            var steps = definition.Steps.ToDictionary(s => s.Key, s => row.StatusOf(s.Key).ToWire());
            var overdue = definition.Steps.Where(s => ChecklistRules.IsOverdue(row.StatusOf(s.Key), s.Due, today)).Select(s => s.Key).ToList();
            byTown[i].Add(new VillageProgress(row.VillageId, names.GetValueOrDefault(row.VillageId, row.VillageId), towns[i].Id, steps, overdue));
        }

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
