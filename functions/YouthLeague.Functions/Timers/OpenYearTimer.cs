using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Years;

namespace YouthLeague.Functions.Timers;

public sealed class OpenYearTimer(YearService years)
{
    /// <summary>NCRONTAB in UTC: 16:05 UTC is 00:05 China time, so a published year opens in the first minutes of 1 January.</summary>
    public const string Schedule = "0 5 16 * * *";

    [Function("OpenPublishedYear")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        years.OpenCurrentYearIfDueAsync(client, cancellationToken);
}
