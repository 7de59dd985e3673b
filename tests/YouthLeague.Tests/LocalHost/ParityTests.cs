using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YouthLeague.LocalHost;

namespace YouthLeague.Tests.LocalHost;

public sealed class ParityTests
{
    private static readonly string[] NoArgs = ["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--LocalHost:Port=1", "--LocalHost:SidecarPort=2"];

    private static IReadOnlyList<FunctionMetadata> Metadata() =>
        FunctionCatalog.Read(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));

    [Fact]
    public void FunctionsMetadata_WrittenByBuild_ListsEveryKindOfFunction()
    {
        var types = Metadata().Select(f => f.Trigger.Type).ToHashSet();
        Assert.Contains(FunctionCatalog.HttpTrigger, types);
        Assert.Contains(FunctionCatalog.OrchestrationTrigger, types);
        Assert.Contains(FunctionCatalog.ActivityTrigger, types);
    }

    [Fact]
    public async Task LocalHost_Built_ServesExactlyTheHttpRoutesAndMethodsOfFunctionsMetadata()
    {
        await using var app = LocalHostApp.Build(NoArgs);
        var prefix = LocalHostApp.Read(app.Configuration).RoutePrefix;
        var expected = Metadata()
            .Where(f => f.Trigger.Type == FunctionCatalog.HttpTrigger)
            .Select(f => $"{string.Join(",", HttpFunctionEndpoints.Methods(f.Trigger).Order())} {HttpFunctionEndpoints.Pattern(prefix, f.Trigger.Route!)}")
            .Order()
            .ToList();

        var served = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null && e.Metadata.GetMetadata<IHostMetadata>() is null) // host-bound: the gRPC sidecar
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Order())} {e.RoutePattern.RawText}")
            .Order()
            .ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, served);
    }

    [Fact]
    public async Task LocalHost_Built_RegistersExactlyTheOrchestratorsActivitiesAndTimersOfFunctionsMetadata()
    {
        await using var app = LocalHostApp.Build(NoArgs);
        var registry = app.Services.GetRequiredService<IOptionsMonitor<DurableTaskRegistry>>().Get(Options.DefaultName);
        var orchestrators = RegisteredNames(registry, "Orchestrators");
        var activities = RegisteredNames(registry, "Activities");
        var timers = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<TimerFunctionService>().Single().Names;

        Assert.Equal(Names(FunctionCatalog.OrchestrationTrigger), orchestrators);
        Assert.Equal(Names(FunctionCatalog.ActivityTrigger), activities);
        Assert.Equal(Names(FunctionCatalog.TimerTrigger), timers.Order().ToList());
    }

    private static List<string> Names(string trigger) => Metadata().Where(f => f.Trigger.Type == trigger).Select(f => f.Name).Order().ToList();

    /// <summary>The registry keeps what was added in internal dictionaries keyed by TaskName.</summary>
    private static List<string> RegisteredNames(DurableTaskRegistry registry, string property)
    {
        var value = typeof(DurableTaskRegistry).GetProperty(property, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.GetValue(registry)!;
        return ((System.Collections.IEnumerable)value).Cast<object>()
            .Select(kv => kv.GetType().GetProperty("Key")!.GetValue(kv)!.ToString()!)
            .Order()
            .ToList();
    }

    /// <summary>The local host runs the durable backend with host.json's settings, as the Durable Functions extension does on Azure.</summary>
    [Fact]
    public async Task LocalHost_Built_TakesTheDurableSettingsOfHostJson()
    {
        var hostJson = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))!["extensions"]!["durableTask"]!;
        await using var app = LocalHostApp.Build(NoArgs);

        var backend = app.Services.GetRequiredService<DurableTask.AzureStorage.AzureStorageOrchestrationServiceSettings>();
        var worker = app.Services.GetRequiredService<IOptionsMonitor<DurableTaskWorkerOptions>>().Get(Options.DefaultName);

        Assert.Equal(TimeSpan.Parse(hostJson["storageProvider"]!["maxQueuePollingInterval"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), backend.MaxQueuePollingInterval);
        Assert.Equal(hostJson["storageProvider"]!["controlQueueBufferThreshold"]!.GetValue<int>(), backend.ControlQueueBufferThreshold);
        Assert.Equal(hostJson["maxConcurrentActivityFunctions"]!.GetValue<int>(), backend.MaxConcurrentTaskActivityWorkItems);
        Assert.Equal(hostJson["maxConcurrentActivityFunctions"]!.GetValue<int>(), worker.Concurrency.MaximumConcurrentActivityWorkItems);
        Assert.Equal(hostJson["maxConcurrentOrchestratorFunctions"]!.GetValue<int>(), backend.MaxConcurrentTaskOrchestrationWorkItems);
        Assert.True(backend.MaxQueuePollingInterval <= TimeSpan.FromSeconds(5), "a submission would wait out a long idle back-off on Azure");
    }
}
