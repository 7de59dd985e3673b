using Microsoft.AspNetCore.Http;

namespace YouthLeague.Web;

/// <summary>
/// The headers every answer of both hosts carries (pages, JSON, files): one place, called by the local host's
/// middleware and by the Functions app's worker middleware, just before the response starts.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts and styles only from our own files (no inline script, no style attribute), images also as data/blob
    /// (the upload script draws photos on a canvas), forms post only to us, and nobody may frame a page (clickjacking).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Pages and files carry names, phones, photos: no cache anywhere keeps them, unless an answer says otherwise (static files).</summary>
    public const string NoStore = "no-store";

    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    /// <summary>
    /// The headers both hosts add, HSTS when the site is HTTPS as far as the app knows it (<see cref="Auth.PublicOrigin.IsHttps"/>:
    /// the connection, the configured <c>YouthLeague:PublicBaseUrl</c>, or Azure), never from a request header: X-Forwarded-Proto
    /// is whatever the caller sent when nothing in front strips it (issue #14).
    /// </summary>
    public static void Register(HttpContext context) => Register(context, Auth.PublicOrigin.IsHttps(context.Request));

    /// <summary>Registers the headers on the response; call before the function runs (it may still set its own Cache-Control).</summary>
    public static void Register(HttpContext context, bool https) =>
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            if (string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = NoStore;
            }

            if (https)
            {
                headers.StrictTransportSecurity = StrictTransportSecurity;
            }

            return Task.CompletedTask;
        });
}
