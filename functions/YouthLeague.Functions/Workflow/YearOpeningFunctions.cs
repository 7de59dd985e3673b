using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using YouthLeague.Years;

namespace YouthLeague.Functions.Workflow;

/// <summary>Opening a year for every village: the orchestration and its activities; the logic lives in shared/Years.</summary>
public sealed class YearOpeningFunctions(YearOpener opener)
{
    [Function(YearNames.OpenYearOrchestrator)]
    public static Task<BatchResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        OpenYearOrchestration.RunAsync(context, context.GetInput<YearOpening>()!);

    [Function(YearNames.ListVillagesToOpen)]
    public Task<List<VillageRef>> ListVillages([ActivityTrigger] int year) => opener.VillagesToOpenAsync(year);

    [Function(YearNames.StartChecklists)]
    public Task<BatchResult> StartChecklists([ActivityTrigger] ChecklistBatch batch, [DurableClient] DurableTaskClient client) =>
        opener.StartAsync(batch, client);
}
