using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using YouthLeague.Auth;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

[Collection(AzuriteCollection.Name)]
public sealed partial class SignInPagesTests(Azurite azurite)
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([0-9a-f]+)\"")]
    private static partial Regex TokenField();

    [Fact]
    public async Task CookieSession_ChangeWithoutAntiforgeryToken_IsRefusedAndWithItPasses()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "pg" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };

        var loginPage = await browser.GetStringAsync("/login");
        Assert.Contains("<html lang=\"zh-CN\">", loginPage, StringComparison.Ordinal);
        var token = TokenField().Match(loginPage).Groups[1].Value;
        using var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "sec." + village,
            ["password"] = LocalHostProcess.DemoPassword,
            [Access.AntiforgeryField] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal($"/villages/{village}", login.Headers.Location?.OriginalString);
        var session = cookies.GetCookies(browser.BaseAddress!)[Access.SessionCookie]!;
        Assert.True(session.HttpOnly);

        // Reading with the cookie works; changing without the page's token does not (cross-site request forgery).
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/api/checklists/2026/{village}")).StatusCode);
        using (var forged = await browser.PostAsync($"/api/checklists/2026/{village}/steps/forum/submissions", new MultipartFormDataContent { { new StringContent("x"), "place" } }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }

        using var real = new HttpRequestMessage(HttpMethod.Post, $"/api/checklists/2026/{village}/steps/forum/submissions")
        {
            Content = new MultipartFormDataContent { { new StringContent("x"), "place" } },
        };
        var pageToken = TokenField().Match(await browser.GetStringAsync($"/villages/{village}")).Groups[1].Value;
        Assert.NotEqual(token, pageToken); // the session's token, not the sign-in page's
        real.Headers.Add(Access.AntiforgeryHeader, pageToken);
        using var withToken = await browser.SendAsync(real);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, withToken.StatusCode); // past the access check, into validation
    }

    [Fact]
    public async Task PlatformPrincipalHeader_WhenEasyAuthIsOff_IsNotTrusted()
    {
        var (seed, _) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "ea" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add(Access.EasyAuthHeader, "city");
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String("{\"userId\":\"city\"}"u8.ToArray()));
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task LoginPage_WrongPassword_ShowsChineseMessageAndKeepsUsername()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "lp" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };
        var token = TokenField().Match(await browser.GetStringAsync("/login")).Groups[1].Value;

        using var response = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "sec." + village + "\"><script>alert(1)</script>",
            ["password"] = "wrong",
            [Access.AntiforgeryField] = token,
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("用户名或密码不正确", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvitePage_SetsPasswordOnlyWithItsDoubleSubmitToken()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "iv" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var city = await host.SignedInAsync("city");
        string invite;
        using (var reset = await city.PostAsync($"/api/accounts/sec.{village}/reset", null))
        {
            invite = new Uri((await reset.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("inviteUrl").GetString()!).AbsolutePath;
        }

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };
        var token = TokenField().Match(await browser.GetStringAsync(invite)).Groups[1].Value;
        Assert.NotEmpty(token);

        // A page elsewhere posting the same form (no cookie of ours, a guessed token) sets nobody's password.
        using (var anonymous = new HttpClient { BaseAddress = host.Http.BaseAddress })
        using (var forged = await anonymous.PostAsync(invite, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["password"] = "neues-pass-1",
            ["confirm"] = "neues-pass-1",
            [Access.AntiforgeryField] = token,
        })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Contains("页面已过期", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var accepted = await browser.PostAsync(invite, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["password"] = "neues-pass-1",
            ["confirm"] = "neues-pass-1",
            [Access.AntiforgeryField] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal($"/villages/{village}", accepted.Headers.Location?.OriginalString);
        Assert.NotNull(cookies.GetCookies(browser.BaseAddress!)[Access.SessionCookie]);
    }
}
