using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Tests.LocalHost;

namespace YouthLeague.Tests.Browser;

/// <summary>
/// Every page once, as its person sees it on a 390-px phone: it answers 200, the browser reports no error (a missing
/// favicon, a script or style the Content-Security-Policy blocks), nothing scrolls sideways. Screenshots in TestResults/.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PageTourBrowserTests(Azurite azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    private static string Shot(string name) => Path.Combine(SecretaryBrowserTests.Screenshots, "tour-" + name + "-390.png");

    [Fact]
    public async Task EveryPage_OnPhone_LoadsWithoutBrowserErrors()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "tour");
        await w.SubmitAsync(w.A, "forum", DurabilityTests.Forum());
        await w.SubmitAsync(w.B, "forum", DurabilityTests.Forum());
        await w.ReviewAsync(w.B, "forum", "return", "请补充参加人员名单");
        string invite;
        using (var reset = await w.City.PostAsync($"/api/accounts/sec.{w.C}/reset", null))
        {
            invite = new Uri((await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inviteUrl").GetString()!).AbsolutePath;
        }

        var baseUrl = w.Host.Http.BaseAddress!.ToString().TrimEnd('/');
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SecretaryBrowserTests.LaunchAsync(playwright);
        var problems = new List<string>();

        var anonymous = await (await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, Locale = "zh-CN" })).NewPageAsync();
        Watch(anonymous, problems);
        await VisitAsync(anonymous, baseUrl + "/login", "login", problems);
        await VisitAsync(anonymous, baseUrl + invite, "invite", problems);

        var secretary = await SecretaryBrowserTests.SignInAsync(browser, baseUrl, "sec." + w.B);
        Watch(secretary, problems);
        await VisitAsync(secretary, $"{baseUrl}/villages/{w.B}?year=2026", "village", problems);
        Assert.Contains("请补充参加人员名单", await secretary.Locator("#step-forum").InnerTextAsync(), StringComparison.Ordinal);
        await VisitAsync(secretary, $"{baseUrl}/villages/{w.B}/steps/forum?year=2026", "step-form", problems);
        await VisitAsync(secretary, $"{baseUrl}/villages/{w.B}/ledger/row?year=2026", "ledger-row", problems);
        await secretary.FillAsync("#l-name", "张三");
        await secretary.SelectOptionAsync("#l-sex", "男");
        await secretary.FillAsync("#l-birth", "1998");
        await secretary.ClickAsync("button:has-text('保存')");
        await secretary.WaitForURLAsync("**saved=1*");
        await VisitAsync(secretary, $"{baseUrl}/villages/{w.B}/ledger?year=2026", "ledger", problems);
        Assert.Contains("张三", await secretary.Locator("tbody").InnerTextAsync(), StringComparison.Ordinal);

        var reviewer = await SecretaryBrowserTests.SignInAsync(browser, baseUrl, "town." + w.Town);
        Watch(reviewer, problems);
        await VisitAsync(reviewer, $"{baseUrl}/towns/{w.Town}?year=2026", "town", problems);
        await VisitAsync(reviewer, $"{baseUrl}/towns/{w.Town}/reviews?year=2026", "reviews", problems);
        await VisitAsync(reviewer, $"{baseUrl}/villages/{w.A}/steps/forum/review?year=2026", "review", problems);
        await VisitAsync(reviewer, $"{baseUrl}/towns/{w.Town}/meetings/2?year=2026", "meeting", problems);

        var city = await SecretaryBrowserTests.SignInAsync(browser, baseUrl, "city");
        Watch(city, problems);
        await VisitAsync(city, $"{baseUrl}/city?year=2026", "city", problems);

        // The city's administration pages, each reached by its link from the city page and the index.
        await city.ClickAsync("#admin-link");
        await city.WaitForURLAsync("**/admin");
        foreach (var (path, name) in new[]
        {
            ("/admin", "admin"), ("/admin/org", "admin-org"), ("/admin/org/import", "admin-import"), ("/admin/invites", "admin-invites"),
            ("/admin/audit", "admin-audit"), ("/admin/years/2026", "admin-year"), ("/admin/years/2027/definition", "admin-definition"),
        })
        {
            await VisitAsync(city, baseUrl + path, name, problems);
        }

        await city.GotoAsync(baseUrl + "/admin/org");
        Assert.Contains("甲村", await city.Locator($"#town-{w.Town}").InnerTextAsync(), StringComparison.Ordinal);

        foreach (var p in problems)
        {
            output.WriteLine(p);
        }

        Assert.Empty(problems);
    }

    private static void Watch(IPage page, List<string> problems)
    {
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                problems.Add($"{page.Url}: console: {m.Text}");
            }
        };
        page.PageError += (_, e) => problems.Add($"{page.Url}: script error: {e}");
    }

    private static async Task VisitAsync(IPage page, string url, string name, List<string> problems)
    {
        var response = await page.GotoAsync(url);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (response is null || response.Status != 200)
        {
            problems.Add($"{url}: status {response?.Status}");
        }

        if (!await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"))
        {
            problems.Add($"{url}: scrolls sideways");
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot(name), FullPage = true });
    }
}
