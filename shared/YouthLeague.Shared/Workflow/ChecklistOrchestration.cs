using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;

namespace YouthLeague.Workflow;

/// <summary>
/// One village's year. Waits for commands (submissions, reviews) and for the end of the current
/// quarter; at each quarter end records the quarterly review and continues as new with the next
/// quarter; after the fourth it closes the year with the assessment and completes.
/// History stays bounded: at most <see cref="MaxCommandsPerGeneration"/> commands per generation,
/// then continue-as-new (unprocessed events are kept).
/// </summary>
public static class ChecklistOrchestration
{
    public const int MaxCommandsPerGeneration = 40;

    public static async Task<AssessmentResult?> RunAsync(TaskOrchestrationContext context, ChecklistRun run)
    {
        var log = context.CreateReplaySafeLogger(nameof(ChecklistOrchestration));
        var state = run.State;
        var handled = 0;

        while (true)
        {
            var quarterEnd = run.Calendar.QuarterEnd(run.Quarter);
            using var cts = new CancellationTokenSource();
            var timer = context.CreateTimer(quarterEnd.UtcDateTime, cts.Token);
            var command = context.WaitForExternalEvent<ChecklistCommand>(WorkflowNames.CommandEvent, cts.Token);
            var winner = await Task.WhenAny(command, timer);

            if (winner == command)
            {
                cts.Cancel();
                state = await HandleAsync(context, run, state, command.Result, log);
                if (++handled >= MaxCommandsPerGeneration)
                {
                    context.ContinueAsNew(run with { State = state, Generation = run.Generation + 1 }, preserveUnprocessedEvents: true);
                    return null;
                }

                continue;
            }

            // The quarter is over. A command that arrived in the same moment is still handled first;
            // otherwise the pending wait is cancelled and a later event stays buffered for the next generation.
            cts.Cancel();
            if (command.IsCompletedSuccessfully)
            {
                state = await HandleAsync(context, run, state, command.Result, log);
            }

            var asOf = run.Calendar.DateOf(quarterEnd).AddDays(-1);
            await context.CallActivityAsync(WorkflowNames.RecordQuarterlyReview, new QuarterlyReview(state, run.TownId, run.Quarter, asOf));
            log.LogInformation("Quarter {Quarter} reviewed for {VillageId}", run.Quarter, state.VillageId);

            if (run.Quarter >= 4)
            {
                return await context.CallActivityAsync<AssessmentResult>(WorkflowNames.CloseYear, new YearClose(state, run.TownId, run.Calendar));
            }

            context.ContinueAsNew(run with { State = state, Quarter = run.Quarter + 1, Generation = run.Generation + 1 }, preserveUnprocessedEvents: true);
            return null;
        }
    }

    private static async Task<ChecklistState> HandleAsync(
        TaskOrchestrationContext context, ChecklistRun run, ChecklistState state, ChecklistCommand command, ILogger log)
    {
        var result = ChecklistRules.Apply(state, command);
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
            new ChecklistChange(result.State, run.TownId, command, result.Outcome, result.From, result.To, result.Reason));
        return result.State;
    }
}
