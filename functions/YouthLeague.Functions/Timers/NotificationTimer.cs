using Microsoft.Azure.Functions.Worker;
using YouthLeague.Notifications;

namespace YouthLeague.Functions.Timers;

public sealed class NotificationTimer(NotificationDispatcher dispatcher)
{
    /// <summary>Every five minutes; the dispatcher itself holds messages during quiet hours (21:00–08:00 China time).</summary>
    public const string Schedule = "0 */5 * * * *";

    [Function("DeliverNotifications")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => dispatcher.DeliverAsync(cancellationToken);
}
