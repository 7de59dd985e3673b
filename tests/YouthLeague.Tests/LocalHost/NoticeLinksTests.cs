using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Notifications;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.LocalHost;

/// <summary>
/// The notices the daily run and a quarter's review queue, opened on the local host by the person each is for:
/// every link answers 200 (no 404, no sign-in redirect); the notices page lists them with the header's unread badge.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class NoticeLinksTests(Azurite azurite)
{
    [Fact]
    public async Task EveryLinkInEveryNotice_Answers200ForItsRecipient()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "nl" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        var secretary = "sec." + village;
        await host.SignInAsync(secretary);
        using (var submitted = await host.SubmitAsync(2026, village, "forum", DurabilityTests.Forum(), DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(host.Http, village, "forum", "submitted");

        // The daily run on the first day of the fourth quarter (late steps, a digest and the review queue for the
        // town, the third quarter's missing meeting for the town and the city), and the third quarter's review.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 10, 1, 1, 0, 0, TimeSpan.Zero));
        var started = clock.GetUtcNow();
        await using var services = AccountServiceTests.Services(azurite.ConnectionString, clock);
        await services.GetRequiredService<ReminderRun>().RunAsync();
        var state = YouthLeague.Checklist.ChecklistState.New(2026, village, services.GetRequiredService<YouthLeague.Checklist.ChecklistDefinitions>().For(2026).Steps.Select(s => s.Key));
        await services.GetRequiredService<ChecklistProjection>().RecordQuarterAsync(new QuarterlyReview(state, "taiping", 3, new DateOnly(2026, 9, 30)));

        var outbox = services.GetRequiredService<Outbox>();
        var checkedLinks = 0;
        foreach (var recipient in new[] { secretary, "town.taiping", "city" })
        {
            var notices = (await outbox.ForAsync(recipient)).Where(n => n.QueuedAt >= started).ToList();
            Assert.NotEmpty(notices);
            using var client = await host.SignedInAsync(recipient);
            foreach (var link in notices.Select(n => n.Link).Distinct())
            {
                Assert.StartsWith("/", link, StringComparison.Ordinal);
                using var response = await client.GetAsync(link);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{recipient}: {link} answered {(int)response.StatusCode}");
                checkedLinks++;
            }

            // The notices page lists them, and the header shows the unread count on every page.
            var page = await client.GetStringAsync("/notices");
            Assert.Contains("class=\"badge\"", page, StringComparison.Ordinal);
            Assert.All(notices.Take(NoticePagesSize), n => Assert.Contains(System.Net.WebUtility.HtmlEncode(n.Link), page, StringComparison.Ordinal));
        }

        Assert.True(checkedLinks >= 5, $"only {checkedLinks} links checked");
        var kinds = (await outbox.ForAsync(secretary)).Select(n => n.Reason.Split('-')[0]).ToHashSet();
        Assert.Contains("overdue", kinds);
        var town = (await outbox.ForAsync("town.taiping")).Where(n => n.QueuedAt >= started).Select(n => n.Reason).ToHashSet();
        Assert.Superset(new HashSet<string> { "digest", "review", "meeting-missed" }, town);

        // Marking all read clears the badge.
        using var sec = await host.SignedInAsync(secretary);
        using (var read = await sec.PostAsync("/notices/read", new FormUrlEncodedContent([])))
        {
            Assert.Equal(HttpStatusCode.Redirect, read.StatusCode);
            Assert.StartsWith("/notices", read.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        var after = await sec.GetStringAsync("/notices");
        Assert.False(after.Contains("class=\"badge\"", StringComparison.Ordinal), after);
    }

    private const int NoticePagesSize = YouthLeague.Web.NoticePages.PageSize;
}
