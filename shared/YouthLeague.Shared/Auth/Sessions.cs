using Azure;
using Azure.Data.Tables;

namespace YouthLeague.Auth;

/// <summary>
/// Sessions: a signed token (bearer or cookie, see <see cref="SessionTokens"/>) is good while its account is
/// enabled and still has the security stamp the token was issued with. Sign-out, reset, disable and rotation
/// change the stamp, which ends every session of the account at once, on every host.
/// </summary>
public sealed class Sessions(AccountTable accounts, SessionTokens tokens)
{
    /// <summary>The caller of a token, if the token is genuine, unexpired and its account still active with the same stamp.</summary>
    public async Task<Principal?> ResolveAsync(string? token, CancellationToken cancellationToken = default)
    {
        var claims = await tokens.ReadAsync(token, cancellationToken);
        if (claims is null)
        {
            return null;
        }

        var account = await accounts.FindAsync(claims.Username, cancellationToken);
        return account is { Disabled: false } && account.SecurityStamp == claims.Stamp ? AccountTable.ToPrincipal(account) : null;
    }

    /// <summary>Whether the token is genuine and unexpired (its signature checked here, no storage read; the account is not looked at).</summary>
    public async Task<bool> IsGenuineAsync(string? token, CancellationToken cancellationToken = default) =>
        await tokens.ReadAsync(token, cancellationToken) is not null;

    /// <summary>Ends every session of the account.</summary>
    public async Task SignOutAsync(string username, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < 8; i++)
        {
            var account = await accounts.FindAsync(username, cancellationToken);
            if (account is null)
            {
                return;
            }

            account.SecurityStamp = SessionTokens.NewStamp();
            try
            {
                await accounts.Table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
            }
        }
    }
}
