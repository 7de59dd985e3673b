using YouthLeague.Checklist;

namespace YouthLeague.Web.Components;

/// <summary>The stylesheet's class for a step status (card border, chip and table cell colours).</summary>
public static class StatusStyle
{
    public static string Of(StepStatus status) => status switch
    {
        StepStatus.NotStarted => "notStarted",
        StepStatus.Submitted => "submitted",
        StepStatus.Returned => "returned",
        StepStatus.Approved => "approved",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
