using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Ledger;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Committees;

/// <summary>
/// Reads what the committees' exports need: each village's checklist projection (one partition query per village)
/// or ledger, a few at a time. Exports are asked for rarely; pages never call this.
/// </summary>
public sealed class CommitteeExports(DirectoryService directory, ChecklistReader reader, LedgerService ledger, ChecklistDefinitions definitions, MeetingService meetings)
{
    private const int Parallelism = 8;

    public async Task<Sheet?> AssessmentAsync(int year, string[]? townIds, CancellationToken cancellationToken = default) =>
        definitions.Find(year) is { } definition
            ? CommitteeSheets.Assessment(year, definition, await ChecklistsAsync(year, townIds, cancellationToken))
            : null;

    /// <summary>Null when the year has no checklist or its checklist has no volunteering step.</summary>
    public async Task<Sheet?> VolunteeringAsync(int year, string[]? townIds, CancellationToken cancellationToken = default) =>
        definitions.Find(year)?.Find("volunteering") is { } step
            ? CommitteeSheets.Volunteering(year, step, await ChecklistsAsync(year, townIds, cancellationToken))
            : null;

    /// <summary>A town's quarterly meeting pack as a workbook (one sheet per part); null for an unknown town or year.</summary>
    public async Task<byte[]?> MeetingPackAsync(int year, string townId, int quarter, CancellationToken cancellationToken = default) =>
        await meetings.PackAsync(year, townId, quarter, cancellationToken) is { } pack
            ? Sheet.Workbook(CommitteeSheets.MeetingPack(pack, definitions.For(year)))
            : null;

    /// <summary>Phones in full only for the village's town reviewer (a secretary never reaches a roll-up); masked for the city.</summary>
    public async Task<Sheet?> LedgerAsync(int year, string[]? townIds, Principal reader, CancellationToken cancellationToken = default)
    {
        if (definitions.Find(year) is null)
        {
            return null;
        }

        var villages = await VillagesAsync(townIds, cancellationToken);
        var rows = new IReadOnlyList<LedgerRow>[villages.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, villages.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var v = villages[i].Village;
                rows[i] = await ledger.ReadAsync(year, v.Id, Access.Allows(reader, v.Id, v.TownId, VillageAccess.PersonalData), ct);
            });
        return CommitteeSheets.Ledger(year, villages.Select((v, i) => (v.Town, v.Village, rows[i])));
    }

    private async Task<List<ExportVillage>> ChecklistsAsync(int year, string[]? townIds, CancellationToken cancellationToken)
    {
        var villages = await VillagesAsync(townIds, cancellationToken);
        var views = new ChecklistView?[villages.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, villages.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => views[i] = await reader.ReadAsync(year, villages[i].Village.Id, ct));
        return villages.Select((v, i) => new ExportVillage(v.Town, v.Village, views[i])).ToList();
    }

    /// <summary>The villages in scope, by town then village id.</summary>
    private async Task<List<(Town Town, Village Village)>> VillagesAsync(string[]? townIds, CancellationToken cancellationToken)
    {
        var towns = (await directory.TownsAsync(cancellationToken)).Where(t => townIds is null || townIds.Contains(t.Id)).ToDictionary(t => t.Id);
        var villages = await directory.VillagesAsync(townIds is { Length: 1 } ? townIds[0] : null, cancellationToken);
        return villages.Where(v => towns.ContainsKey(v.TownId))
            .Select(v => (towns[v.TownId], v))
            .OrderBy(x => x.Item1.Id, StringComparer.Ordinal)
            .ThenBy(x => x.v.Id, StringComparer.Ordinal)
            .ToList();
    }
}
