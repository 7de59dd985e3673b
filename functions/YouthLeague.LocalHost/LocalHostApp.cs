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
    public sealed record Settings(string FunctionsFolder, string RoutePrefix, string TaskHub, int Port, int SidecarPort, bool ListenOnAnyAddress)
    {
        /// <summary>host.json's extensions.durableTask, read the way the Durable Functions extension reads it on Azure.</summary>
        public DurableSettings Durable { get; init; } = new();
    }

    /// <summary>
    /// The durable settings both hosts take from host.json (names as in the Durable Functions extension; its defaults
    /// where host.json says nothing): extensions.durableTask.maxConcurrentActivityFunctions / ...OrchestratorFunctions
    /// and storageProvider.{partitionCount, controlQueueBatchSize, controlQueueBufferThreshold, maxQueuePollingInterval,
    /// controlQueueVisibilityTimeout, workItemQueueVisibilityTimeout}.
    /// </summary>
    public sealed record DurableSettings
    {
        public int MaxConcurrentActivities { get; init; } = 10 * Environment.ProcessorCount;

        public int MaxConcurrentOrchestrations { get; init; } = 10 * Environment.ProcessorCount;

        public int PartitionCount { get; init; } = 4;

        public int ControlQueueBatchSize { get; init; } = 32;

        public int ControlQueueBufferThreshold { get; init; } = 256;

        public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(30);

        public TimeSpan? ControlQueueVisibilityTimeout { get; init; }

        public TimeSpan? WorkItemQueueVisibilityTimeout { get; init; }

        public static DurableSettings Read(JsonNode? durableTask)
        {
            var d = new DurableSettings();
            var provider = durableTask?["storageProvider"];
            return d with
            {
                MaxConcurrentActivities = Int(durableTask?["maxConcurrentActivityFunctions"]) ?? d.MaxConcurrentActivities,
                MaxConcurrentOrchestrations = Int(durableTask?["maxConcurrentOrchestratorFunctions"]) ?? d.MaxConcurrentOrchestrations,
                PartitionCount = Int(provider?["partitionCount"]) ?? d.PartitionCount,
                ControlQueueBatchSize = Int(provider?["controlQueueBatchSize"]) ?? d.ControlQueueBatchSize,
                ControlQueueBufferThreshold = Int(provider?["controlQueueBufferThreshold"]) ?? d.ControlQueueBufferThreshold,
                MaxQueuePollingInterval = Time(provider?["maxQueuePollingInterval"]) ?? d.MaxQueuePollingInterval,
                ControlQueueVisibilityTimeout = Time(provider?["controlQueueVisibilityTimeout"]),
                WorkItemQueueVisibilityTimeout = Time(provider?["workItemQueueVisibilityTimeout"]),
            };
        }

        private static int? Int(JsonNode? node) => node?.GetValue<int>();

        private static TimeSpan? Time(JsonNode? node) =>
            node is null ? null : TimeSpan.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }

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
            config.GetValue("LocalHost:ListenOnAnyAddress", false))
        {
            Durable = DurableSettings.Read(host?["extensions"]?["durableTask"]),
        };
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

        // Graceful shutdown (issue #14): SIGTERM or Ctrl-C ends the process within 30 s even while requests run (see GracefulStop).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.GetValue("LocalHost:ShutdownTimeout", DefaultShutdownTimeout));
        builder.Services.AddYouthLeague(config);
        builder.Services.AddYouthLeagueTelemetry(config, t => t.AddAspNetCoreInstrumentation());
        builder.Services.AddMvcCore();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(sp => new AzureStorageOrchestrationService(sp.GetRequiredService<AzureStorageOrchestrationServiceSettings>()));
        builder.Services.AddSingleton(sp => new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = settings.TaskHub,

            // Who holds a partition lease. Two hosts on one machine must not share a name (by default both would be the
            // machine's name and each would take the other's leases for its own); a restarted host on the same port is the
            // same worker, so it takes its leases back at once instead of waiting for them to expire.
            WorkerId = config["LocalHost:WorkerId"] is { Length: > 0 } worker ? worker : $"{Environment.MachineName}-{settings.Port}",
            StorageAccountClientProvider = new StorageAccountClientProvider(config["AzureWebJobsStorage"]!),
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),

            // The same settings as Azure takes from host.json (see DurableSettings).
            PartitionCount = settings.Durable.PartitionCount,
            ControlQueueBatchSize = settings.Durable.ControlQueueBatchSize,
            ControlQueueBufferThreshold = settings.Durable.ControlQueueBufferThreshold,
            MaxQueuePollingInterval = settings.Durable.MaxQueuePollingInterval,
            MaxConcurrentTaskActivityWorkItems = settings.Durable.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = settings.Durable.MaxConcurrentOrchestrations,

            // After a crash, messages the dead process had taken come back after this long (default 5 min). Locally our
            // work items take well under a second, so half a minute is safe and recovery is quick (tests shorten it more).
            ControlQueueVisibilityTimeout = config.GetValue("LocalHost:VisibilityTimeout", settings.Durable.ControlQueueVisibilityTimeout ?? TimeSpan.FromSeconds(30)),
            WorkItemQueueVisibilityTimeout = config.GetValue("LocalHost:VisibilityTimeout", settings.Durable.WorkItemQueueVisibilityTimeout ?? TimeSpan.FromSeconds(30)),
        });
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
                o.Concurrency.MaximumConcurrentActivityWorkItems = settings.Durable.MaxConcurrentActivities;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = settings.Durable.MaxConcurrentOrchestrations;
            });
        });
        builder.Services.AddDurableTaskClient(b => b.UseGrpc(channel));
        builder.Services.AddSingleton<GracefulStop>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GracefulStop>());
        builder.Services.AddHostedService(sp => new TimerFunctionService(
            timers, sp, config, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TimerFunctionService>>()));

        var app = builder.Build();
        var stop = app.Services.GetRequiredService<GracefulStop>();
        app.Use(async (context, next) =>
        {
            if (context.Connection.LocalPort == settings.SidecarPort)
            {
                await next(context);
                return;
            }

            if (!stop.TryEnter())
            {
                await GracefulStop.RefuseAsync(context);
                return;
            }

            try
            {
                await next(context);
            }
            catch (Exception ex) when (stop.Stopping && !context.Response.HasStarted)
            {
                // Cut short by the stop (the durable client's channel closes with the server): what was stored is finished by
                // the repair (its intent stays), and the client is told to send again, which is still one submission.
                app.Logger.LogWarning("{Path} cut short by the shutdown ({Error}): answered 503", context.Request.Path, ex.GetType().Name);
                await GracefulStop.RefuseAsync(context);
            }
            finally
            {
                stop.Exit();
            }
        });
        app.Use(async (context, next) =>
        {
            foreach (var header in HttpFunctionEndpoints.PlatformPrincipalHeaders)
            {
                context.Request.Headers.Remove(header);
            }

            YouthLeague.Web.SecurityHeaders.Register(context);
            await next(context);
        });
        app.MapGrpcService<TaskHubGrpcServer>().RequireHost($"*:{settings.SidecarPort}");
        HttpFunctionEndpoints.Map(app, functions.Where(f => f.TriggerType == FunctionCatalog.HttpTrigger), settings.RoutePrefix);
        return app;
    }

    /// <summary>How long a stopping host lets requests in flight finish: the whole stop stays under 30 s.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Creates the task hub and the app's tables, then starts serving.</summary>
    public static async Task StartAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<AzureStorageOrchestrationService>().CreateIfNotExistsAsync();
        await app.Services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        await app.StartAsync();
    }
}
