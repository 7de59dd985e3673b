using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using YouthLeague.Audit;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Workflow;

namespace YouthLeague.Years;

public static class ClosingDateNames
{
    public const string ClosingDateOrchestrator = nameof(ClosingDateOrchestrator);
    public const string ListOpenedVillages = nameof(ListOpenedVillages);
    public const string ApplyClosingDate = nameof(ApplyClosingDate);
}

/// <summary>A change of a year's closing date, as its orchestration carries it (ids and dates only).</summary>
public sealed record ClosingDateRun(int Year, DateOnly ClosesOn, long Revision);

public sealed record ClosingDateBatch(int Year, DateOnly ClosesOn, long Revision, IReadOnlyList<string> Villages);

/// <param name="Applied">Checklists told the new date (version 4 and later).</param>
/// <param name="OlderVersion">Checklists started by code before version 4: they keep the date they were opened with.</param>
/// <param name="Skipped">Villages without a checklist header, or a newer change already under way.</param>
public sealed record ClosingDateResult(int Applied, int OlderVersion, int Skipped);

/// <summary>What the year page shows of the last change: the date, and its tally once every checklist has been told.</summary>
public sealed record ClosingDateStatus(long Revision, bool Running, ClosingDateResult? Result);

/// <summary>
/// The city changes a year's closing date after the opening (until the year is closed): the year's row first, then an
/// orchestration tells every village's checklist (event <see cref="WorkflowNames.ClosingDateEvent"/>, version 4
/// instances only; older ones keep their date) and updates each checklist's header, in batches, resumable after a crash.
/// </summary>
public sealed class ClosingDates(YearService years, StorageClients storage, AuditLog audit, TimeProvider clock)
{
    public const int BatchSize = 25;

    public static string InstanceId(int year, long revision) => $"closes-on-{year}-{revision}";

    public async Task<(YearOutcome Outcome, ClosingDateRun? Run)> ChangeAsync(string actor, int year, DateOnly closesOn, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        var row = await years.FindAsync(year, cancellationToken);
        var opened = await years.OpenedCalendarAsync(year, cancellationToken);
        if (row is null || opened is null)
        {
            return (new YearOutcome(409, $"{year} 年度尚未开启：收尾截止日期在开启年度时设置"), null);
        }

        var (calendar, current) = opened.Value;
        var now = clock.GetUtcNow();
        if (now >= calendar.ClosingEnd(current))
        {
            return (new YearOutcome(409, $"{year} 年度已结束，收尾截止日期不能再修改"), null);
        }

        if (YearService.CheckClosesOn(year, closesOn) is { } outOfRange)
        {
            return (outOfRange, null);
        }

        var today = calendar.DateOf(now);
        if (closesOn < today)
        {
            return (new YearOutcome(422, $"收尾截止日期不能早于今天（{today:yyyy-MM-dd}）", [$"closesOn: {closesOn:yyyy-MM-dd}"]), null);
        }

        if (closesOn == current)
        {
            // Told already, unless the last change stopped (a crash) between writing the row and starting its orchestration.
            if (row.ClosesOnRevision > 0 && await client.GetInstanceAsync(InstanceId(year, row.ClosesOnRevision), cancellationToken) is null)
            {
                var again = new ClosingDateRun(year, closesOn, row.ClosesOnRevision);
                await TellAsync(client, again, cancellationToken);
                return (new YearOutcome(202), again);
            }

            return (new YearOutcome(200), null);
        }

        row.ClosesOn = closesOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        row.ClosesOnRevision++;
        if (!await years.TryWriteAsync(row, cancellationToken))
        {
            return (new YearOutcome(409, "年度设置刚被他人修改，请刷新后重试"), null);
        }

        var run = new ClosingDateRun(year, closesOn, row.ClosesOnRevision);
        await TellAsync(client, run, cancellationToken);
        await audit.RecordAsync(actor, AuditLog.Actions.ClosingDateChanged, $"{year}", $"收尾截止 {current:yyyy-MM-dd} → {closesOn:yyyy-MM-dd}", cancellationToken);
        return (new YearOutcome(202), run);
    }

