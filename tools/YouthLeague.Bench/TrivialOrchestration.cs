using Microsoft.DurableTask;

namespace YouthLeague.Bench;

/// <summary>The baseline of the orchestration-overhead scenario: wait for one event, call one activity, finish.</summary>
public static class TrivialOrchestration
{
    public const string Name = "BenchTrivial";
    public const string Activity = "BenchEcho";
    public const string Event = "Go";
    public const string Timer = "BenchTimer";

    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<string, string>(Name, async (context, input) =>
        {
            var go = await context.WaitForExternalEvent<string>(Event);
            return await context.CallActivityAsync<string>(Activity, go);
        });
        registry.AddActivityFunc<string, string>(Activity, (_, value) => value);

        // The quarter-end baseline: one durable timer to the given instant, then one activity.
        registry.AddOrchestratorFunc<DateTime, string>(Timer, async (context, fireAt) =>
        {
            await context.CreateTimer(fireAt, CancellationToken.None);
            return await context.CallActivityAsync<string>(Activity, "fired");
        });
    }
}
