using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using YouthLeague.Audit;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Workflow;

namespace YouthLeague.Years;

public sealed record StuckChecklist(string VillageId, string TownId, string Status, string Reason, DateTimeOffset? Since);

/// <summary>
/// Villages whose checklist orchestration failed or was terminated (they answer 503 to every submission), and
/// their restart from what storage holds: the projection's steps and every command id already recorded, so no
/// submission or review is lost or applied twice.
/// </summary>
public sealed class StuckChecklists(StorageClients storage, YearService years, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<StuckChecklist>> ListAsync(int year, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        var started = await years.StartedVillagesAsync(year, cancellationToken);
        var towns = new Dictionary<string, string>();
        await foreach (var e in storage.Table(TableNames.Years).QueryAsync<OpenedVillageEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {OpenedVillageEntity.PartitionOf(year)}"), cancellationToken: cancellationToken))
        {
            towns[e.RowKey] = e.TownId;
        }

        var stuck = new System.Collections.Concurrent.ConcurrentBag<StuckChecklist>();
        await Parallel.ForEachAsync(started, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (villageId, ct) =>
        {
            var instance = await client.GetInstanceAsync(WorkflowNames.InstanceId(year, villageId), getInputsAndOutputs: true, ct);
            if (instance?.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                var reason = instance.RuntimeStatus == OrchestrationRuntimeStatus.Failed
                    ? $"流程出错：{instance.FailureDetails?.ErrorType} {instance.FailureDetails?.ErrorMessage}".Trim()
                    : $"流程被终止{(instance.SerializedOutput is { Length: > 0 } o ? "：" + o.Trim('"') : "")}";
                stuck.Add(new StuckChecklist(villageId, towns.GetValueOrDefault(villageId, ""), instance.RuntimeStatus == OrchestrationRuntimeStatus.Failed ? "failed" : "terminated", reason.Length > 300 ? reason[..300] : reason, instance.LastUpdatedAt));
            }
        });
        return stuck.OrderBy(s => s.TownId, StringComparer.Ordinal).ThenBy(s => s.VillageId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The state of a village-year as its projection records it: steps, and every command id already seen.</summary>
    public async Task<(ChecklistState State, string TownId)?> StoredStateAsync(int year, string villageId, IReadOnlyList<string> stepKeys, CancellationToken cancellationToken = default)
    {
        var pk = Keys.Checklist(year, villageId);
        string? townId = null;
        var steps = stepKeys.ToDictionary(k => k, _ => new StepState());
        var seen = new List<string>();
        await foreach (var row in storage.Table(TableNames.Checklists).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk}"), cancellationToken: cancellationToken))
        {
            var rk = row.RowKey;
            if (rk == ChecklistEntity.Row)
            {
                townId = row.GetString(nameof(ChecklistEntity.TownId));
            }
            else if (rk.StartsWith(StepEntity.Prefix, StringComparison.Ordinal))
            {
                var key = row.GetString(nameof(StepEntity.Step));
                steps[key] = new StepState
                {
                    Status = StepStatusNames.Parse(row.GetString(nameof(StepEntity.Status)) ?? "notStarted"),
                    Submissions = JsonSerializer.Deserialize<List<string>>(row.GetString(nameof(StepEntity.SubmissionIds)) ?? "[]") ?? [],
                    ReturnedRounds = row.GetInt32(nameof(StepEntity.ReturnedRounds)) ?? 0,
                    FirstSubmittedAt = row.GetDateTimeOffset(nameof(StepEntity.FirstSubmittedAt)),
                    ApprovedAt = row.GetDateTimeOffset(nameof(StepEntity.ApprovedAt)),
                    Exemplary = row.GetBoolean(nameof(StepEntity.Exemplary)) ?? false,
                    LastReviewId = row.GetString(nameof(StepEntity.LastReviewId)),
                };
            }
            else if (rk.StartsWith(AuditEntity.Prefix, StringComparison.Ordinal))
            {
                seen.Add(rk[AuditEntity.Prefix.Length..]);
            }
            else if (rk.StartsWith(ReviewEntity.Prefix, StringComparison.Ordinal))
            {
                seen.Add(rk[ReviewEntity.Prefix.Length..]);
            }
        }

        if (townId is null)
        {
            return null;
        }

        // Accepted submissions are in the steps (a submission row alone may be one the checklist never took).
        seen.AddRange(steps.Values.SelectMany(s => s.Submissions));
        return (new ChecklistState { Year = year, VillageId = villageId, Steps = steps, SeenCommandIds = seen.Distinct().ToList() }, townId);
    }

    public async Task<(int Status, string? Title)> RestartAsync(string actor, int year, string villageId, DurableTaskClient client, IReadOnlyList<string> stepKeys, CancellationToken cancellationToken = default)
    {
        var instanceId = WorkflowNames.InstanceId(year, villageId);
        var instance = await client.GetInstanceAsync(instanceId, cancellationToken);
        if (instance?.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated))
        {
            return instance is null ? (404, "找不到该村这一年度的清单") : (409, "该村的清单没有停滞，无需重启");
        }

        var own = await years.VillageCalendarAsync(year, villageId, cancellationToken);
        var opened = own is { } o ? (o.Calendar, o.ClosesOn) : await years.OpenedCalendarAsync(year, cancellationToken);
        var stored = await StoredStateAsync(year, villageId, stepKeys, cancellationToken);
        if (opened is null || stored is null)
        {
            return (409, "找不到该村清单的存储状态，无法重启");
        }

        var (calendar, closesOn) = opened.Value;
        var quarter = ChecklistStarter.StartingQuarter(calendar, clock.GetUtcNow());
        var run = ChecklistRun.Start(stored.Value.State, stored.Value.TownId, calendar, closesOn) with { Quarter = quarter };
        await client.ScheduleNewOrchestrationInstanceAsync(
            WorkflowNames.ChecklistOrchestrator,
            run,
            new StartOrchestrationOptions(instanceId).WithDedupeStatuses(OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Completed),
            cancellationToken);
        await audit.RecordAsync(actor, AuditLog.Actions.ChecklistRestarted, instanceId, $"从存储状态重启（第 {quarter} 阶段，已记录指令 {stored.Value.State.SeenCommandIds.Count} 条）", cancellationToken);
        return (202, null);
    }
}
