using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Towns;

namespace YouthLeague.Notifications;

public sealed record ReminderRunResult(DateOnly Day, int Considered, int Queued);

/// <summary>
/// The daily reminder run (09:00 China time). From the projections only, it queues: to each secretary, a
/// reminder 14 and 3 days before a step's due date while the step is not handed in, and on the first day of a
/// quarter one for each step already late (the same key as the quarterly review's); to each town reviewer, a digest of
/// late villages and one of items waiting for review on that day. The
/// outbox keeps one per (recipient, reason, period), so a repeated or interrupted run adds nothing twice.
/// </summary>
public sealed class ReminderRun(Progress.TownProgressStore progress, DirectoryService directory, ChecklistDefinitions definitions, Outbox outbox, MeetingReminders meetings, TimeProvider clock, ILogger<ReminderRun> log)
{
    public static readonly int[] DaysBefore = [14, 3];

    public async Task<ReminderRunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var today = ChinaTime.Today(clock.GetUtcNow());
        var towns = await directory.TownsAsync(cancellationToken);
        var meetingQueued = await QueueMeetingRemindersAsync(today, towns, cancellationToken);
        var definition = definitions.Find(today.Year);
        if (definition is null)
        {
            return new ReminderRunResult(today, 0, meetingQueued);
        }

        var quarterStart = today.Day == 1 && (today.Month - 1) % 3 == 0;
        var villages = (await directory.VillagesAsync(cancellationToken: cancellationToken)).ToDictionary(v => v.Id);
        var reviewers = towns.ToDictionary(t => t.Id, t => "town." + t.Id);
        int considered = 0, queued = meetingQueued;
        foreach (var town in towns)
        {
            var reminders = new List<Reminder>();
            var late = new List<string>();
            var waiting = 0;
            foreach (var row in await progress.TownAsync(today.Year, town.Id, cancellationToken))
            {
                considered++;
                if (!villages.TryGetValue(row.RowKey, out var village))
                {
                    continue;
                }

                waiting += row.Submitted;

                foreach (var step in definition.Steps)
                {
                    var status = row.StatusOf(step.Key);
                    if (status is StepStatus.NotStarted or StepStatus.Returned && DaysBefore.Contains(step.Due.DayNumber - today.DayNumber))
                    {
                        var days = step.Due.DayNumber - today.DayNumber;
                        reminders.Add(new Reminder(village.Secretary.Username, village.Id, step.Key, QuarterlyReminders.Reason($"due{days}", step.Key), today.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            $"“{step.Title}”还有 {days} 天截止（{step.Due:yyyy-MM-dd}），请尽快提交。", NoticeLinks.StepForm(today.Year, village.Id, step.Key)));
                    }

                    if (ChecklistRules.IsOverdue(status, step.Due, today))
                    {
                        late.Add(village.Id);
                        if (quarterStart)
                        {
                            // The same key as the quarterly review's reminder for this quarter: whichever runs first queues it.
                            reminders.Add(QuarterlyReminders.Overdue(today.Year, village.Id, village.Secretary.Username, step, today));
                        }
                    }
                }
            }

            if (late.Count > 0)
            {
                var distinct = late.Distinct().Select(id => villages[id].Name).ToList();
                reminders.Add(new Reminder(reviewers[town.Id], "", "", "digest", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    $"{town.Name}有 {distinct.Count} 个村存在逾期事项：{string.Join("、", distinct.Take(20))}{(distinct.Count > 20 ? " 等" : "")}。", NoticeLinks.TownOverdue(today.Year, town.Id)));
            }

            if (waiting > 0)
            {
                reminders.Add(new Reminder(reviewers[town.Id], "", "", "review", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    $"{town.Name}有 {waiting} 项材料等待审核。", NoticeLinks.ReviewQueue(today.Year, town.Id)));
            }

            queued += await outbox.QueueAsync(reminders, cancellationToken);
        }

        log.LogInformation("Reminder run for {Day}: {Considered} villages considered, {Queued} reminders queued", today, considered, queued);
        return new ReminderRunResult(today, considered, queued);
    }

    /// <summary>The exchange meeting reminders (<see cref="MeetingReminders"/>): the recorded meetings of this year (and last year's in the first quarter).</summary>
    private async Task<int> QueueMeetingRemindersAsync(DateOnly today, IReadOnlyList<Town> towns, CancellationToken cancellationToken)
    {
        var held = new Dictionary<int, IReadOnlyDictionary<(string Town, int Quarter), string>> { [today.Year] = await meetings.HeldAsync(today.Year, cancellationToken) };
        if (ChinaTime.QuarterOf(today) == 1)
        {
            held[today.Year - 1] = await meetings.HeldAsync(today.Year - 1, cancellationToken);
        }

        var recipients = await meetings.RecipientsAsync(cancellationToken);
        return await outbox.QueueAsync([.. MeetingReminders.For(today, towns, y => held[y], recipients)], cancellationToken);
    }
}
