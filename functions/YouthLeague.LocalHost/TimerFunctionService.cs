using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace YouthLeague.LocalHost;

/// <summary>
/// Runs timer-triggered functions on their NCRONTAB schedules, in UTC as Azure Functions does.
/// A schedule of the form %Setting% is read from configuration, as the Functions host does.
/// </summary>
public sealed class TimerFunctionService(
    IReadOnlyList<LocalFunction> timers, IServiceProvider services, IConfiguration config, TimeProvider clock, ILogger<TimerFunctionService> log)
    : BackgroundService
{
    public IReadOnlyList<string> Names => timers.Select(t => t.Name).ToList();

    public static CrontabSchedule Schedule(LocalFunction function, IConfiguration config)
    {
        var raw = function.Metadata.Trigger.Schedule
            ?? throw new UnsupportedFunctionException($"Function '{function.Name}': timer trigger without a schedule.");
        if (raw.StartsWith('%') && raw.EndsWith('%'))
        {
            var setting = raw.Trim('%');
            raw = config[setting] ?? throw new UnsupportedFunctionException($"Function '{function.Name}': schedule setting '{setting}' is not configured.");
        }

        var fields = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CrontabSchedule.TryParse(raw, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 })
            ?? throw new UnsupportedFunctionException($"Function '{function.Name}': '{raw}' is not an NCRONTAB schedule (TimeSpan schedules are not supported).");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(timers.Select(t => RunAsync(t, Schedule(t, config), stoppingToken)));

    private async Task RunAsync(LocalFunction function, CrontabSchedule schedule, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await using var scope = services.CreateAsyncScope();
                var args = function.Method.GetParameters()
                    .Select(p => p.ParameterType == typeof(TimerInfo) ? new TimerInfo()
                        : p.ParameterType == typeof(CancellationToken) ? stoppingToken
                        : p.ParameterType == typeof(Microsoft.DurableTask.Client.DurableTaskClient) ? scope.ServiceProvider.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>()
                        : (object?)null)
                    .ToArray();
                await FunctionInvoker.InvokeAsync(scope.ServiceProvider, function, args);
                log.LogInformation("Timer function {Function} ran for {Occurrence:o}", function.Name, next);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Timer function {Function} failed", function.Name);
            }
        }
    }
}
