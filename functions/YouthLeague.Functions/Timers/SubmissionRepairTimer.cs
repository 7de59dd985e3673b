using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Workflow;

namespace YouthLeague.Functions.Timers;

public sealed class SubmissionRepairTimer(SubmissionRepair repair)
{
    /// <summary>Every minute: one query of the partition of submissions not yet on their checklist (at most SubmissionRepair.MaxPerPass looked at).</summary>
    public const string Schedule = "0 * * * * *";

    [Function("RepairSubmissions")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        repair.RunAsync(client, cancellationToken);
}
