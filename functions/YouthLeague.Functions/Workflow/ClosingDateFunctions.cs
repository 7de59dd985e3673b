using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using YouthLeague.Years;

namespace YouthLeague.Functions.Workflow;

/// <summary>A changed closing date told to every village's checklist: the orchestration and its activities; the logic lives in shared/Years.</summary>
public sealed class ClosingDateFunctions(YearService years, ClosingDates closingDates)
{
    [Function(ClosingDateNames.ClosingDateOrchestrator)]
    public static Task<ClosingDateResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ClosingDateOrchestration.RunAsync(context, context.GetInput<ClosingDateRun>()!);

    [Function(ClosingDateNames.ListOpenedVillages)]
    public async Task<List<string>> ListVillages([ActivityTrigger] int year) =>
        (await years.StartedVillagesAsync(year)).Order(StringComparer.Ordinal).ToList();

    [Function(ClosingDateNames.ApplyClosingDate)]
    public Task<ClosingDateResult> Apply([ActivityTrigger] ClosingDateBatch batch, [DurableClient] DurableTaskClient client) =>
        closingDates.ApplyAsync(batch, client);
}
