using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using YouthLeague.Checklist;
using YouthLeague.Workflow;

namespace YouthLeague.Functions.Workflow;

/// <summary>The checklist orchestration and its activities; the logic lives in shared/Workflow.</summary>
public sealed class ChecklistFunctions(ChecklistProjection projection)
{
    [Function(WorkflowNames.ChecklistOrchestrator)]
    public static Task<AssessmentResult?> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ChecklistOrchestration.RunAsync(context, context.GetInput<ChecklistRun>()!);

    [Function(WorkflowNames.ProjectChecklist)]
    public Task ProjectChecklist([ActivityTrigger] ChecklistChange change) => projection.ApplyAsync(change);

    [Function(WorkflowNames.RecordQuarterlyReview)]
    public Task RecordQuarterlyReview([ActivityTrigger] QuarterlyReview review) => projection.RecordQuarterAsync(review);

    [Function(WorkflowNames.CloseYear)]
    public Task<AssessmentResult> CloseYear([ActivityTrigger] YearClose close) => projection.CloseAsync(close);
}
