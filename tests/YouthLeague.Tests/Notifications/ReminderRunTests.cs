using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.LocalHost;
using YouthLeague.Notifications;
using YouthLeague.Storage;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;

namespace YouthLeague.Tests.Notifications;

[Collection(AzuriteCollection.Name)]
public sealed class ReminderRunTests(Azurite azurite)
{
    [Fact]
    public async Task RunAsync_RepeatedOnTheSameDay_QueuesEachReminderOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 16, 1, 0, 0, TimeSpan.Zero)); // 09:00 in China, 14 days before forum is due
        await using var services = AccountServiceTests.Services(azurite.ConnectionString, clock);
        var storage = services.GetRequiredService<StorageClients>();
        await storage.EnsureCreatedAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (town, village) = ("rt" + suffix, "rv-" + suffix);
        await services.GetRequiredService<DirectoryService>().UpsertAsync(new DemoSeed(
            new CitySeed("zoucheng", "邹城市", new PersonSeed("city", "市")),
            [new TownSeed(town, "提醒镇", new PersonSeed("town." + town, "审核员"))],
            [new VillageSeed(village, town, "提醒村", true, new PersonSeed("sec." + village, "书记"))]));
        await services.GetRequiredService<YouthLeague.Progress.TownProgressStore>().WriteAsync([YouthLeague.Progress.TownProgressRow.Of(
            2026, town, "提醒镇", village, "提醒村", new Dictionary<string, YouthLeague.Checklist.StepStatus> { ["plan"] = YouthLeague.Checklist.StepStatus.Submitted })]);
        // The town's dispatch office, the city's, and a disabled town office (never reminded).
        var (townOffice, cityOffice, disabledOffice) = ("office." + town, "office-c" + suffix, "office-d" + suffix);
        var accounts = storage.Table(TableNames.Accounts);
        await accounts.AddEntityAsync(new YouthLeague.Auth.AccountEntity { PartitionKey = YouthLeague.Auth.AccountEntity.Partition, RowKey = townOffice, Role = YouthLeague.Auth.Roles.Office, Scope = town, TownId = town });
        await accounts.AddEntityAsync(new YouthLeague.Auth.AccountEntity { PartitionKey = YouthLeague.Auth.AccountEntity.Partition, RowKey = cityOffice, Role = YouthLeague.Auth.Roles.Office, Scope = YouthLeague.Auth.Principal.CityScope });
        await accounts.AddEntityAsync(new YouthLeague.Auth.AccountEntity { PartitionKey = YouthLeague.Auth.AccountEntity.Partition, RowKey = disabledOffice, Role = YouthLeague.Auth.Roles.Office, Scope = town, TownId = town, Disabled = true });
        var run = services.GetRequiredService<ReminderRun>();
        var outbox = services.GetRequiredService<Outbox>();

        await run.RunAsync();
        await run.RunAsync();

        var secretary = (await outbox.ForAsync("sec." + village)).Select(n => n.RowKey).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["2026|due14-forum"], secretary);
        var digest = Assert.Single(await outbox.ForAsync("town." + town), n => n.Reason == "digest");
        Assert.Contains("提醒村", digest.Text, StringComparison.Ordinal);
        Assert.Equal(NoticeLinks.TownOverdue(2026, town), digest.Link);

        // Fourteen days before the quarter ends and no meeting recorded: the town is reminded to hold it, once.
        var soon = Assert.Single(await outbox.ForAsync("town." + town), n => n.Reason.StartsWith("meeting-", StringComparison.Ordinal));
        Assert.Equal(("meeting-soon", "2026Q2", NoticeLinks.Meeting(2026, town, 2)), (soon.Reason, soon.Period, soon.Link));
        Assert.Contains("2026-06-30 前召开", soon.Text, StringComparison.Ordinal);
        var officeSoon = Assert.Single(await outbox.ForAsync(townOffice)); // the dispatch office records meetings too: the same reminder
        Assert.Equal(("meeting-soon", "2026Q2", soon.Text, soon.Link), (officeSoon.Reason, officeSoon.Period, officeSoon.Text, officeSoon.Link));
        Assert.Empty(await outbox.ForAsync(cityOffice)); // the city hears only of towns that missed it

        // First day of the third quarter: late steps are reminded once for the quarter, again idempotently.
        clock.SetUtcNow(new DateTimeOffset(2026, 7, 1, 1, 0, 0, TimeSpan.Zero));
        await run.RunAsync();
        await run.RunAsync();
        secretary = (await outbox.ForAsync("sec." + village)).Select(n => n.RowKey).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["2026Q3|overdue-forum", "2026Q3|overdue-ledger", "2026|due14-forum"], secretary);
        Assert.Equal(2, (await outbox.ForAsync("town." + town)).Count(n => n.Reason == "digest")); // one digest per day
        // The quarter is over and its meeting was never recorded: the town is told, once.
        var missed = Assert.Single(await outbox.ForAsync("town." + town), n => n.Reason == "meeting-missed");
        Assert.Equal(("2026Q2", NoticeLinks.Meeting(2026, town, 2)), (missed.Period, missed.Link));
        Assert.Contains("已逾期 1 天", missed.Text, StringComparison.Ordinal);
        Assert.Single(await outbox.ForAsync(townOffice), n => n.Reason == "meeting-missed" && n.Link == missed.Link);
        var cityMissed = Assert.Single(await outbox.ForAsync(cityOffice));
        Assert.Equal(("meeting-missed", "2026Q2", "/city?year=2026#meetings"), (cityMissed.Reason, cityMissed.Period, cityMissed.Link));
        Assert.Contains("个镇街尚无记录", cityMissed.Text, StringComparison.Ordinal); // the list of all towns sharing this Azurite: 提醒镇 among them, maybe past the first 20 named
        Assert.Empty(await outbox.ForAsync(disabledOffice));
    }

    [Fact]
    public void ReminderTimer_ScheduleInFunctionsMetadata_IsNineInTheMorningChinaTime()
    {
        var function = FunctionCatalog.Load(AppContext.BaseDirectory).Single(f => f.Name == "QueueReminders");
        Assert.Equal(YouthLeague.Functions.Timers.ReminderTimer.Schedule, function.Metadata.Trigger.Schedule);

        var schedule = TimerFunctionService.Schedule(function, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        var next = schedule.GetNextOccurrence(new DateTime(2026, 6, 16, 0, 30, 0, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 6, 16, 1, 0, 0), next);
        Assert.Equal(9, YouthLeague.Checklist.ChinaTime.ToChina(new DateTimeOffset(next, TimeSpan.Zero)).Hour);
    }
}
