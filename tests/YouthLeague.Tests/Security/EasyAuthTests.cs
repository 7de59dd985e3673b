using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Auth;
using YouthLeague.Storage;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;

namespace YouthLeague.Tests.Security;

/// <summary>
/// Issue #14, Easy Auth trust: X-MS-CLIENT-PRINCIPAL-NAME was trusted without App Service Authentication being on,
/// the identity provider was ignored, and anti-forgery and revocation were skipped.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EasyAuthTests(Azurite azurite)
{
    private static HttpRequest Request(IServiceProvider services, string method, string? idp, string? id, string? name = null, string? cookies = null)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        if (idp is not null)
        {
            context.Request.Headers[PlatformIdentity.ProviderHeader] = idp;
        }

        if (id is not null)
        {
            context.Request.Headers[PlatformIdentity.IdHeader] = id;
        }

        if (name is not null)
        {
            context.Request.Headers[Access.EasyAuthHeader] = name;
        }

        if (cookies is not null)
        {
            context.Request.Headers.Cookie = cookies;
        }

        return context.Request;
    }

    private async Task<(ServiceProvider Services, string User)> SetUpAsync(bool platformOn)
    {
        var services = AccountServiceTests.Services(azurite.ConnectionString, new FakeTimeProvider(DateTimeOffset.UtcNow), new Dictionary<string, string?>
        {
            ["YouthLeague:Auth:EasyAuth"] = "true",
            ["WEBSITE_AUTH_ENABLED"] = platformOn ? "True" : null,
        });
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        var user = "ea" + Guid.NewGuid().ToString("N")[..8];
        await services.GetRequiredService<AccountService>().SeedDemoAsync(new DemoSeed(new CitySeed("zoucheng", "邹城市", new PersonSeed(user, "市")), [], []), "demo-pass-1");
        return (services, user);
    }

    [Fact]
    public async Task EasyAuth_SettingOnButPlatformAuthOff_HeadersIgnored()
    {
        var (services, user) = await SetUpAsync(platformOn: false);
        await using var _ = services;
        var access = services.GetRequiredService<Access>();
        await services.GetRequiredService<SignInService>().SignInAsync(Request(services, "POST", "aad", "oid-1"), user, "demo-pass-1");

        Assert.Equal(401, (await access.AuthenticateAsync(Request(services, "GET", "aad", "oid-1", name: user))).Denied?.StatusCode);
    }

    [Fact]
    public async Task EasyAuth_PrincipalName_ProvesNothing_IdAndProviderAreMappedAfterAPasswordSignIn()
    {
        var (services, user) = await SetUpAsync(platformOn: true);
        await using var _ = services;
        var access = services.GetRequiredService<Access>();

        Assert.Equal(401, (await access.AuthenticateAsync(Request(services, "GET", "aad", "oid-2", name: user))).Denied?.StatusCode);

        await services.GetRequiredService<SignInService>().SignInAsync(Request(services, "POST", "aad", "oid-2"), user, "demo-pass-1");
        Assert.Equal(user, (await access.AuthenticateAsync(Request(services, "GET", "aad", "oid-2"))).Principal?.Username);
        Assert.Equal(401, (await access.AuthenticateAsync(Request(services, "GET", "github", "oid-2"))).Denied?.StatusCode);
        Assert.Equal(401, (await access.AuthenticateAsync(Request(services, "GET", "aad", "oid-3", name: user))).Denied?.StatusCode);
    }

    [Fact]
    public async Task EasyAuth_SignOutOrDisable_RevokesTheMapping()
    {
        var (services, user) = await SetUpAsync(platformOn: true);
        await using var _ = services;
        var access = services.GetRequiredService<Access>();
        await services.GetRequiredService<SignInService>().SignInAsync(Request(services, "POST", "aad", "oid-4"), user, "demo-pass-1");
        Assert.NotNull((await access.AuthenticateAsync(Request(services, "GET", "aad", "oid-4"))).Principal);

        await services.GetRequiredService<Sessions>().SignOutAsync(user);
        Assert.Equal(401, (await access.AuthenticateAsync(Request(services, "GET", "aad", "oid-4"))).Denied?.StatusCode);
    }

    [Fact]
    public async Task EasyAuth_CookieBorneChangeWithoutAntiforgery_403()
    {
        var (services, user) = await SetUpAsync(platformOn: true);
        await using var _ = services;
        var access = services.GetRequiredService<Access>();
        var signedIn = await services.GetRequiredService<SignInService>().SignInAsync(Request(services, "POST", "aad", "oid-5"), user, "demo-pass-1");

        var forged = await access.AuthenticateAsync(Request(services, "POST", "aad", "oid-5", cookies: $"{PlatformIdentity.PlatformCookie}=abc; {Access.SessionCookie}={signedIn.Token}"));
        Assert.Equal(403, forged.Denied?.StatusCode);
        var noOwnCookie = await access.AuthenticateAsync(Request(services, "POST", "aad", "oid-5", cookies: $"{PlatformIdentity.PlatformCookie}=abc"));
        Assert.Equal(403, noOwnCookie.Denied?.StatusCode);

        var token = await services.GetRequiredService<YouthLeague.Web.Antiforgery>().TokenForAsync(signedIn.Token!);
        var withToken = Request(services, "POST", "aad", "oid-5", cookies: $"{PlatformIdentity.PlatformCookie}=abc; {Access.SessionCookie}={signedIn.Token}");
        withToken.Headers[Access.AntiforgeryHeader] = token;
        Assert.True((await access.AuthenticateAsync(withToken)).Allowed);
    }
}
