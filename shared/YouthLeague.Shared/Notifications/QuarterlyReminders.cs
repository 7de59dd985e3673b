using YouthLeague.Checklist;

namespace YouthLeague.Notifications;

/// <summary>What a quarter's end reminds a first secretary of: steps already late, and steps due next quarter.</summary>
public static class QuarterlyReminders
{
    public static IEnumerable<Reminder> For(ChecklistDefinition definition, ChecklistState state, int quarter, DateOnly asOf, string secretary)
    {
        var period = $"{state.Year}Q{quarter}";
        var nextQuarterEnd = quarter < 4 ? ChinaTime.QuarterLastDay(state.Year, quarter + 1) : asOf;
        foreach (var step in definition.Steps)
        {
            var status = state.Steps.TryGetValue(step.Key, out var s) ? s.Status : StepStatus.NotStarted;
            var link = $"/checklists/{state.Year}/{state.VillageId}/steps/{step.Key}";
            if (ChecklistRules.IsOverdue(status, step.Due, asOf))
            {
                yield return new Reminder(secretary, state.VillageId, step.Key, $"overdue-{step.Key}", period,
                    $"“{step.Title}”已过截止日期（{step.Due:yyyy-MM-dd}），请尽快提交。", link);
            }
            else if (status is StepStatus.NotStarted or StepStatus.Returned && step.Due >= asOf && step.Due <= nextQuarterEnd)
            {
                yield return new Reminder(secretary, state.VillageId, step.Key, $"due-{step.Key}", period,
                    $"“{step.Title}”将于 {step.Due:yyyy-MM-dd} 截止，请提前准备。", link);
            }
        }
    }
}
