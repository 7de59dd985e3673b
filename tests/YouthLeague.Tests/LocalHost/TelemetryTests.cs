using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using YouthLeague.LocalHost;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

[Collection(AzuriteCollection.Name)]
public sealed class TelemetryTests(Azurite azurite)
{
    [Fact]
    public async Task LocalHost_HealthRequest_TracesTheHttpCallAndItsStorageCalls()
    {
        var spans = new List<Activity>();
        var ports = FreePorts.Block(2);
        await using var app = LocalHostApp.Build(
            [$"--AzureWebJobsStorage={azurite.ConnectionString}", $"--LocalHost:Port={ports}", $"--LocalHost:SidecarPort={ports + 1}", "--LocalHost:TaskHub=otel" + Guid.NewGuid().ToString("N")[..10]],
            b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        await LocalHostApp.StartAsync(app);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports}") };
            // The durable backend may need a moment after start (503 until then), as for any caller.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(await http.GetAsync("/api/health")).IsSuccessStatusCode)
            {
                Assert.True(DateTime.UtcNow < deadline, "the local host never became healthy");
                await Task.Delay(250);
            }

            app.Services.GetRequiredService<TracerProvider>().ForceFlush();

            lock (spans)
            {
                var request = spans.Last(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/api/health", StringComparison.Ordinal)
                    && Equals(s.GetTagItem("http.response.status_code"), 200));
                Assert.Contains(spans, s => s.Source.Name.StartsWith("Azure.Data.Tables", StringComparison.Ordinal) && s.TraceId == request.TraceId);
            }
        }
        finally
        {
            // Stopping the sidecar before any worker has connected crashes it (a NullReferenceException in
            // DurableTask.AzureStorage's StopAsync, thrown on a thread-pool callback): run one orchestration first.
            var client = app.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
            var village = "otel-" + Guid.NewGuid().ToString("N")[..8];
            await app.Services.GetRequiredService<YouthLeague.Workflow.ChecklistStarter>()
                .StartAsync(client, 2026, village, "taiping", YouthLeague.Checklist.ChecklistCalendar.Real(2026));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await client.WaitForInstanceStartAsync(YouthLeague.Workflow.WorkflowNames.InstanceId(2026, village), cts.Token);
            await app.StopAsync();
        }
    }
}
