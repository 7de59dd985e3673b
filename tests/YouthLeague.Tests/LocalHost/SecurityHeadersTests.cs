using System.Net;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>Every kind of answer of the local host (page, JSON, problem, redirect, static file, export, evidence) carries the security headers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecurityHeadersTests(Azurite azurite)
{
    [Fact]
    public async Task EveryAnswer_CarriesTheSecurityHeaders_PersonalDataIsNotCached()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "sh" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var secretary = await host.SignedInAsync("sec." + village);
        await host.SignInAsync("sec." + village);
        using (var submitted = await host.SubmitAsync(2026, village, "forum", DurabilityTests.Forum(), DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        }

        var step = await DurabilityTests.WaitForStatusAsync(secretary, village, "forum", "submitted");
        var photo = step.GetProperty("submissions")[0].GetProperty("evidence")[0].GetProperty("url").GetString()!;
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };

        var answers = new (string What, HttpClient Client, string Path, HttpStatusCode Status)[]
        {
            ("sign-in page", anonymous, "/login", HttpStatusCode.OK),
            ("village page", secretary, $"/villages/{village}?year=2026", HttpStatusCode.OK),
            ("ledger page", secretary, $"/villages/{village}/ledger?year=2026", HttpStatusCode.OK),
            ("not found page", secretary, "/villages/no-such-village?year=2026", HttpStatusCode.NotFound),
            ("redirect", anonymous, "/", HttpStatusCode.Redirect),
            ("JSON", secretary, $"/api/checklists/2026/{village}", HttpStatusCode.OK),
            ("JSON problem", anonymous, "/api/me", HttpStatusCode.Unauthorized),
            ("ledger export", secretary, $"/api/checklists/2026/{village}/ledger.csv", HttpStatusCode.OK),
            ("evidence photo", secretary, photo, HttpStatusCode.OK),
            ("stylesheet", anonymous, YouthLeague.Web.StaticAssets.Stylesheet.Url, HttpStatusCode.OK),
        };
        foreach (var (what, client, path, status) in answers)
        {
            using var response = await client.GetAsync(path);
            Assert.True(status == response.StatusCode, $"{what}: {response.StatusCode}");
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", what);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{what}: HSTS over plain HTTP");
            var cache = response.Headers.CacheControl?.ToString();
            Assert.True(what == "stylesheet" ? cache == "public, max-age=31536000, immutable" : cache == "no-store", $"{what}: Cache-Control {cache}");
        }

        using var evidence = await secretary.GetAsync(photo);
        Assert.Equal("inline", evidence.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".jpg", evidence.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        using var stale = await anonymous.GetAsync("/static/site.000000000000.css");
        Assert.Equal("no-cache", stale.Headers.CacheControl?.ToString());
        using var icon = await anonymous.GetAsync("/favicon.ico");
        Assert.Equal(YouthLeague.Web.StaticAssets.Icon.Url, icon.Headers.Location?.OriginalString);
    }
}
