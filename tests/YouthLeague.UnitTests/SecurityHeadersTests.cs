using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using YouthLeague.Web;

namespace YouthLeague.UnitTests;

/// <summary>
/// The headers both hosts add (the local host's middleware and the Functions worker middleware call the same code);
/// the local host's answers are checked end to end in SecurityHeadersTests of YouthLeague.Tests.
/// </summary>
public sealed class SecurityHeadersTests
{
    /// <summary>A response that runs its OnStarting callbacks when told, as a server does when the first byte goes out.</summary>
    private sealed class StartingResponse : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> callbacks = [];

        public override void OnStarting(Func<object, Task> callback, object state) => callbacks.Add((callback, state));

        public async Task StartAsync()
        {
            foreach (var (callback, state) in callbacks)
            {
                await callback(state);
            }
        }
    }

    private static async Task<IHeaderDictionary> AnswerAsync(bool https, string? cacheControl = null)
    {
        var context = new DefaultHttpContext();
        var response = new StartingResponse();
        context.Features.Set<IHttpResponseFeature>(response);
        SecurityHeaders.Register(context, https);
        if (cacheControl is not null)
        {
            context.Response.Headers.CacheControl = cacheControl; // the function's own, set after registration
        }

        await response.StartAsync();
        return context.Response.Headers;
    }

    [Fact]
    public async Task Register_OverHttps_AllHeadersAndHsts()
    {
        var headers = await AnswerAsync(https: true);

        Assert.Equal("nosniff", headers.XContentTypeOptions);
        Assert.Contains("frame-ancestors 'none'", headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.Equal("same-origin", headers["Referrer-Policy"]);
        Assert.Equal("no-store", headers.CacheControl);
        Assert.StartsWith("max-age=", headers.StrictTransportSecurity.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_PlainHttp_NoHsts_AndAFilesOwnCachingStays()
    {
        var headers = await AnswerAsync(https: false, StaticAssets.LongLivedCaching);

        Assert.Empty(headers.StrictTransportSecurity.ToString());
        Assert.Equal(StaticAssets.LongLivedCaching, headers.CacheControl);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("http://localhost:7071", false)]
    [InlineData("https://tuanjian.example.cn", true)]
    public async Task Hsts_OnFunctionsTrustedXForwardedProto_NowDecidedFromThePublicBaseUrl(string? publicBaseUrl, bool hsts)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [YouthLeague.Auth.PublicOrigin.Setting] = publicBaseUrl })
            .Build();
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection()
                .AddSingleton<IConfiguration>(config).BuildServiceProvider(),
        };
        context.Request.Headers["X-Forwarded-Proto"] = "https"; // sent by the caller: it says nothing about the site
        var response = new StartingResponse();
        context.Features.Set<IHttpResponseFeature>(response);

        SecurityHeaders.Register(context);
        await response.StartAsync();

        Assert.Equal(hsts, context.Response.Headers.StrictTransportSecurity.ToString().StartsWith("max-age=", StringComparison.Ordinal));
    }
}
