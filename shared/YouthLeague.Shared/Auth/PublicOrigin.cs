using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace YouthLeague.Auth;

/// <summary>
/// Where people reach the site: <c>YouthLeague:PublicBaseUrl</c> (e.g. https://tuanjian.example.cn) when set.
/// Behind Azure's front end the worker sees plain HTTP from the front end, so neither the request's scheme nor its
/// host is what the person typed: cookies are marked Secure and invite links built from this setting instead
/// (on Azure, cookies are Secure even without it).
/// </summary>
public static class PublicOrigin
{
    public const string Setting = "YouthLeague:PublicBaseUrl";

    /// <summary>The configured base URL, if any; a value that is not an absolute http(s) URL fails with the setting's name.</summary>
    public static Uri? BaseUrl(IConfiguration config)
    {
        var value = config[Setting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.PathAndQuery == "/"
            ? uri
            : throw new InvalidOperationException($"{Setting} must be the site's public address, such as https://tuanjian.example.cn (got \"{value}\").");
    }

    /// <summary>Whether cookies must carry Secure: the request came over HTTPS, the public address is HTTPS, or the app runs on Azure.</summary>
    public static bool IsHttps(HttpRequest req)
    {
        if (req.IsHttps)
        {
            return true;
        }

        var config = req.HttpContext.RequestServices?.GetService<IConfiguration>();
        return config is not null && (BaseUrl(config)?.Scheme == "https" || DemoPasswordGuard.OnAzure(config));
    }

    /// <summary>An absolute link to <paramref name="path"/> (starting with '/') for a message or an API answer.</summary>
    public static string Url(HttpRequest req, string path)
    {
        var config = req.HttpContext.RequestServices?.GetService<IConfiguration>();
        var origin = config is not null && BaseUrl(config) is { } b ? b.GetLeftPart(UriPartial.Authority) : $"{req.Scheme}://{req.Host}";
        return origin + path;
    }
}
