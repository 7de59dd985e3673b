using System.Text.Json.Nodes;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using OpenTelemetry.Trace;
using YouthLeague.Storage;
using YouthLeague.Workflow;

namespace YouthLeague.LocalHost;

/// <summary>
/// Runs the Functions app without Azure Functions Core Tools: HTTP triggers on Kestrel, orchestrators and
/// activities on a Microsoft.DurableTask worker connected over gRPC to TaskHubGrpcServer, which drives
/// DurableTask.AzureStorage (the provider Durable Functions uses) on the configured storage (Azurite).
/// </summary>
public static class LocalHostApp
{
    public sealed record Settings(string FunctionsFolder, string RoutePrefix, string TaskHub, int Port, int SidecarPort, bool ListenOnAnyAddress);

    public static Settings Read(IConfiguration config)
    {
        var folder = config["LocalHost:FunctionsFolder"] is { Length: > 0 } f ? f : AppContext.BaseDirectory;
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "host.json")));
        var prefix = host?["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api";
        var hub = config["LocalHost:TaskHub"] is { Length: > 0 } h ? h : host?["extensions"]?["durableTask"]?["hubName"]?.GetValue<string>() ?? "TestHubName";
        return new Settings(
            folder,
            prefix,
            hub,
            config.GetValue("LocalHost:Port", 7071),
            config.GetValue("LocalHost:SidecarPort", 7072),
            config.GetValue("LocalHost:ListenOnAnyAddress", false));
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection([new("AzureWebJobsStorage", builder.Configuration["AzureWebJobsStorage"] ?? "UseDevelopmentStorage=true")]);
        configure?.Invoke(builder);
        var config = builder.Configuration;
        var settings = Read(config);
        var functions = FunctionCatalog.Load(settings.FunctionsFolder);
        var timers = functions.Where(f => f.TriggerType == FunctionCatalog.TimerTrigger).ToList();
        foreach (var timer in timers)
        {
            TimerFunctionService.Schedule(timer, config);
        }

        builder.Logging.AddFilter("DurableTask", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.DurableTask", config.GetValue("LocalHost:DurableLogLevel", LogLevel.Warning));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(k =>
        {
            if (settings.ListenOnAnyAddress)
            {
                k.ListenAnyIP(settings.Port);
            }
            else
            {
                k.ListenLocalhost(settings.Port);
            }

            // The gRPC sidecar speaks HTTP/2 without TLS, on loopback only.
            k.Listen(System.Net.IPAddress.Loopback, settings.SidecarPort, o => o.Protocols = HttpProtocols.Http2);
        });

        builder.Services.AddYouthLeague(config);
        builder.Services.AddYouthLeagueTelemetry(config, t => t.AddAspNetCoreInstrumentation());
        builder.Services.AddMvcCore();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(sp => new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = settings.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(config["AzureWebJobsStorage"]!),
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            // Local work should not wait out the default 30 s idle back-off.
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            // After a crash, messages the dead process had taken come back after this long (default 5 min).
            // Our work items take well under a second, so half a minute is safe and recovery is quick.
            ControlQueueVisibilityTimeout = config.GetValue("LocalHost:VisibilityTimeout", TimeSpan.FromSeconds(30)),
            WorkItemQueueVisibilityTimeout = config.GetValue("LocalHost:VisibilityTimeout", TimeSpan.FromSeconds(30)),
        }));
        builder.Services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        builder.Services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = TaskHubGrpcServerMode.ApiServerAndDispatcher);
        builder.Services.AddSingleton<TaskHubGrpcServer>();

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{settings.SidecarPort}");
        builder.Services.AddSingleton(channel);
        builder.Services.AddDurableTaskWorker(b =>
        {
            b.AddTasks(r => DurableFunctionRegistry.Register(r, functions));
            b.UseGrpc(channel);
            b.Configure(o =>
            {
                o.Logging.UseLegacyCategories = false;
                o.MaximumTimerInterval = WorkflowSettings.MaximumTimerInterval;
            });
        });
        builder.Services.AddDurableTaskClient(b => b.UseGrpc(channel));
        builder.Services.AddHostedService<StopWorkerFirst>();
        builder.Services.AddHostedService(sp => new TimerFunctionService(
            timers, sp, config, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TimerFunctionService>>()));

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            foreach (var header in HttpFunctionEndpoints.PlatformPrincipalHeaders)
            {
                context.Request.Headers.Remove(header);
            }

            YouthLeague.Web.SecurityHeaders.Register(context, context.Request.IsHttps);
            await next(context);
        });
        app.MapGrpcService<TaskHubGrpcServer>().RequireHost($"*:{settings.SidecarPort}");
        HttpFunctionEndpoints.Map(app, functions.Where(f => f.TriggerType == FunctionCatalog.HttpTrigger), settings.RoutePrefix);
        return app;
    }

    /// <summary>Creates the task hub and the app's tables, then starts serving.</summary>
    public static async Task StartAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<AzureStorageOrchestrationService>().CreateIfNotExistsAsync();
        await app.Services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        await app.StartAsync();
    }

    /// <summary>
    /// Kestrel stops before the worker in a WebApplication, and the sidecar's work-item stream never ends
    /// on its own; stopping the worker first avoids waiting out the whole shutdown timeout.
    /// </summary>
    private sealed class StopWorkerFirst(IServiceProvider services) : IHostedLifecycleService
    {
        public Task StoppingAsync(CancellationToken cancellationToken) =>
            Task.WhenAll(services.GetServices<IHostedService>().OfType<DurableTaskWorker>().Select(w => w.StopAsync(cancellationToken)));

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
