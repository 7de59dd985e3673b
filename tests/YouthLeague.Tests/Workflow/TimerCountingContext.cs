using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;

namespace YouthLeague.Tests.Workflow;

/// <summary>
/// The worker's orchestration context, passed through, telling what the orchestrator asks for outside replay: each
/// timer it creates ("timer": a new timer in the history and a scheduled message in the task hub) and each wait for an
/// event (the event's name).
/// </summary>
public sealed class TimerCountingContext(TaskOrchestrationContext inner, Action<string> called) : TaskOrchestrationContext
{
    public override TaskName Name => inner.Name;

    public override string InstanceId => inner.InstanceId;

    public override ParentOrchestrationInstance? Parent => inner.Parent;

    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    public override bool IsReplaying => inner.IsReplaying;

    public override string Version => inner.Version;

    public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;

    public override TaskOrchestrationEntityFeature Entities => inner.Entities;

    protected override ILoggerFactory LoggerFactory => NullLoggerFactoryHolder.Instance;

    public override T? GetInput<T>() where T : default => inner.GetInput<T>();

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null) =>
        inner.CallActivityAsync<TResult>(name, input, options);

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        if (!inner.IsReplaying)
        {
            called("timer");
        }

        return inner.CreateTimer(fireAt, cancellationToken);
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        if (!inner.IsReplaying)
        {
            called(eventName);
        }

        return inner.WaitForExternalEvent<T>(eventName, cancellationToken);
    }

    public override void SendEvent(string instanceId, string eventName, object payload) => inner.SendEvent(instanceId, eventName, payload);

    public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => inner.ContinueAsNew(newInput, preserveUnprocessedEvents);

    public override Guid NewGuid() => inner.NewGuid();

    private static class NullLoggerFactoryHolder
    {
        public static readonly ILoggerFactory Instance = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
    }
}
