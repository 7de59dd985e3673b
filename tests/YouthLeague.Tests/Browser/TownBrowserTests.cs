using Microsoft.Playwright;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Tests.LocalHost;

namespace YouthLeague.Tests.Browser;

/// <summary>A town reviewer on a phone: the dashboard's filters, a cell opening the submission, a return the secretary then sees; the meeting pack printed.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TownBrowserTests(Azurite azurite)
{
    private static string Shot(string name) => Path.Combine(SecretaryBrowserTests.Screenshots, name);

    [Fact]
    public async Task Reviewer_OnPhone_FiltersTownDashboard_OpensSubmissionFromCell_Returns_SecretarySeesComment()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "bw");
        await w.SubmitAsync(w.A, "forum", DurabilityTests.Forum());
        var baseUrl = w.Host.Http.BaseAddress!.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SecretaryBrowserTests.LaunchAsync(playwright);
        var reviewer = await SecretaryBrowserTests.SignInAsync(browser, baseUrl, "town." + w.Town);
        await reviewer.GotoAsync($"{baseUrl}/towns/{w.Town}?year=2026");
        Assert.Equal(2, await reviewer.Locator("tbody tr").CountAsync());

        // Filter: the forum, waiting for review: only 甲村 is left, one column.
        await reviewer.SelectOptionAsync("#step", "forum");
        await reviewer.SelectOptionAsync("#status", "submitted");
        await reviewer.ClickAsync("button:has-text('筛选')");
        await reviewer.WaitForURLAsync("**status=submitted*", new() { Timeout = 90_000 });
        Assert.Equal(1, await reviewer.Locator("tbody tr").CountAsync());
        Assert.Equal(1, await reviewer.Locator("thead th").CountAsync() - 1);
        Assert.Contains("甲村", await reviewer.Locator("tbody tr th").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await reviewer.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"));
        await reviewer.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("town-filtered-390.png"), FullPage = true });

        // The cell opens the submission itself, with its photo, to review.
        await reviewer.ClickAsync("td.submitted a");
        await reviewer.WaitForURLAsync($"**/villages/{w.A}/steps/forum/review*");
        Assert.Contains("村委会议室", await reviewer.ContentAsync(), StringComparison.Ordinal);
        await reviewer.FillAsync("#comment", "请补充参加人员名单");
        await reviewer.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("review-return-390.png"), FullPage = true });
        await reviewer.ClickAsync("button:has-text('退回修改')");
        await reviewer.WaitForURLAsync($"**/towns/{w.Town}/reviews*");

        // The secretary's village page shows the return and the comment.
        var secretary = await SecretaryBrowserTests.SignInAsync(browser, baseUrl, "sec." + w.A);
        await secretary.GotoAsync($"{baseUrl}/villages/{w.A}?year=2026");
        var chip = secretary.Locator("#step-forum .chip");
        for (var i = 0; i < 60 && await chip.InnerTextAsync() != "已退回"; i++)
        {
            await Task.Delay(500);
            await secretary.ReloadAsync();
        }

        Assert.Equal("已退回", await chip.InnerTextAsync());
        Assert.Contains("退回意见：请补充参加人员名单", await secretary.Locator("#step-forum").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("修改后重新提交", await secretary.Locator("#step-forum").InnerHTMLAsync(), StringComparison.Ordinal);
        await secretary.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("village-returned-390.png"), FullPage = true });

        // The town page now shows the return; the quarterly meeting pack prints without header and form.
        await reviewer.GotoAsync($"{baseUrl}/towns/{w.Town}?year=2026&status=returned");
        Assert.Equal(1, await reviewer.Locator("tbody tr").CountAsync()); // 甲村 only (its forum, returned after its due date, shows as overdue)
        await reviewer.ClickAsync("#exports a:has-text('第4季度')");
        await reviewer.WaitForURLAsync($"**/towns/{w.Town}/meetings/4*");
        Assert.True(await reviewer.Locator("#record-form").IsVisibleAsync());
        await reviewer.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("meeting-pack-390.png"), FullPage = true });
        await reviewer.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await reviewer.Locator("header").IsVisibleAsync());
        Assert.False(await reviewer.Locator("#record-form").IsVisibleAsync());
        Assert.True(await reviewer.Locator("#overdue").IsVisibleAsync());
        await reviewer.PdfAsync(new PagePdfOptions { Path = Shot("meeting-pack-print.pdf"), Format = "A4" });
        await reviewer.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("meeting-pack-print.png"), FullPage = true });
    }
}
