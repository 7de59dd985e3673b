using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using YouthLeague.Bench.Infrastructure;
using YouthLeague.Bench.Scenarios;

namespace YouthLeague.Bench;

/// <summary>
/// The whole run: dashboards on an Azurite of their own (behind a request-counting proxy), then the submission path
/// and orchestration overhead on a second Azurite and local host, then quarter end on a third. Every figure is printed beside a
/// baseline measured in the same run.
/// </summary>
public static class Bench
{
    public const int Year = 2026;
    public const string Password = "yl-demo-2026";

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var total = Stopwatch.StartNew();
        var report = new Report();
        var loadBefore = LoadAverage();
        Console.WriteLine($"YouthLeague bench ({(o.Quick ? "quick" : "full")}): {Environment.ProcessorCount} cores, concurrency {o.Concurrency}, " +
            $"{o.Submissions} submissions, {o.Orchestrations} orchestrations, {o.QuarterVillages} villages at quarter end, dashboards at {string.Join("/", o.DashboardSizes)}");
        var memory = new List<(string Name, HostProcess Host)>();

        // Phase 0: the photo step alone, CPU time, before any host runs.
        if (o.Runs("photo"))
        {
            Console.WriteLine("Photo step…");
            PhotoStep.Run(report);
        }

        // Phase 1: dashboards, on their own storage so that their data does not mix with the other scenarios'.
        if (o.Runs("dashboards"))
        {
            await using var azurite = await AzuriteProcess.StartAsync(o.RepoRoot, o.Port + 3);
            await using var proxy = await CountingProxy.StartAsync(o.Port + 6, o.Port + 5);
            var viaProxy = AzuriteProcess.ConnectionFor(o.Port + 3, tablePort: o.Port + 6);
            await using var host = Serve(viaProxy, o.Port + 12, "benchdash");
            await host.StartAsync(HostReadyWithin);
            await using var ctx = Context.Create(host, viaProxy);
            Console.WriteLine("Dashboards…");
            await Dashboards.RunAsync(ctx, proxy, o, report);
            memory.Add(("dashboard host", host));
            Memory(report, "dashboard host", host);
        }

        // Phase 2: the submission path and orchestration overhead on one Azurite and one local host.
        var startRate = 0.06;
        if (o.Runs("writes"))
        {
            await OnFreshStorageAsync(o, "benchmain", "write-path host", report, async ctx =>
            {
                Console.WriteLine("Submission path…");
                await SubmissionPath.RunAsync(ctx, o, report);
                Console.WriteLine("Orchestration overhead…");
                startRate = await OrchestrationOverhead.RunAsync(ctx, o, report);
            });
        }

        // Phase 3: quarter end on fresh storage. Azurite scans whole tables, so the history rows the earlier scenarios
        // left behind would slow every orchestration step here and measure Azurite rather than the app.
        if (o.Runs("quarter"))
        {
            await OnFreshStorageAsync(o, "benchquarter", "quarter-end host", report, async ctx =>
            {
                Console.WriteLine("Quarter end…");
                await QuarterEnd.RunAsync(ctx, o, startRate, report);
            });
        }

        report.Note($"machine load (1-minute load average, /proc/loadavg) {loadBefore} at the start, {LoadAverage()} at the end, on {Environment.ProcessorCount} cores: other work on the machine slows both sides of every ratio");
        var heading = $"YouthLeague bench, {(o.Quick ? "quick" : "full")} run of {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {total.Elapsed.TotalMinutes:0.0} min";
        var table = report.Markdown("## " + heading);
        Console.WriteLine();
        Console.WriteLine(table);
        if (o.Out is not null)
        {
            await File.WriteAllTextAsync(o.Out, table);
        }

        if (o.Json is not null)
        {
            await File.WriteAllTextAsync(o.Json, report.Json());
        }

        return 0;
    }

    private static async Task OnFreshStorageAsync(BenchOptions o, string taskHub, string hostName, Report report, Func<Context, Task> run)
    {
        await using var azurite = await AzuriteProcess.StartAsync(o.RepoRoot, o.Port);
        await using var host = Serve(azurite.ConnectionString, o.Port + 10, taskHub);
        await host.StartAsync(HostReadyWithin);
        await using (var ctx = Context.Create(host, azurite.ConnectionString))
        {
            await run(ctx);
        }

        Memory(report, hostName, host);
    }

    private static readonly TimeSpan HostReadyWithin = TimeSpan.FromSeconds(120);

    /// <summary>`YouthLeague.Bench serve`: the local host with the baseline's trivial orchestration, on ports nothing else holds.</summary>
    private static HostProcess Serve(string connectionString, int port, string taskHub)
    {
        FreePorts.EnsureFree(port, 2);
        return new HostProcess("YouthLeague.Bench.dll", port, connectionString, taskHub, settings: null, "serve");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static void Memory(Report report, string name, HostProcess host)
    {
        var key = "memory/" + name.Replace(" host", "", StringComparison.Ordinal).Replace(' ', '-');
        report.Add(new Row("5 memory", $"{name}: peak resident memory (sampled every 200 ms)", host.PeakRssMb, host.ReadyRssMb, "MB", "resident memory when the host first answered") { Key = key + "-peak" });
        report.Add(new Row("5 memory", $"{name}: kernel high-water mark (VmHWM)", host.HighWaterMb(), host.ReadyRssMb, "MB", "resident memory when the host first answered") { Key = key + "-hwm" });
    }
}

/// <summary>What the scenarios share: the host's HTTP address, a Durable Task client on its sidecar, the app's services over the same storage.</summary>
public sealed class Context : IAsyncDisposable
{
    private Context(HostProcess host, ServiceProvider services, HttpClient http)
    {
        Host = host;
        Services = services;
        Http = http;
    }

    public HostProcess Host { get; }

    public ServiceProvider Services { get; }

    public HttpClient Http { get; }

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static Context Create(HostProcess host, string storage)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", storage)]).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(config);
        services.AddYouthLeague(config);
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.SidecarPort}");
        services.AddSingleton(channel);
        services.AddDurableTaskClient(b => b.UseGrpc(channel));
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{host.Port}"),
            Timeout = TimeSpan.FromMinutes(5),
        };
        return new Context(host, services.BuildServiceProvider(), http);
    }

    public async Task<AuthenticationHeaderValue> SignInAsync(string username)
    {
        using var r = await Http.PostAsync("/api/auth/login", JsonContent.Create(new { username, password = Bench.Password }));
        r.EnsureSuccessStatusCode();
        var token = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        return new AuthenticationHeaderValue("Bearer", token);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Services.DisposeAsync();
    }
}
