using Microsoft.DurableTask.Client;

namespace YouthLeague.Workflow;

public static class ChecklistInstances
{
    /// <summary>
    /// Null when the village-year's orchestration can take commands; otherwise the status and message to answer.
    /// Checked before anything is stored: an event raised at a missing instance is silently dropped.
    /// </summary>
    public static async Task<(int Status, string Title)?> RefusalAsync(DurableTaskClient client, int year, string villageId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(WorkflowNames.InstanceId(year, villageId), getInputsAndOutputs: false, cancellationToken);
        return instance?.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending => null,
            OrchestrationRuntimeStatus.Completed => (409, "本年度清单已经结束，不能再提交或审核"),
            _ => (503, "该村的清单暂时不可用，请稍后再试"),
        };
    }
}
