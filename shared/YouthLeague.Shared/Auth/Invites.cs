using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using YouthLeague.Storage;

namespace YouthLeague.Auth;

/// <summary>Row of the Accounts table: PartitionKey "invite", RowKey = SHA-256 of the token (the token itself is never stored).</summary>
public sealed class InviteEntity : EntityBase
{
    public const string Partition = "invite";

    public string Username { get; set; } = "";

    public DateTimeOffset Expires { get; set; }

    public bool Used { get; set; }

    /// <summary>The account's security stamp when the invite was issued: reset, disable, rotation and any sign-out change it, which revokes the invite.</summary>
    public string Stamp { get; set; } = "";
}

/// <summary>
/// Invite links: a random token for one account, good once, for <see cref="Lifetime"/>, and only while the account
/// keeps the security stamp it had when the invite was issued, so reset, disable and rotation revoke every
/// outstanding invite without looking for them. Accepting one never re-enables a disabled account.
/// </summary>
public sealed class Invites(AccountTable accounts, SessionTokens tokens, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public const string Revoked = "该邀请链接已失效，请联系审核员重新发送";

    public async Task<string> CreateAsync(AccountEntity account, CancellationToken cancellationToken = default)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await accounts.Table.AddEntityAsync(
            new InviteEntity
            {
                PartitionKey = InviteEntity.Partition,
                RowKey = Hash(token),
                Username = account.RowKey,
                Stamp = account.SecurityStamp,
                Expires = clock.GetUtcNow() + Lifetime,
            },
            cancellationToken);
        return token;
    }

    /// <summary>The invite and its account, if the invite is unused, unexpired and not revoked; else a message for the person.</summary>
    public async Task<(InviteEntity? Invite, string? Problem)> FindAsync(string? token, CancellationToken cancellationToken = default)
    {
        var (invite, _, problem) = await FindWithAccountAsync(token, cancellationToken);
        return (invite, problem);
    }

    private async Task<(InviteEntity? Invite, AccountEntity? Account, string? Problem)> FindWithAccountAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length != 48 || !token.All(Uri.IsHexDigit))
        {
            return (null, null, "邀请链接无效");
        }

        var row = await accounts.Table.GetEntityIfExistsAsync<InviteEntity>(InviteEntity.Partition, Hash(token), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return (null, null, "邀请链接无效");
        }

        var invite = row.Value!;
        if (invite.Used)
        {
            return (null, null, "该邀请链接已经使用过，请直接登录或联系审核员重新发送");
        }

        if (invite.Expires <= clock.GetUtcNow())
        {
            return (null, null, "邀请链接已过期，请联系审核员重新发送");
        }

        var account = await accounts.FindAsync(invite.Username, cancellationToken);
        return account is null || account.Disabled || invite.Stamp.Length == 0 || account.SecurityStamp != invite.Stamp
            ? (null, null, Revoked)
            : (invite, account, null);
    }

    /// <summary>
    /// Sets the password from an invite, once: the invite is marked used and the account updated with ETag checks, so two
    /// tabs cannot both use it and a reset or disable that happens meanwhile wins.
    /// </summary>
    public async Task<SignInResult?> AcceptAsync(string token, string password, CancellationToken cancellationToken = default)
    {
        var (invite, account, _) = await FindWithAccountAsync(token, cancellationToken);
        if (invite is null || account is null)
        {
            return null;
        }

        invite.Used = true;
        try
        {
            await accounts.Table.UpdateEntityAsync(invite, invite.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return null;
        }

        // The account row also changes for reasons that leave the invite standing (the notice tags Outbox merges in):
        // on a conflict it is read again, and only a reset, disable or rotation meanwhile (a new stamp) voids the invite.
        for (var attempt = 0; ; attempt++)
        {
            account.PasswordHash = AccountTable.Hasher.HashPassword(account, password);
            account.SecurityStamp = SessionTokens.NewStamp();
            try
            {
                await accounts.Table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, cancellationToken);
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                account = attempt < 8 ? await accounts.FindAsync(invite.Username, cancellationToken) : null;
                if (account is null || account.Disabled || account.SecurityStamp != invite.Stamp)
                {
                    return null; // reset, disabled or rotated while the form was open: the invite is void
                }
            }
        }

        return new SignInResult(SignInOutcome.SignedIn, AccountTable.ToPrincipal(account), await tokens.IssueAsync(account.RowKey, account.SecurityStamp, cancellationToken));
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
