using Microsoft.DurableTask.Client;

namespace YouthLeague.Workflow;

public static class ChecklistInstances
{
    /// <summary>
    /// Null when the village-year's orchestration can take commands; otherwise the status and message to answer.
    /// Checked before anything is stored: an event raised at a missing instance is silently dropped.
    /// </summary>
    public static async Task<(int Status, string Title)?> RefusalAsync(DurableTaskClient client, int year, string villageId, CancellationToken cancellationToken) =>
        (await CheckAsync(client, year, villageId, cancellationToken)).Refusal;

    /// <summary>
    /// <see cref="RefusalAsync"/>, and whether the instance is still Pending (started, its first episode not yet run).
    /// An event raised at a Pending instance can be dropped by DurableTask.AzureStorage (Azure/durabletask#720, seen once
    /// in the bench), so a submission made then is looked at by the repair sooner (<see cref="SubmissionRepair.PendingFirstResendAfter"/>).
    /// </summary>
    public static async Task<InstanceCheck> CheckAsync(DurableTaskClient client, int year, string villageId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(WorkflowNames.InstanceId(year, villageId), getInputsAndOutputs: false, cancellationToken);
        return instance?.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Running => new InstanceCheck(null, Pending: false),
            OrchestrationRuntimeStatus.Pending => new InstanceCheck(null, Pending: true),
            OrchestrationRuntimeStatus.Completed => new InstanceCheck((409, "本年度清单已经结束，不能再提交或审核"), false),
            _ => new InstanceCheck((503, "该村的清单暂时不可用，请稍后再试"), false),
        };
    }
}

/// <summary>How a command finds its checklist's instance: a refusal to answer (or none), and whether it is still Pending.</summary>
public readonly record struct InstanceCheck((int Status, string Title)? Refusal, bool Pending);