    private static Task TellAsync(DurableTaskClient client, ClosingDateRun run, CancellationToken cancellationToken) =>
        client.ScheduleNewOrchestrationInstanceAsync(
            ClosingDateNames.ClosingDateOrchestrator,
            run,
            new StartOrchestrationOptions(InstanceId(run.Year, run.Revision)).WithDedupeStatuses(OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Completed),
            cancellationToken);

    /// <summary>The last change of a year's closing date and, once its orchestration is done, its tally; null if never changed.</summary>
    public async Task<ClosingDateStatus?> LastChangeAsync(int year, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        var row = await years.FindAsync(year, cancellationToken);
        if (row is not { ClosesOnRevision: > 0 })
        {
            return null;
        }

        var instance = await client.GetInstanceAsync(InstanceId(year, row.ClosesOnRevision), getInputsAndOutputs: true, cancellationToken);
        var done = instance?.RuntimeStatus == OrchestrationRuntimeStatus.Completed;
        return new ClosingDateStatus(row.ClosesOnRevision, instance is not null && !done, done ? instance!.ReadOutputAs<ClosingDateResult>() : null);
    }

    /// <summary>Tells a batch of villages' checklists the new date and writes it to their headers (safe to run twice).</summary>
    public async Task<ClosingDateResult> ApplyAsync(ClosingDateBatch batch, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        // A newer change is under way: it tells every checklist its own date.
        if ((await years.FindAsync(batch.Year, cancellationToken))?.ClosesOnRevision > batch.Revision)
        {
            return new ClosingDateResult(0, 0, batch.Villages.Count);
        }

        int applied = 0, older = 0, skipped = 0;
        var table = storage.Table(TableNames.Checklists);
        var change = new ClosingDateChange(batch.ClosesOn, batch.Revision);
        await Parallel.ForEachAsync(batch.Villages, new ParallelOptions { MaxDegreeOfParallelism = YearOpener.Parallelism, CancellationToken = cancellationToken }, async (villageId, ct) =>
        {
            var header = await table.GetEntityIfExistsAsync<ChecklistEntity>(Keys.Checklist(batch.Year, villageId), ChecklistEntity.Row, cancellationToken: ct);
            if (!header.HasValue)
            {
                Interlocked.Increment(ref skipped);
                return;
            }

            if ((header.Value!.Version ?? 1) < ChecklistRun.ClosingDateChangeVersion)
            {
                Interlocked.Increment(ref older);
                return;
            }

            // The event first (the instance ignores a revision it has seen), then the header pages and a restart read.
            await client.RaiseEventAsync(WorkflowNames.InstanceId(batch.Year, villageId), WorkflowNames.ClosingDateEvent, change, ct);
            var entity = new TableEntity(header.Value.PartitionKey, header.Value.RowKey) { [nameof(ChecklistEntity.ClosesOn)] = batch.ClosesOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
            await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, ct); // merged: the projection's writes keep theirs

            Interlocked.Increment(ref applied);
        });
        return new ClosingDateResult(applied, older, skipped);
    }
}

/// <summary>Tells every opened village of the year its new closing date, in batches side by side.</summary>
public static class ClosingDateOrchestration
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(8, TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(30)));

    public static async Task<ClosingDateResult> RunAsync(TaskOrchestrationContext context, ClosingDateRun run)
    {
        var villages = await context.CallActivityAsync<List<string>>(ClosingDateNames.ListOpenedVillages, run.Year, Retry);
        var results = await Task.WhenAll(villages.Chunk(ClosingDates.BatchSize).Select(b =>
            context.CallActivityAsync<ClosingDateResult>(ClosingDateNames.ApplyClosingDate, new ClosingDateBatch(run.Year, run.ClosesOn, run.Revision, b), Retry)));
        return new ClosingDateResult(results.Sum(r => r.Applied), results.Sum(r => r.OlderVersion), results.Sum(r => r.Skipped));
    }
}
