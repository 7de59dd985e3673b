using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using YouthLeague.Auth;

namespace YouthLeague.Web;

/// <summary>
/// The anti-forgery token of a cookie session: HMAC-SHA256 of the session cookie under a key derived from the session
/// signing key. Only a page that could read the session (ours) can send it; without the key nobody can compute it
/// from a stolen or guessed cookie value. Bearer callers need none.
/// </summary>
public sealed class Antiforgery(SessionTokens tokens)
{
    private const string Purpose = "antiforgery";

    public async Task<string> TokenForAsync(string sessionCookie, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(await tokens.DerivedKeyAsync(Purpose, cancellationToken), Encoding.UTF8.GetBytes(sessionCookie)));

    /// <summary>The token for the request's session cookie; empty without one.</summary>
    public async Task<string> TokenForAsync(HttpRequest req) =>
        req.Cookies.TryGetValue(Access.SessionCookie, out var cookie) ? await TokenForAsync(cookie, req.HttpContext.RequestAborted) : "";

    public async Task<bool> IsValidAsync(string sessionCookie, string given, CancellationToken cancellationToken = default) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(await TokenForAsync(sessionCookie, cancellationToken)), Encoding.ASCII.GetBytes(given));
}
