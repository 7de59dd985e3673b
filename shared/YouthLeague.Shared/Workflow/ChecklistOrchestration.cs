using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;

namespace YouthLeague.Workflow;

/// <summary>
/// One village's year. Waits for commands (submissions, reviews) and for the end of the current
/// quarter; at each quarter end records the quarterly review and continues as new with the next
/// quarter; after the fourth it waits in the closing window (version 2) for reviews and resubmissions of returned
/// items until the closing date, then closes the year with the assessment and completes. From version 4 the closing
/// date can be changed until then (<see cref="ClosingDateChange"/>).
/// History stays bounded: at most <see cref="MaxCommandsPerGeneration"/> commands per generation,
/// then continue-as-new (unprocessed events are kept).
/// </summary>
public static class ChecklistOrchestration
{
    /// <summary>
    /// Activities write to storage; a storage outage (seen when Azurite restarts during a burst) must not fail the
    /// village's year. The projection and the reviews are idempotent upserts, so a retry is safe: 2 s, 4 s … up to 30 s, 8 tries.
    /// </summary>
    private static readonly TaskOptions StorageRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(8, TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(30)));

    public const int MaxCommandsPerGeneration = 40;

    public static async Task<AssessmentResult?> RunAsync(TaskOrchestrationContext context, ChecklistRun run)
    {
        var log = context.CreateReplaySafeLogger(nameof(ChecklistOrchestration));
        var state = run.State;
        var handled = 0;
        var quarterEnd = run.WaitEnds;
        foreach (var carried in run.Carried ?? [])
        {
            state = await HandleAsync(context, run, state, carried, log);
        }

        // One waiter at a time, never cancelled: a cancelled waiter could still swallow an event. While no waiter
        // is pending (during an activity), new events stay buffered, and continue-as-new carries them over.
        var command = context.WaitForExternalEvent<ChecklistCommand>(WorkflowNames.CommandEvent);

        // Version 4: a changed closing date may arrive at any time (never cancelled either). Older versions never wait for it.
        var closing = run.Version >= ChecklistRun.ClosingDateChangeVersion ? WaitForClosingDate(context) : null;

        // Version 5: one timer per wait end, kept across commands. Older versions created a fresh timer for every wait
        // and cancelled the last after a command (a cancelled durable timer still fires later); their histories
        // replay only against that sequence, so it stays for them.
        var oneTimer = run.Version >= ChecklistRun.OneTimerVersion;
        Task? timer = null;
        CancellationTokenSource? cts = null; // its token only cancels a timer: nothing to release, so not disposed
        while (true)
        {
            if (timer is null || !oneTimer)
            {
                cts = new CancellationTokenSource();
                timer = context.CreateTimer(quarterEnd.UtcDateTime, cts.Token);
            }

            var winner = closing is null ? await Task.WhenAny(command, timer) : await Task.WhenAny(command, timer, closing);
            if (winner == command)
            {
                if (!oneTimer)
                {
                    cts!.Cancel();
                }

                state = await HandleAsync(context, run, state, await command, log);
                if (++handled >= MaxCommandsPerGeneration)
                {
                    // A timer still pending kept continue-as-new from taking effect (seen on the in-process test
                    // host, real-calendar quarter: the instance stayed Running in its old generation).
                    cts!.Cancel();
                    ContinueAsNew(context, Taken(run, closing) with { State = state, Generation = run.Generation + 1 });
                    return null;
                }

                command = context.WaitForExternalEvent<ChecklistCommand>(WorkflowNames.CommandEvent);
                continue;
            }

            if (winner == closing)
            {
                // Kept for the rest of the year; in the closing window the wait now ends at the new date's end.
                // Version 5 keeps its timer when the wait's end did not move (a quarter's end does not).
                run = run.With(await closing!);
                if (!oneTimer || run.WaitEnds != quarterEnd)
                {
                    cts!.Cancel();
                    timer = null;
                }

                quarterEnd = run.WaitEnds;
                log.LogInformation("Closing date of {VillageId} set to {ClosesOn}", state.VillageId, run.ClosesOn);
                closing = WaitForClosingDate(context);
                continue;
            }

            // The quarter (or the closing window) is over. Record the quarter's review; a command that reached the
            // waiter meanwhile is handled before the hand-over, later ones are carried into the next generation.
            if (!run.InClosingWindow)
            {
                await context.CallActivityAsync(WorkflowNames.RecordQuarterlyReview, new QuarterlyReview(state, run.TownId, run.Quarter, run.Calendar.DateOf(quarterEnd).AddDays(-1)), StorageRetry);
                log.LogInformation("Quarter {Quarter} reviewed for {VillageId}", run.Quarter, state.VillageId);
            }

            if (command.IsCompletedSuccessfully)
            {
                state = await HandleAsync(context, run, state, await command, log);
            }

            // A closing date changed at the moment the window ended: if it is later, the window goes on.
            run = Taken(run, closing);
            if (closing is not null && run.InClosingWindow && run.WaitEnds > context.CurrentUtcDateTime)
            {
                ContinueAsNew(context, run with { State = state, Generation = run.Generation + 1 });
                return null;
            }

            // Version 1 closes at the fourth quarter's end; version 2 first keeps a closing window open (docs/workflow.md).
            var closeNow = run.InClosingWindow || (run.Quarter >= 4 && run.Version < ChecklistRun.ClosingWindowVersion);
            if (closeNow)
            {
                return await context.CallActivityAsync<AssessmentResult>(WorkflowNames.CloseYear, new YearClose(state, run.TownId, run.Calendar), StorageRetry);
            }

            ContinueAsNew(context, run with { State = state, Quarter = run.Quarter + 1, Generation = run.Generation + 1 });
            return null;
        }
    }

    /// <summary>
    /// Hands over to the next generation. Events that arrived while no waiter was pending sit in the worker's
    /// buffer; the gRPC sidecar of the local host does not carry them over (durabletask-dotnet #387 class of
    /// bug), so they are drained here and travel in the input instead. preserveUnprocessedEvents stays on
    /// for anything that arrives after this episode.
    /// </summary>
    private static void ContinueAsNew(TaskOrchestrationContext context, ChecklistRun next)
    {
        var carried = new List<ChecklistCommand>();
        while (true)
        {
            var buffered = context.WaitForExternalEvent<ChecklistCommand>(WorkflowNames.CommandEvent);
            if (!buffered.IsCompletedSuccessfully)
            {
                break;
            }

            carried.Add(buffered.GetAwaiter().GetResult()); // completed: it came from the buffer
        }

        // Version 4: closing-date changes buffered the same way travel as the date they set.
        while (next.Version >= ChecklistRun.ClosingDateChangeVersion)
        {
            var buffered = WaitForClosingDate(context);
            if (!buffered.IsCompletedSuccessfully)
            {
                break;
            }

            next = next.With(buffered.GetAwaiter().GetResult());
        }

        context.ContinueAsNew(next with { Carried = carried }, preserveUnprocessedEvents: true);
    }

    private static Task<ClosingDateChange> WaitForClosingDate(TaskOrchestrationContext context) =>
        context.WaitForExternalEvent<ClosingDateChange>(WorkflowNames.ClosingDateEvent);

    /// <summary>The run with a closing-date change that has arrived but was not handled yet (version 4).</summary>
    private static ChecklistRun Taken(ChecklistRun run, Task<ClosingDateChange>? closing) =>
        closing is { IsCompletedSuccessfully: true } ? run.With(closing.GetAwaiter().GetResult()) : run;

    private static async Task<ChecklistState> HandleAsync(
        TaskOrchestrationContext context, ChecklistRun run, ChecklistState state, ChecklistCommand command, ILogger log)
    {
        // In the closing window only what was handed in during the year is reviewed or handed in again after a return
        // (from version 3, no further activity either).
        var further = run.Version >= ChecklistRun.FurtherActivitiesVersion;
        var result = run.InClosingWindow && command.Kind == CommandKind.Submit
            && state.Steps.TryGetValue(command.Step, out var step) && (step.Status == StepStatus.NotStarted || (further && step.Status == StepStatus.Approved))
            ? ChecklistRules.Refuse(state, command, ChecklistRules.ClosedForNewSubmissions)
            : ChecklistRules.Apply(state, command, further);
        if (result.Outcome == Outcome.Duplicate)
        {
            log.LogInformation("Repeated command {CommandId} ignored for {VillageId}", command.Id, state.VillageId);
            return state;
        }

        if (result.Outcome == Outcome.Rejected)
        {
            log.LogWarning("Command {CommandId} ({Kind}) refused for {VillageId} step {Step} in state {From}", command.Id, command.Kind, state.VillageId, command.Step, result.From);
        }

        await context.CallActivityAsync(
            WorkflowNames.ProjectChecklist,
            new ChecklistChange(result.State, run.TownId, command, result.Outcome, result.From, result.To, result.Reason),
            StorageRetry);
        return result.State;
    }
}
