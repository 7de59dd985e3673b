using Azure.Data.Tables;
using Microsoft.AspNetCore.Identity;
using YouthLeague.Storage;

namespace YouthLeague.Auth;

/// <summary>
/// The Accounts table as the sign-in, session, invite and administration code share it: the account rows
/// (partition "account"), the password hasher (ASP.NET Core Identity's PBKDF2), and the rules of a username.
/// </summary>
public sealed class AccountTable(StorageClients storage)
{
    internal static readonly PasswordHasher<AccountEntity> Hasher = new();

    /// <summary>A hash no password matches, verified when there is no account, so timing does not tell which usernames exist.</summary>
    internal static readonly string DummyHash = Hasher.HashPassword(new AccountEntity(), "not-a-real-password-1");

    public TableClient Table => storage.Table(TableNames.Accounts);

    /// <summary>Usernames: lowercase ASCII letters, digits, '.', '-' and '_', 2..64 long.</summary>
    public static bool IsUsername(string? u) =>
        u is { Length: >= 2 and <= 64 } && u.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_');

    public static string Normalize(string? username) => (username ?? "").Trim().ToLowerInvariant();

    public async Task<AccountEntity?> FindAsync(string username, CancellationToken cancellationToken = default)
    {
        if (!IsUsername(username))
        {
            return null;
        }

        var row = await Table.GetEntityIfExistsAsync<AccountEntity>(AccountEntity.Partition, username, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Whether the password is the account's; the same PBKDF2 work when there is no account or no password yet.</summary>
    public static bool PasswordMatches(AccountEntity? account, string? password)
    {
        if (account is not { PasswordHash.Length: > 0 } || string.IsNullOrEmpty(password))
        {
            Hasher.VerifyHashedPassword(new AccountEntity(), DummyHash, password ?? "");
            return false;
        }

        return Hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
    }

    public static Principal ToPrincipal(AccountEntity a) => new(a.RowKey, a.Role, a.Scope, a.TownId, a.Role == Roles.Office && a.ReviewGranted)
    {
        NothingUnread = Notifications.Outbox.NothingUnread(a.NoticesTag, a.NoticesReadTag),
        NoticesTag = Notifications.Outbox.TagOf(a.NoticesTag),
    };
}
