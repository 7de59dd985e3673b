using Microsoft.DurableTask;

namespace YouthLeague.Years;

public static class YearNames
{
    public const string OpenYearOrchestrator = nameof(OpenYearOrchestrator);
    public const string ListVillagesToOpen = nameof(ListVillagesToOpen);
    public const string StartChecklists = nameof(StartChecklists);
}

/// <summary>The input of an opening: the year only; the calendar and closing date are read from the year's row.</summary>
public sealed record YearOpening(int Year);

public sealed record VillageRef(string Id, string TownId);

public sealed record ChecklistBatch(int Year, IReadOnlyList<VillageRef> Villages);

/// <param name="Remaining">
/// Villages of the batch not tried because the activity's time budget ran out (<see cref="YearOpener.Budget"/>); the
/// orchestration starts them in a batch of their own. Null from activities that ran before the budget existed.
/// </param>
public sealed record BatchResult(int Started, int AlreadyRunning, IReadOnlyList<VillageRef>? Remaining = null);

/// <summary>
/// Opens a year: lists the active villages without a checklist yet, then starts theirs in batches (activities run
/// side by side, as many as the worker allows). A crash resumes where it stopped; a batch re-run after a crash
/// finds its checklists running and leaves them as they are. Each batch stops after its time budget and hands back
/// the villages it did not try, which go out again as a batch of their own: an activity that outlives its queue
/// message's visibility timeout is delivered a second time (the local host's sidecar never renews activity locks),
/// and under load such duplicates made every batch run several times over.
/// </summary>
public static class OpenYearOrchestration
{
    public const int BatchSize = 25;

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(8, TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(30)));

    public static async Task<BatchResult> RunAsync(TaskOrchestrationContext context, YearOpening opening)
    {
        var villages = await context.CallActivityAsync<List<VillageRef>>(YearNames.ListVillagesToOpen, opening.Year, Retry);
        Task<BatchResult> Start(IReadOnlyList<VillageRef> batch) =>
            context.CallActivityAsync<BatchResult>(YearNames.StartChecklists, new ChecklistBatch(opening.Year, batch), Retry);

        // The batches are scheduled in the same order as before the budget existed, so an opening that was running
        // during a deployment replays unchanged (its results carry no Remaining).
        var pending = villages.Chunk(BatchSize).Select(b => Start(b)).ToList();
        var (started, already) = (0, 0);
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            var result = await done;
            (started, already) = (started + result.Started, already + result.AlreadyRunning);
            if (result.Remaining is { Count: > 0 } rest)
            {
                pending.Add(Start(rest));
            }
        }

        return new BatchResult(started, already);
    }
}
