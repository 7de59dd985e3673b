using Microsoft.Azure.Functions.Worker;
using YouthLeague.Notifications;

namespace YouthLeague.Functions.Timers;

public sealed class ReminderTimer(ReminderRun reminders)
{
    /// <summary>NCRONTAB in UTC (Azure runs cron in UTC): 01:00 UTC is 09:00 China time, every day.</summary>
    public const string Schedule = "0 0 1 * * *";

    [Function("QueueReminders")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => reminders.RunAsync(cancellationToken);
}
