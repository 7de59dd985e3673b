using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using YouthLeague.Checklist;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Workflow;

public sealed class ChecklistVersioningTests
{
    /// <summary>The input as the first deployment wrote it: no Version, Generation or Carried fields.</summary>
    private static JsonObject VersionZeroInput(string villageId, DateTimeOffset origin) => new()
    {
        ["State"] = new JsonObject
        {
            ["Year"] = 2026,
            ["VillageId"] = villageId,
            ["Steps"] = new JsonObject(ChecklistDefinitionLoader.StepKeys.Select(k => KeyValuePair.Create(k, (JsonNode?)new JsonObject { ["Status"] = "notStarted" }))),
            ["SeenCommandIds"] = new JsonArray(),
        },
        ["TownId"] = "town",
        ["Calendar"] = new JsonObject { ["Year"] = 2026, ["Origin"] = origin.ToString("o"), ["QuarterLength"] = "00:00:02" },
        ["Quarter"] = 1,
    };

    [Fact]
    public async Task RunAsync_InstanceStartedWithOldInput_FinishesUnderCurrentCode()
    {
        await using var host = await InMemoryChecklist.StartAsync();
        var id = WorkflowNames.InstanceId(2026, "old");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            WorkflowNames.ChecklistOrchestrator, VersionZeroInput("old", DateTimeOffset.UtcNow.AddSeconds(1)), new StartOrchestrationOptions(id));
        await host.SendAsync(id, new ChecklistCommand("s1", CommandKind.Submit, "plan", "sec.old", DateTimeOffset.UtcNow));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(StepStatus.Submitted, done.ReadOutputAs<AssessmentResult>()!.Steps.Single(s => s.Step == "plan").Status);
        Assert.Equal(4, host.Reviews.Count);
    }
}
