namespace YouthLeague.Workflow;

/// <summary>Names shared by the orchestrator, its activities and the [Function] entry points.</summary>
public static class WorkflowNames
{
    public const string ChecklistOrchestrator = nameof(ChecklistOrchestrator);
    public const string ProjectChecklist = nameof(ProjectChecklist);
    public const string RecordQuarterlyReview = nameof(RecordQuarterlyReview);
    public const string CloseYear = nameof(CloseYear);

    /// <summary>The one external event a checklist waits for: submissions and reviews alike, so their order is kept.</summary>
    public const string CommandEvent = "ChecklistCommand";

    /// <summary>The closing date changed (version 4 and later; <see cref="ClosingDateChange"/>).</summary>
    public const string ClosingDateEvent = "ClosingDateChange";

    public static string InstanceId(int year, string villageId) => $"checklist-{year}-{villageId}";
}
