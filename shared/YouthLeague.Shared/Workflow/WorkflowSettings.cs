namespace YouthLeague.Workflow;

public static class WorkflowSettings
{
    /// <summary>
    /// Long timers are split into sub-timers of at most this length. Running instances have their
    /// sub-timers in history, so this value must never change: it is fixed here, once.
    /// </summary>
    public static readonly TimeSpan MaximumTimerInterval = TimeSpan.FromDays(3);
}
