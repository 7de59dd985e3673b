using Azure;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Workflow;

public enum StartOutcome { Started, AlreadyRunning, AlreadyClosed }

/// <summary>
/// Starts a village-year's checklist exactly once. A second start never resets it: the projection
/// rows are added (not replaced) and the schedule call refuses to replace a running instance.
/// A checklist starts in the quarter its calendar is in now (a year opened in December, a village added mid-year):
/// the quarterly reviews of quarters already over are not run for it (docs/workflow.md, "Opening a year"), so its
/// town-progress row is added at the start (every step not started) for the village to show on its town's page.
/// </summary>
public sealed class ChecklistStarter(StorageClients storage, ChecklistDefinitions definitions, TimeProvider? clock = null, Progress.TownProgressStore? progress = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    public Task<StartOutcome> StartAsync(
        DurableTaskClient client, int year, string villageId, string townId, ChecklistCalendar calendar, CancellationToken cancellationToken = default) =>
        StartAsync(client, year, villageId, townId, calendar, closesOn: null, cancellationToken);

    /// <param name="closesOn">The last day of the year's closing window (default: 31 January of the next year).</param>
    public async Task<StartOutcome> StartAsync(
        DurableTaskClient client, int year, string villageId, string townId, ChecklistCalendar calendar, DateOnly? closesOn, CancellationToken cancellationToken = default)
    {
        var instanceId = WorkflowNames.InstanceId(year, villageId);
        var definition = definitions.For(year);
        var run = ChecklistRun.Start(ChecklistState.New(year, villageId, definition.Steps.Select(s => s.Key)), townId, calendar, closesOn)
            with { Quarter = StartingQuarter(calendar, clock.GetUtcNow()) };
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        switch (existing?.RuntimeStatus)
        {
            case OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended:
                // Heals a start that scheduled the instance but died before writing its rows.
                await AddInitialRowsAsync(run, cancellationToken);
                return StartOutcome.AlreadyRunning;
            case OrchestrationRuntimeStatus.Completed:
                return StartOutcome.AlreadyClosed;
        }

        var options = new StartOrchestrationOptions(instanceId)
            .WithDedupeStatuses(OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended, OrchestrationRuntimeStatus.Completed);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(WorkflowNames.ChecklistOrchestrator, run, options, cancellationToken);
        }
        catch (Exception)
        {
            // Another starter may have won the race; the instance it started stands.
            if (await IsRunningAsync(client, instanceId, cancellationToken))
            {
                return StartOutcome.AlreadyRunning;
            }

            throw;
        }

        // Rows after the instance: a submission finds the rows only once its event has somewhere to go.
        await AddInitialRowsAsync(run, cancellationToken);
        return StartOutcome.Started;
    }

    /// <summary>The quarter a checklist started at <paramref name="now"/> begins in: 1..4, or the closing window once the year is over.</summary>
    public static int StartingQuarter(ChecklistCalendar calendar, DateTimeOffset now) => Math.Min(calendar.QuarterAt(now), ChecklistRun.ClosingQuarter);

    private static async Task<bool> IsRunningAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        return instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending };
    }

    /// <summary>Header and step rows, added in one batch (if the header exists, nothing is touched), beside the town-progress row.</summary>
    private async Task AddInitialRowsAsync(ChecklistRun run, CancellationToken cancellationToken)
    {
        var pk = Keys.Checklist(run.State.Year, run.State.VillageId);
        var batch = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new ChecklistEntity
            {
                PartitionKey = pk,
                RowKey = ChecklistEntity.Row,
                Year = run.State.Year,
                VillageId = run.State.VillageId,
                TownId = run.TownId,
                Status = run.State.Status.ToWire(),
                Version = run.Version,
                CalendarJson = System.Text.Json.JsonSerializer.Serialize(run.Calendar, Json.Options),
                ClosesOn = (run.ClosesOn ?? run.Calendar.DefaultClosesOn).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            }),
        };
        batch.AddRange(run.State.Steps.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertMerge, new StepEntity
        {
            PartitionKey = pk,
            RowKey = Keys.Step(s.Key),
            Step = s.Key,
        })));
        async Task ChecklistRowsAsync()
        {
            try
            {
                await storage.Table(TableNames.Checklists).SubmitTransactionAsync(batch, cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                // Rows exist from an earlier start whose schedule call did not complete; keep them.
            }
        }

        // Two tables, each write an add that leaves an existing row alone: side by side (one wait, not three in a row:
        // the progress row reads the village and town first). A start that fails in one of them is healed by the next.
        await Task.WhenAll(ChecklistRowsAsync(), progress?.AddAsync(run.State, run.TownId, cancellationToken) ?? Task.CompletedTask);
    }
}
