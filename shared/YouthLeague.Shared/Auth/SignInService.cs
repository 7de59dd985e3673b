using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace YouthLeague.Auth;

public enum SignInOutcome
{
    SignedIn,
    WrongCredentials,
    LockedOut,

    /// <summary>Not returned by <see cref="SignInService"/>: a disabled account answers as a wrong password does, whatever the password.</summary>
    Disabled,
}

/// <param name="RetryAfter">When locked out: how long until the lock ends (it grows with repeated locks: 15 minutes, 30, … up to 24 hours).</param>
public sealed record SignInResult(SignInOutcome Outcome, Principal? Principal = null, string? Token = null, DateTimeOffset? LockedUntil = null, TimeSpan? RetryAfter = null)
{
    /// <summary>The lock's real remaining time in words, for the sign-in page and the API alike ("15 分钟", "2 小时 5 分钟").</summary>
    public string? RetryAfterText => RetryAfter is { } wait ? SignInThrottle.Wording(wait) : null;
}

/// <summary>
/// Password sign-in. Every attempt is claimed in the <see cref="SignInThrottle"/> first; then the password is
/// checked (PBKDF2, the same work for an unknown name). Unknown names, disabled accounts and wrong passwords give
/// the same answer, so neither the answer nor its timing tells which names exist or whether a disabled account's
/// password was right.
/// </summary>
public sealed class SignInService(AccountTable accounts, SessionTokens tokens, SignInThrottle throttle, PlatformIdentity platform, ILogger<SignInService> log)
{
    /// <summary>A sign-in over HTTP: throttled by the caller's address; one that carries an App Service principal links it to the account.</summary>
    public async Task<SignInResult> SignInAsync(HttpRequest req, string? username, string? password)
    {
        var result = await SignInAsync(throttle.ClientOf(req), username, password, req.HttpContext.RequestAborted);
        if (result.Outcome == SignInOutcome.SignedIn && platform.Of(req) is not null && await accounts.FindAsync(result.Principal!.Username, req.HttpContext.RequestAborted) is { } account)
        {
            await platform.LinkAsync(req, account, req.HttpContext.RequestAborted);
        }

        return result;
    }

    public async Task<SignInResult> SignInAsync(string client, string? username, string? password, CancellationToken cancellationToken = default)
    {
        var name = AccountTable.Normalize(username);
        if (await throttle.ClaimAsync(client, name, cancellationToken) is { } until)
        {
            log.LogWarning("Sign-in throttled until {Until}", until);
            return new SignInResult(SignInOutcome.LockedOut, LockedUntil: until, RetryAfter: throttle.Remaining(until));
        }

        var account = await accounts.FindAsync(name, cancellationToken);
        var ok = AccountTable.PasswordMatches(account, password);
        if (!ok || account is null || account.Disabled)
        {
            await throttle.FailedAsync(client, cancellationToken);
            return new SignInResult(SignInOutcome.WrongCredentials);
        }

        await throttle.SucceededAsync(client, name, cancellationToken);
        return new SignInResult(SignInOutcome.SignedIn, AccountTable.ToPrincipal(account), await tokens.IssueAsync(account.RowKey, account.SecurityStamp, cancellationToken));
    }
}
