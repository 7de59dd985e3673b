using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using YouthLeague.Auth;

namespace YouthLeague.Tests.Security;

/// <summary>Issue #14: behind Azure's front end the worker sees HTTP, so the session cookie had no Secure flag and invite links said http://.</summary>
public sealed class PublicOriginTests
{
    private static HttpRequest Request(Dictionary<string, string?> settings)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider(),
        };
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:8080"); // what the worker sees
        return context.Request;
    }

    [Fact]
    public void SessionCookie_BehindTheFrontEndWithAnHttpsPublicBaseUrl_IsSecureAndInviteLinksUseThatAddress()
    {
        var req = Request(new() { [PublicOrigin.Setting] = "https://tuanjian.example.cn/" });
        Assert.True(SignInPages.SessionCookieOptions(req).Secure);
        Assert.True(SignInPages.SessionCookieOptions(req).HttpOnly);
        Assert.Equal("https://tuanjian.example.cn/invite/abc", PublicOrigin.Url(req, "/invite/abc"));
    }

    [Fact]
    public void SessionCookie_OnAzureWithoutTheSetting_IsStillSecure()
    {
        Assert.True(SignInPages.SessionCookieOptions(Request(new() { ["WEBSITE_SITE_NAME"] = "yl-func" })).Secure);
    }

    [Fact]
    public void SessionCookie_LocalHostOverHttp_NotSecureSoItStillWorks()
    {
        var req = Request(new());
        Assert.False(SignInPages.SessionCookieOptions(req).Secure);
        Assert.Equal("http://127.0.0.1:8080/invite/abc", PublicOrigin.Url(req, "/invite/abc"));
    }

    [Theory]
    [InlineData("tuanjian.example.cn")]
    [InlineData("https://tuanjian.example.cn/sub/path")]
    [InlineData("ftp://tuanjian.example.cn")]
    public void PublicBaseUrl_NotASiteAddress_FailsNamingTheSetting(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PublicOrigin.Url(Request(new() { [PublicOrigin.Setting] = value }), "/"));
        Assert.Contains(PublicOrigin.Setting, ex.Message, StringComparison.Ordinal);
    }
}
