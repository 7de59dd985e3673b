using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using YouthLeague.Checklist;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Workflow;

/// <summary>The real orchestrator on the in-memory Durable Task host, with activities that record what they were asked.</summary>
public sealed class InMemoryChecklist : IAsyncDisposable
{
    public ConcurrentQueue<ChecklistChange> Changes { get; } = new();

    public ConcurrentQueue<QuarterlyReview> Reviews { get; } = new();

    public ConcurrentQueue<YearClose> Closes { get; } = new();

    /// <summary>What the orchestrator asked for outside replay, per instance: "timer" or the name of an event it waits for.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> Calls { get; } = new();

    public DurableTaskTestHost Host { get; private set; } = null!;

    /// <summary>Runs inside the quarterly-review activity, before it returns: a test can act "during the hand-over".</summary>
    public Func<QuarterlyReview, Task>? DuringReview { get; set; }

    public DurableTaskClient Client => Host.Client;

    /// <param name="project">Also runs in the projection activity (for example the real <see cref="ChecklistProjection"/> on Azurite).</param>
    public static async Task<InMemoryChecklist> StartAsync(Func<ChecklistChange, Task>? project = null)
    {
        var c = new InMemoryChecklist();
        c.Host = await DurableTaskTestHost.StartAsync(r =>
        {
            r.AddOrchestratorFunc<ChecklistRun, AssessmentResult?>(WorkflowNames.ChecklistOrchestrator, (ctx, run) =>
                ChecklistOrchestration.RunAsync(new TimerCountingContext(ctx, call => c.Calls.GetOrAdd(ctx.InstanceId, _ => new()).Enqueue(call)), run));
            r.AddActivityFunc<ChecklistChange>(WorkflowNames.ProjectChecklist, async (_, change) =>
            {
                if (project is not null)
                {
                    await project(change);
                }

                c.Changes.Enqueue(change);
            });
            r.AddActivityFunc<QuarterlyReview>(WorkflowNames.RecordQuarterlyReview, async (_, review) =>
            {
                c.Reviews.Enqueue(review);
                if (c.DuringReview is { } hook)
                {
                    await hook(review);
                }
            });
            r.AddActivityFunc<YearClose, AssessmentResult>(WorkflowNames.CloseYear, (_, close) =>
            {
                c.Closes.Enqueue(close);
                return Assessment.Score(close.State, TestData.Definition, close.Calendar);
            });
        });
        return c;
    }

    /// <param name="version">An earlier version starts the instance as that version's code did (the input's shape has not changed since 4).</param>
    public async Task<string> StartYearAsync(string villageId, ChecklistCalendar calendar, DateOnly? closesOn = null, int version = ChecklistRun.CurrentVersion)
    {
        var run = ChecklistRun.Start(ChecklistState.New(calendar.Year, villageId, ChecklistDefinitionLoader.StepKeys), "town", calendar, closesOn) with { Version = version };
        return await Client.ScheduleNewOrchestrationInstanceAsync(
            WorkflowNames.ChecklistOrchestrator, run, new StartOrchestrationOptions(WorkflowNames.InstanceId(calendar.Year, villageId)));
    }

    public int CallCount(string instanceId, string call) => Calls.TryGetValue(instanceId, out var calls) ? calls.Count(c => c == call) : 0;

    public Task SendAsync(string instanceId, ChecklistCommand command) =>
        Client.RaiseEventAsync(instanceId, WorkflowNames.CommandEvent, command);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
