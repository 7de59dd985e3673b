using Microsoft.Extensions.Configuration;
using Polly;
using Microsoft.Extensions.DependencyInjection;
using YouthLeague.Checklist;
using YouthLeague.Towns;
using YouthLeague.Storage;
using YouthLeague.Workflow;

namespace YouthLeague;

public static class YouthLeagueServices
{
    /// <summary>Everything the functions call, for both hosts. One call from each Program.cs.</summary>
    public static IServiceCollection AddYouthLeague(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(TimeProvider.System);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = Web.SubmissionForms.MaxRequestBytes);
        services.AddSingleton(_ => StorageClients.FromConfiguration(config));
        services.AddSingleton(sp =>
        {
            // Every year's definition is validated when the app first needs one: a bad file stops it with its problems listed.
            var definitions = new ChecklistDefinitions(
                config["YouthLeague:ChecklistFolder"] is { Length: > 0 } folder ? folder : Path.Combine(AppContext.BaseDirectory, "seeds", "checklists"));
            definitions.LoadAll();
            // A definition published in storage comes first; the files are the defaults.
            definitions.Stored = year => sp.GetRequiredService<Years.YearService>().PublishedDefinition(year);
            return definitions;
        });
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<Years.YearService>(sp => new Years.YearService(
            sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<ChecklistDefinitions>(), sp.GetRequiredService<DirectoryService>(),
            sp.GetRequiredService<Audit.AuditLog>(), sp.GetRequiredService<TimeProvider>(), config));
        services.AddSingleton<Years.YearOpener>();
        services.AddSingleton<Years.StuckChecklists>();
        services.AddSingleton<Years.ClosingDates>();
        services.AddSingleton<Org.OrgService>();
        services.AddSingleton<Org.InviteSheet>();
        services.AddSingleton<Setup.SetupService>();
        services.AddSingleton<Setup.Readiness>();
        services.AddSingleton<Web.Service.YearAdminPages>();
        services.AddSingleton<Web.Service.AdminPages>();
        services.AddSingleton<DirectoryService>();
        services.AddSingleton<ChecklistReader>();
        services.AddSingleton<ChecklistProjection>();
        services.AddSingleton<ChecklistStarter>();
        services.AddSingleton<SubmissionService>();
        services.AddSingleton(sp => new SubmissionRepair(
            sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<TimeProvider>(), config.GetValue("YouthLeague:Submissions:RepairAfter", SubmissionRepair.DefaultDelay),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SubmissionRepair>>(), sp.GetRequiredService<Ledger.LedgerService>()));
        services.AddSingleton<ReviewService>();
        services.AddSingleton<YearSimulator>();
        services.AddSingleton<Notifications.Outbox>();
        services.AddSingleton<Notifications.ReminderRun>();
        services.AddSingleton<Notifications.RobotPacing>();
        services.AddSingleton<Notifications.MeetingReminders>();
        services.AddSingleton<Notifications.NotificationDispatcher>();
        // Robots get three tries with exponential back-off, then the notification is marked failed.
        // Retry delays run on the system clock, whatever clock the app's logic is given (tests fake that one).
        services.AddHttpClient(Notifications.Webhooks.HttpClientName).AddResilienceHandler("webhooks", r =>
        {
            r.TimeProvider = TimeProvider.System;
            r.AddRetry(new Microsoft.Extensions.Http.Resilience.HttpRetryStrategyOptions
            {
                MaxRetryAttempts = config.GetValue("YouthLeague:Webhooks:Retries", 3),
                Delay = config.GetValue("YouthLeague:Webhooks:RetryDelay", TimeSpan.FromSeconds(2)),
                BackoffType = DelayBackoffType.Exponential,
            }).AddTimeout(TimeSpan.FromSeconds(10));
        });
        services.AddSingleton<Ledger.LedgerService>();
        services.AddSingleton<Ledger.LedgerRetention>();
        services.AddSingleton<Progress.TownProgressStore>();
        services.AddSingleton<Progress.ProgressService>();
        services.AddSingleton<Committees.MeetingService>();
        services.AddSingleton<Committees.CommitteeExports>();
        services.AddSingleton<Auth.SessionTokens>();
        services.AddSingleton<Auth.AccountTable>();
        services.AddSingleton<Auth.SignInThrottle>();
        services.AddSingleton<Auth.SignInService>();
        services.AddSingleton<Auth.Sessions>();
        services.AddSingleton<Auth.PlatformIdentity>();
        services.AddSingleton<Auth.Invites>();
        services.AddSingleton<Auth.AccountService>();
        services.AddSingleton<Auth.Access>();
        services.AddSingleton<Auth.SignInPages>();
        services.AddSingleton<Web.Antiforgery>();
        services.AddSingleton<Web.PageRenderer>();
        services.AddSingleton<Web.PageAccess>();
        services.AddSingleton<Web.PageSupport>();
        services.AddSingleton<Web.Drafts>();
        services.AddSingleton<Web.ChecklistPages>();
        services.AddSingleton<Web.LedgerPages>();
        services.AddSingleton<Web.DashboardPages>();
        services.AddSingleton<Web.ReviewPages>();
        services.AddSingleton<Web.NoticePages>();
        services.AddSingleton<Announcements.AnnouncementService>();
        services.AddSingleton<Web.AnnouncementPages>();
        services.AddSingleton<Web.MeetingPages>();
        services.AddSingleton<Web.HandoverPages>();
        services.AddHostedService<Auth.DemoPasswordGuard>();
        return services;
    }
}
