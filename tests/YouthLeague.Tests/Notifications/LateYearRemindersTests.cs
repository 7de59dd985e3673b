using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Checklist;
using YouthLeague.Notifications;
using YouthLeague.Storage;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Notifications;

/// <summary>
/// A compressed year opened late, in its third quarter: the orchestration catches the first two quarters' reviews up
/// at once (the same activity input it sends), and the daily run goes on the same day. Real storage, injected clock.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LateYearRemindersTests(Azurite azurite)
{
    [Fact]
    public async Task CompressedYearOpenedInTheThirdQuarter_NoPastDateAsAheadAndNoDuplicate()
    {
        // 1 July 2026, 09:00 China time: the daily run's day, and the first day of the real third quarter.
        var now = new DateTimeOffset(2026, 7, 1, 1, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(now);
        await using var services = AccountServiceTests.Services(azurite.ConnectionString, clock);
        var storage = services.GetRequiredService<StorageClients>();
        await storage.EnsureCreatedAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (town, village) = ("lt" + suffix, "lv-" + suffix);
        var secretary = "sec." + village;
        await services.GetRequiredService<DirectoryService>().UpsertAsync(new DemoSeed(
            new CitySeed("zoucheng", "邹城市", new PersonSeed("city", "市")),
            [new TownSeed(town, "晚开镇", new PersonSeed("town." + town, "审核员"))],
            [new VillageSeed(village, town, "晚开村", true, new PersonSeed(secretary, "书记"))]));

        // Quarters of an hour, the year opened 2.1 quarters ago: its calendar stands at 10 July now.
        var calendar = ChecklistCalendar.Compressed(2026, now - (TimeSpan.FromHours(1) * 2.1), TimeSpan.FromHours(1));
        var today = calendar.DateOf(now);
        Assert.Equal(3, ChinaTime.QuarterOf(today));
        await storage.Table(TableNames.Checklists).AddEntityAsync(new ChecklistEntity
        {
            PartitionKey = Keys.Checklist(2026, village),
            RowKey = ChecklistEntity.Row,
            Year = 2026,
            VillageId = village,
            TownId = town,
            CalendarJson = System.Text.Json.JsonSerializer.Serialize(calendar, Json.Options),
        });
        var definition = services.GetRequiredService<ChecklistDefinitions>().For(2026);
        var state = ChecklistState.New(2026, village, definition.Steps.Select(s => s.Key));
        var projection = services.GetRequiredService<ChecklistProjection>();
        var run = services.GetRequiredService<ReminderRun>();
        var outbox = services.GetRequiredService<Outbox>();

        // The caught-up reviews as the orchestration sends them (as of each past quarter's last day), the daily run in between, each twice.
        for (var i = 0; i < 2; i++)
        {
            await projection.RecordQuarterAsync(new QuarterlyReview(state, town, 1, calendar.DateOf(calendar.QuarterEnd(1)).AddDays(-1)));
            await run.RunAsync();
            await projection.RecordQuarterAsync(new QuarterlyReview(state, town, 2, calendar.DateOf(calendar.QuarterEnd(2)).AddDays(-1)));
            await run.RunAsync();
        }

        var notices = await outbox.ForAsync(secretary);
        Assert.NotEmpty(notices);

        // One notice per step and reason.
        Assert.All(notices.GroupBy(n => (n.Step, Kind: n.Reason.Split('-')[0])), g => Assert.Single(g));

        // Past due dates are late ("已逾期 N 天"), never announced as ahead; what is ahead is ahead of today.
        foreach (var step in definition.Steps)
        {
            var mine = notices.Where(n => n.Step == step.Key).ToList();
            if (step.Due < today)
            {
                var late = Assert.Single(mine);
                Assert.Equal("overdue-" + step.Key, late.Reason);
                Assert.Contains("已逾期", late.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("将于", late.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("还有", late.Text, StringComparison.Ordinal);
            }
            else
            {
                Assert.All(mine, n => Assert.DoesNotContain("已逾期", n.Text, StringComparison.Ordinal));
                if (step.Due <= ChinaTime.QuarterLastDay(2026, 3))
                {
                    Assert.Contains(mine, n => n.Reason == "due-" + step.Key);
                }
            }

            // Every notice leads to the step's form, a page that exists (/villages/{id}/steps/{step}).
            Assert.All(mine, n => Assert.Equal(NoticeLinks.StepForm(2026, village, step.Key), n.Link));
        }

        Assert.Contains(notices, n => n.Reason.StartsWith("overdue-", StringComparison.Ordinal));
    }
}
