using Microsoft.DurableTask.Client;
using YouthLeague.Workflow;
using YouthLeague.Towns;

namespace YouthLeague.Years;

/// <summary>The activities of an opening, and the start of one village's checklist in an opened year.</summary>
public sealed class YearOpener(YearService years, DirectoryService directory, ChecklistStarter starter, TimeProvider clock)
{
    public const int Parallelism = 4;

    /// <summary>
    /// How long one batch activity goes on starting checklists before it hands the rest back (well under the local
    /// host's 30 s visibility timeout of activity messages, which its sidecar does not renew).
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    public async Task<List<VillageRef>> VillagesToOpenAsync(int year, CancellationToken cancellationToken = default)
    {
        var started = await years.StartedVillagesAsync(year, cancellationToken);
        return (await directory.VillagesAsync(cancellationToken: cancellationToken))
            .Where(v => !v.Closed && !started.Contains(v.Id))
            .OrderBy(v => v.Id, StringComparer.Ordinal)
            .Select(v => new VillageRef(v.Id, v.TownId))
            .ToList();
    }

    public async Task<BatchResult> StartAsync(ChecklistBatch batch, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        var opened = await years.OpenedCalendarAsync(batch.Year, cancellationToken)
            ?? throw new InvalidOperationException($"Year {batch.Year} is not opened.");
        var outcomes = new StartOutcome?[batch.Villages.Count];
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            batch.Villages.Select((v, i) => (v, i)),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (x, ct) =>
            {
                // The first few always go, so a slow start (storage under load) still makes progress.
                if (x.i < Parallelism || elapsed.Elapsed < Budget)
                {
                    outcomes[x.i] = await starter.StartAsync(client, batch.Year, x.v.Id, x.v.TownId, opened.Calendar, opened.ClosesOn, ct);
                }
            });
        var tried = batch.Villages.Where((_, i) => outcomes[i] is not null).ToList();
        var remaining = batch.Villages.Where((_, i) => outcomes[i] is null).ToList();
        await years.MarkStartedAsync(batch.Year, tried.Select(v => (v.Id, v.TownId)), cancellationToken);
        return new BatchResult(
            outcomes.Count(o => o == StartOutcome.Started),
            outcomes.Count(o => o is not null and not StartOutcome.Started),
            remaining.Count > 0 ? remaining : null);
    }

    /// <summary>A village added after its year was opened gets its checklist at once.</summary>
    public async Task<bool> StartIfYearOpenAsync(DurableTaskClient client, string villageId, string townId, CancellationToken cancellationToken = default)
    {
        var year = Checklist.ChinaTime.Year(clock.GetUtcNow());
        var opened = await years.OpenedCalendarAsync(year, cancellationToken);
        if (opened is null)
        {
            return false;
        }

        await starter.StartAsync(client, year, villageId, townId, opened.Value.Calendar, opened.Value.ClosesOn, cancellationToken);
        await years.MarkStartedAsync(year, [(villageId, townId)], cancellationToken);
        return true;
    }
}
