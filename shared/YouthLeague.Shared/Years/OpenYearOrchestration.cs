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

public sealed record BatchResult(int Started, int AlreadyRunning);

/// <summary>
/// Opens a year: lists the active villages without a checklist yet, then starts theirs in batches (activities run
/// side by side, as many as the worker allows). A crash resumes where it stopped; a batch re-run after a crash
/// finds its checklists running and leaves them as they are.
/// </summary>
public static class OpenYearOrchestration
{
    public const int BatchSize = 25;

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(8, TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(30)));

    public static async Task<BatchResult> RunAsync(TaskOrchestrationContext context, YearOpening opening)
    {
        var villages = await context.CallActivityAsync<List<VillageRef>>(YearNames.ListVillagesToOpen, opening.Year, Retry);
        var batches = villages.Chunk(BatchSize)
            .Select(b => context.CallActivityAsync<BatchResult>(YearNames.StartChecklists, new ChecklistBatch(opening.Year, b), Retry))
            .ToList();
        var results = await Task.WhenAll(batches);
        return new BatchResult(results.Sum(r => r.Started), results.Sum(r => r.AlreadyRunning));
    }
}
