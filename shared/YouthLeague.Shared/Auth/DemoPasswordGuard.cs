using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace YouthLeague.Auth;

/// <summary>
/// Refuses to start on Azure while demo accounts still open with a demo password, or while a demo password is
/// configured at all: demo data is for the local host only.
/// </summary>
public sealed class DemoPasswordGuard(AccountService accounts, IConfiguration config) : IHostedService
{
    public const string DefaultDemoPassword = "yl-demo-2026";

    public static bool OnAzure(IConfiguration config) =>
        string.Equals(config["YouthLeague:Environment"], "Azure", StringComparison.OrdinalIgnoreCase)
        || !string.IsNullOrEmpty(config["WEBSITE_SITE_NAME"]);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OnAzure(config))
        {
            return;
        }

        var configured = config["YL_DEMO_PASSWORD"];
        if (!string.IsNullOrEmpty(configured) || await accounts.AnyDemoPasswordAsync(DefaultDemoPassword, cancellationToken))
        {
            throw new InvalidOperationException(
                "Refusing to start on Azure: demo accounts with a demo password are present (or YL_DEMO_PASSWORD is set). " +
                "Reset or disable the demo accounts and remove YL_DEMO_PASSWORD.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
