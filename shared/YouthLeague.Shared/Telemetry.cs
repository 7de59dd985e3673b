using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace YouthLeague;

/// <summary>
/// Traces and logs for both hosts: storage calls (the Azure SDK's activity sources), outgoing HTTP, the Durable
/// Task worker, plus whatever the host adds (HTTP requests, function invocations). Exported to Application
/// Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set (Entra ID auth on Azure), to an OTLP collector when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set, nowhere otherwise. Logs carry ids only (usernames, village ids), never names
/// or phones: that is a rule for every log call, not a filter here.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "youthleague";

    public static OpenTelemetryBuilder AddYouthLeagueTelemetry(this IServiceCollection services, IConfiguration config, Action<TracerProviderBuilder>? tracing = null)
    {
        // The Azure SDK only emits its activities (one per storage call) when this switch is on.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var appInsights = config["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var otlp = config["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t =>
            {
                t.AddSource("Azure.*", "Microsoft.DurableTask*", "YouthLeague*").AddHttpClientInstrumentation();
                tracing?.Invoke(t);
                if (!string.IsNullOrEmpty(appInsights))
                {
                    t.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights);
                }

                if (!string.IsNullOrEmpty(otlp))
                {
                    t.AddOtlpExporter();
                }
            });
        if (!string.IsNullOrEmpty(appInsights) || !string.IsNullOrEmpty(otlp))
        {
            builder.WithLogging(l =>
            {
                if (!string.IsNullOrEmpty(appInsights))
                {
                    l.AddAzureMonitorLogExporter(o => o.ConnectionString = appInsights);
                }

                if (!string.IsNullOrEmpty(otlp))
                {
                    l.AddOtlpExporter();
                }
            });
        }

        return builder;
    }
}
