using Microsoft.Playwright;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Tests.LocalHost;

namespace YouthLeague.Tests.Browser;

/// <summary>A first secretary on a phone-sized screen, in Debian's Chromium driven by Playwright, against the local host.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecretaryBrowserTests(Azurite azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(TestData.RepoRoot, "TestResults", "screenshots")).FullName;

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

    /// <summary>A new phone-sized (390×844, zh-CN) browser context, signed in through the login page.</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, string baseUrl, string username)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/login");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", LocalHostProcess.DemoPassword);
        await page.ClickAsync("button:has-text('登录')");
        await page.WaitForLoadStateAsync();
        return page;
    }

    [Fact]
    public async Task Secretary_OnPhone_SignsInSubmitsForumWithPhotoAndSeesItSubmitted()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "br" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        var baseUrl = host.Http.BaseAddress!.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(baseUrl + "/");
        Assert.EndsWith("/login", page.Url, StringComparison.Ordinal);

        // A real JPEG: the browser's own rendering of the sign-in page.
        var photo = Path.Combine(Path.GetTempPath(), $"yl-photo-{village}.jpg");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = photo, Type = ScreenshotType.Jpeg, Quality = 80 });

        await page.FillAsync("#username", "sec." + village);
        await page.FillAsync("#password", LocalHostProcess.DemoPassword);
        await page.ClickAsync("button:has-text('登录')");
        await page.WaitForURLAsync($"**/villages/{village}");
        Assert.Equal(6, await page.Locator("section.step").CountAsync());

        await page.GotoAsync($"{baseUrl}/villages/{village}/steps/forum?year=2026");
        await page.FillAsync("#f-date", "2026-05-04");
        await page.FillAsync("#f-place", "村委会议室");
        await page.FillAsync("#f-attendance", "16");
        await page.FillAsync("#f-topics", "返乡创业与就业");
        await page.FillAsync("#f-minutes", "十六名团员青年参加，围绕返乡创业交流了想法。");
        await page.SetInputFilesAsync("#evidence", photo);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "forum-form-390.png"), FullPage = true });
        await page.ClickAsync("button:has-text('提交')");

        await page.WaitForURLAsync($"**/villages/{village}?year=2026&submitted=forum*");
        Assert.Contains("已提交", await page.Locator("p.ok").InnerTextAsync(), StringComparison.Ordinal);
        // The page the redirect lands on shows the step as handed in, with no reload: before the orchestration has
        // projected it ("正在登记"), or after; never the empty card and its "填写并提交" again.
        Assert.Equal("待审核", await page.Locator("#step-forum .chip").InnerTextAsync());
        Assert.Contains("村委会议室", await page.Locator("#step-forum details").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#step-forum a.button").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "village-390.png"), FullPage = true });

        // No horizontal scrolling on a phone.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"));
    }

    [Fact]
    public async Task Secretary_OnPhone_LargePhotoIsShrunkBeforeUpload_AndADraftComesBack()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "bs" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        var baseUrl = host.Http.BaseAddress!.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await SignInAsync(browser, baseUrl, "sec." + village);
        await page.WaitForURLAsync($"**/villages/{village}");

        // A draft: half the form, saved, and back after leaving the page.
        await page.GotoAsync($"{baseUrl}/villages/{village}/steps/volunteering?year=2026");
        await page.FillAsync("#f-activity", "清扫村道、慰问老人");
        await page.ClickAsync("button:has-text('保存草稿')");
        await page.WaitForURLAsync("**draft=saved*");
        await page.GotoAsync($"{baseUrl}/villages/{village}");
        await page.GotoAsync($"{baseUrl}/villages/{village}/steps/volunteering?year=2026");
        Assert.Equal("清扫村道、慰问老人", await page.InputValueAsync("#f-activity"));
        Assert.Contains("已恢复您的草稿", await page.Locator("p.ok").InnerTextAsync(), StringComparison.Ordinal);

        // A 4000×3000 camera-sized photo: the page shrinks it before sending, so far fewer bytes travel.
        var original = TestImages.NoisyJpeg(4000, 3000);
        var photo = Path.Combine(Path.GetTempPath(), $"yl-big-{village}.jpg");
        await File.WriteAllBytesAsync(photo, original);
        IRequest? upload = null;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.Contains("/steps/volunteering", StringComparison.Ordinal))
            {
                upload = request;
            }
        };
        await page.FillAsync("#f-date", "2026-06-01");
        await page.FillAsync("#f-volunteers", "12");
        await page.FillAsync("#f-hours", "24");
        await page.FillAsync("#f-beneficiaries", "30");
        await page.SetInputFilesAsync("#evidence", photo);
        await page.ClickAsync("button:has-text('提交')");
        await page.WaitForURLAsync($"**/villages/{village}?year=2026&submitted=volunteering*");

        Assert.True(original.Length > 2_000_000, $"the test photo is only {original.Length} bytes");
        Assert.NotNull(upload);
        var sent = long.Parse(await upload.HeaderValueAsync("content-length") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"photo {original.Length} bytes; upload body {sent} bytes");
        Assert.InRange(sent, 1, original.Length / 2);
        var step = await DurabilityTests.WaitForStatusAsync(await host.SignedInAsync("sec." + village), village, "volunteering", "submitted");
        Assert.Single(step.GetProperty("submissions")[0].GetProperty("evidence").EnumerateArray());
    }
}
