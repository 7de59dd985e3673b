using System.Globalization;
using YouthLeague.Checklist;

namespace YouthLeague.Notifications;

/// <summary>
/// What a quarter's review reminds a first secretary of, as of the day the review actually runs (a year opened late
/// catches its earlier quarters up on one day: their reminders are about that day, not about the past quarter's
/// end): steps already late ("已逾期 N 天"), and steps due before the current quarter ends. The keys are the same as
/// the daily run's (<see cref="Period"/>, <see cref="Reason"/>), so whichever queues a reminder first, the other adds
/// nothing: one notice per person, step and reason.
/// </summary>
public static class QuarterlyReminders
{
    /// <summary>
    /// The period a late-step reminder belongs to: the quarter it is sent in ("2026Q3"), or "2026Q5" in the closing
    /// window after the year. Late steps are reminded once a quarter.
    /// </summary>
    public static string Period(int year, DateOnly today) =>
        $"{year.ToString(CultureInfo.InvariantCulture)}Q{(today.Year > year ? 5 : ChinaTime.QuarterOf(today))}";

    /// <summary>The reason of a reminder: "overdue-forum", "due-forum" (due this quarter), "due14-forum", "due3-forum".</summary>
    public static string Reason(string kind, string step) => $"{kind}-{step}";

    public static Reminder Overdue(int year, string villageId, string secretary, StepDefinition step, DateOnly today) =>
        new(secretary, villageId, step.Key, Reason("overdue", step.Key), Period(year, today),
            $"“{step.Title}”已逾期 {today.DayNumber - step.Due.DayNumber} 天（截止 {step.Due:yyyy-MM-dd}），请尽快提交。",
            NoticeLinks.StepForm(year, villageId, step.Key));

    /// <param name="today">The day (in the checklist's calendar) the review runs; never before the day after the quarter's end.</param>
    public static IEnumerable<Reminder> For(ChecklistDefinition definition, ChecklistState state, DateOnly today, string secretary)
    {
        var year = state.Year;
        var quarterEnd = today.Year > year ? today : ChinaTime.QuarterLastDay(year, ChinaTime.QuarterOf(today));
        foreach (var step in definition.Steps)
        {
            var status = state.Steps.TryGetValue(step.Key, out var s) ? s.Status : StepStatus.NotStarted;
            if (ChecklistRules.IsOverdue(status, step.Due, today))
            {
                yield return Overdue(year, state.VillageId, secretary, step, today);
            }
            else if (status is StepStatus.NotStarted or StepStatus.Returned && step.Due >= today && step.Due <= quarterEnd)
            {
                var days = step.Due.DayNumber - today.DayNumber;
                yield return new Reminder(secretary, state.VillageId, step.Key, Reason("due", step.Key), year.ToString(CultureInfo.InvariantCulture),
                    days == 0 ? $"“{step.Title}”今天（{step.Due:yyyy-MM-dd}）截止，请尽快提交。" : $"“{step.Title}”将于 {step.Due:yyyy-MM-dd} 截止（还有 {days} 天），请提前准备。",
                    NoticeLinks.StepForm(year, state.VillageId, step.Key));
            }
        }
    }
}
