using Microsoft.Azure.Functions.Worker;
using YouthLeague.Ledger;

namespace YouthLeague.Functions.Timers;

public sealed class LedgerRetentionTimer(LedgerRetention retention)
{
    /// <summary>NCRONTAB in UTC: 18:30 UTC is 02:30 China time, every day (the local host runs it on the same schedule).</summary>
    public const string Schedule = "0 30 18 * * *";

    [Function("LedgerRetention")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => retention.RunAsync(cancellationToken);
}
