using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.Extensions.Options;

namespace YouthLeague.LocalHost;

/// <summary>
/// Graceful shutdown (issue #14): SIGTERM or Ctrl-C ends the process within 30 s even while requests run.
/// From the signal on, a new request is refused with 503 (health too, so a balancer stops sending here). The requests
/// in flight get up to three quarters of <see cref="HostOptions.ShutdownTimeout"/> to finish while everything they need
/// still runs (the durable client talks to the task hub through this process's own gRPC sidecar, which stops with
/// Kestrel); then the durable worker stops (work items it had taken come back to whoever holds the partitions next),
/// then Kestrel, which aborts what is still running when the timeout ends (a slow upload; a submission cut short
/// leaves its intent, which the repair finishes).
/// </summary>
public sealed class GracefulStop(IHostApplicationLifetime lifetime, IServiceProvider services, IOptions<HostOptions> options, ILogger<GracefulStop> log)
    : IHostedLifecycleService
{
    private int inFlight;

    public bool Stopping => lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Counts a request in, unless the host is stopping.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref inFlight);
        if (!Stopping)
        {
            return true;
        }

        Exit();
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref inFlight);

    public static Task RefuseAsync(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        context.Response.Headers.Connection = "close";
        return context.Response.WriteAsJsonAsync(
            new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 503, Title = "服务正在重启，请稍后再提交一次（不会重复提交）" },
            (System.Text.Json.JsonSerializerOptions?)null,
            "application/problem+json",
            CancellationToken.None);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var drainFor = options.Value.ShutdownTimeout * 0.75;
        while (Volatile.Read(ref inFlight) > 0 && sw.Elapsed < drainFor && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        var left = Volatile.Read(ref inFlight);
        log.LogInformation("Stopping: requests drained in {Seconds:0.0} s, {Left} still running", sw.Elapsed.TotalSeconds, left);

        // Kestrel would stop before the worker, and the sidecar's work-item stream never ends on its own.
        await Task.WhenAll(services.GetServices<IHostedService>().OfType<DurableTaskWorker>().Select(w => w.StopAsync(cancellationToken)));
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
