using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Auth;

public enum SignInOutcome { SignedIn, WrongCredentials, LockedOut, Disabled }

public sealed record SignInResult(SignInOutcome Outcome, Principal? Principal = null, string? Token = null, DateTimeOffset? LockedUntil = null);

public sealed record AccountChange(int Status, string? Title = null, string? InviteToken = null, IDictionary<string, string[]>? Errors = null)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>Row of the Accounts table: PartitionKey "invite", RowKey = SHA-256 of the token (the token itself is never stored).</summary>
public sealed class InviteEntity : EntityBase
{
    public const string Partition = "invite";

    public string Username { get; set; } = "";

    public DateTimeOffset Expires { get; set; }

    public bool Used { get; set; }
}

/// <summary>
/// Accounts, passwords (ASP.NET Core Identity's PasswordHasher: PBKDF2), lockout, invites and who may manage whom:
/// city staff manage town reviewers, a town reviewer manages the secretaries of its own villages.
/// </summary>
public sealed class AccountService(StorageClients storage, SessionTokens tokens, DirectoryService directory, TimeProvider clock, ILogger<AccountService> log)
{
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromDays(7);
    private static readonly PasswordHasher<AccountEntity> Hasher = new();

    private TableClient Table => storage.Table(TableNames.Accounts);

    public async Task<AccountEntity?> FindAsync(string username, CancellationToken cancellationToken = default)
    {
        if (!IsUsername(username))
        {
            return null;
        }

        var row = await Table.GetEntityIfExistsAsync<AccountEntity>(AccountEntity.Partition, username, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Usernames: lowercase ASCII letters, digits, '.', '-' and '_', 2..64 long.</summary>
    public static bool IsUsername(string? u) =>
        u is { Length: >= 2 and <= 64 } && u.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_');

    public static string? PasswordProblem(string? password) => password switch
    {
        null or { Length: < 8 } => "密码至少 8 位",
        { Length: > 128 } => "密码最多 128 位",
        _ when !password.Any(char.IsAsciiLetter) || !password.Any(char.IsAsciiDigit) => "密码需同时包含字母和数字",
        _ => null,
    };

    public async Task<SignInResult> SignInAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        var account = username is null ? null : await FindAsync(username.Trim().ToLowerInvariant(), cancellationToken);
        if (account is null || string.IsNullOrEmpty(password))
        {
            // Same work as a real check, so timing does not tell which usernames exist.
            Hasher.VerifyHashedPassword(new AccountEntity(), DummyHash, password ?? "");
            return new SignInResult(SignInOutcome.WrongCredentials);
        }

        var now = clock.GetUtcNow();
        if (account.LockedUntil is { } until && until > now)
        {
            return new SignInResult(SignInOutcome.LockedOut, LockedUntil: until);
        }

        var ok = account.PasswordHash.Length > 0 && Hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
        if (!ok)
        {
            account.FailedSignIns++;
            if (account.FailedSignIns >= MaxFailedSignIns)
            {
                account.LockedUntil = now + LockoutDuration;
                account.FailedSignIns = 0;
                log.LogWarning("Account {Username} locked after repeated wrong passwords", account.RowKey);
            }

            await TryUpdateAsync(account, cancellationToken);
            return account.LockedUntil > now
                ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: account.LockedUntil)
                : new SignInResult(SignInOutcome.WrongCredentials);
        }

        if (account.Disabled)
        {
            return new SignInResult(SignInOutcome.Disabled);
        }

        if (account.FailedSignIns != 0 || account.LockedUntil is not null)
        {
            account.FailedSignIns = 0;
            account.LockedUntil = null;
            await TryUpdateAsync(account, cancellationToken);
        }

        return new SignInResult(SignInOutcome.SignedIn, ToPrincipal(account), await tokens.IssueAsync(account.RowKey, account.SecurityStamp, cancellationToken));
    }

    /// <summary>The caller of a token, if the token is genuine, unexpired and its account still active with the same stamp.</summary>
    public async Task<Principal?> ResolveAsync(string? token, CancellationToken cancellationToken = default)
    {
        var claims = await tokens.ReadAsync(token, cancellationToken);
        if (claims is null)
        {
            return null;
        }

        var account = await FindAsync(claims.Username, cancellationToken);
        return account is { Disabled: false } && account.SecurityStamp == claims.Stamp ? ToPrincipal(account) : null;
    }

    /// <summary>Signed-in as an account without a password (App Service Authentication maps its user to a username).</summary>
    public async Task<Principal?> ResolveUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        var account = await FindAsync(username.Trim().ToLowerInvariant(), cancellationToken);
        return account is { Disabled: false } ? ToPrincipal(account) : null;
    }

    /// <summary>Ends every session of the account.</summary>
    public async Task SignOutAsync(string username, CancellationToken cancellationToken = default)
    {
        var account = await FindAsync(username, cancellationToken);
        if (account is not null)
        {
            account.SecurityStamp = SessionTokens.NewStamp();
            await Table.UpdateEntityAsync(account, ETag.All, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>Who may create, reset or disable an account of this role and scope.</summary>
    public static bool MayManage(Principal actor, string role, string townId) => role switch
    {
        Roles.Town => actor.IsCity,
        Roles.Secretary => actor.IsCity || actor.ReviewsTown(townId),
        _ => false,
    };

    public async Task<AccountChange> CreateAsync(Principal actor, string username, string role, string scope, string displayName, CancellationToken cancellationToken = default)
    {
        username = username.Trim().ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if (!IsUsername(username))
        {
            errors["username"] = ["用户名只能用小写字母、数字和 . - _，2 至 64 位"];
        }

        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > 40)
        {
            errors["displayName"] = ["请填写姓名（不超过 40 字）"];
        }

        var townId = await TownOfScopeAsync(role, scope, cancellationToken);
        if (townId is null)
        {
            errors["scope"] = [role == Roles.Secretary ? "找不到该村" : role == Roles.Town ? "找不到该镇街" : "角色只能是 town 或 secretary"];
        }

        if (errors.Count > 0)
        {
            return new AccountChange(422, "账户信息有误", Errors: errors);
        }

        if (!MayManage(actor, role, townId!))
        {
            return new AccountChange(403, "您无权创建该账户");
        }

        var account = new AccountEntity
        {
            PartitionKey = AccountEntity.Partition,
            RowKey = username,
            Role = role,
            Scope = scope,
            TownId = townId!,
            DisplayName = displayName.Trim(),
            SecurityStamp = SessionTokens.NewStamp(),
        };
        try
        {
            await Table.AddEntityAsync(account, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return new AccountChange(409, "该用户名已被使用");
        }

        log.LogInformation("Account {Username} ({Role}) created by {Actor}", username, role, actor.Username);
        return new AccountChange(201, InviteToken: await CreateInviteAsync(username, cancellationToken));
    }

    /// <summary>Clears the password, ends every session and issues a new invite link.</summary>
    public async Task<AccountChange> ResetAsync(Principal actor, string username, CancellationToken cancellationToken = default)
    {
        var account = await FindAsync(username, cancellationToken);
        if (account is null)
        {
            return new AccountChange(404, "找不到该账户");
        }

        if (!MayManage(actor, account.Role, account.TownId))
        {
            return new AccountChange(403, "您无权重置该账户");
        }

        account.PasswordHash = "";
        account.SecurityStamp = SessionTokens.NewStamp();
        account.FailedSignIns = 0;
        account.LockedUntil = null;
        account.Disabled = false;
        await Table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, cancellationToken);
        return new AccountChange(200, InviteToken: await CreateInviteAsync(username, cancellationToken));
    }

    public async Task<AccountChange> DisableAsync(Principal actor, string username, CancellationToken cancellationToken = default)
    {
        var account = await FindAsync(username, cancellationToken);
        if (account is null)
        {
            return new AccountChange(404, "找不到该账户");
        }

        if (!MayManage(actor, account.Role, account.TownId))
        {
            return new AccountChange(403, "您无权停用该账户");
        }

        account.Disabled = true;
        account.SecurityStamp = SessionTokens.NewStamp();
        await Table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, cancellationToken);
        return new AccountChange(200);
    }

    /// <summary>
    /// Rotation: the village gets a new first secretary. The new account is created with an invite; the old one
    /// loses the village (disabled, sessions ended). The checklist and its history belong to the village and stay.
    /// </summary>
    public async Task<AccountChange> ReassignSecretaryAsync(Principal actor, string villageId, string newUsername, string newName, CancellationToken cancellationToken = default)
    {
        var village = await directory.FindVillageAsync(villageId, cancellationToken);
        if (village is null)
        {
            return new AccountChange(404, "找不到该村");
        }

        if (!MayManage(actor, Roles.Secretary, village.TownId))
        {
            return new AccountChange(403, "您无权调整该村的第一书记");
        }

        var created = await CreateAsync(actor, newUsername, Roles.Secretary, villageId, newName, cancellationToken);
        if (!created.Ok)
        {
            return created;
        }

        var old = village.Secretary.Username;
        if (old.Length > 0 && !string.Equals(old, newUsername.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            await DisableAsync(actor, old, cancellationToken);
        }

        await directory.SetSecretaryAsync(villageId, newUsername.Trim().ToLowerInvariant(), newName.Trim(), cancellationToken);
        log.LogInformation("Village {VillageId} secretary changed from {Old} to {New} by {Actor}", villageId, old, newUsername, actor.Username);
        return created;
    }

    public async Task<string> CreateInviteAsync(string username, CancellationToken cancellationToken = default)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await Table.AddEntityAsync(
            new InviteEntity { PartitionKey = InviteEntity.Partition, RowKey = Hash(token), Username = username, Expires = clock.GetUtcNow() + InviteLifetime },
            cancellationToken);
        return token;
    }

    /// <summary>The account an invite is for, if the invite is unused and unexpired.</summary>
    public async Task<(InviteEntity? Invite, string? Problem)> FindInviteAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length != 48 || !token.All(Uri.IsHexDigit))
        {
            return (null, "邀请链接无效");
        }

        var row = await Table.GetEntityIfExistsAsync<InviteEntity>(InviteEntity.Partition, Hash(token), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return (null, "邀请链接无效");
        }

        var invite = row.Value!;
        if (invite.Used)
        {
            return (null, "该邀请链接已经使用过，请直接登录或联系审核员重新发送");
        }

        return invite.Expires <= clock.GetUtcNow() ? (null, "邀请链接已过期，请联系审核员重新发送") : (invite, null);
    }

    /// <summary>Sets the password from an invite, once: the invite is marked used with an ETag check, so two tabs cannot both use it.</summary>
    public async Task<SignInResult?> AcceptInviteAsync(string token, string password, CancellationToken cancellationToken = default)
    {
        var (invite, _) = await FindInviteAsync(token, cancellationToken);
        if (invite is null)
        {
            return null;
        }

        invite.Used = true;
        try
        {
            await Table.UpdateEntityAsync(invite, invite.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return null;
        }

        var account = await FindAsync(invite.Username, cancellationToken);
        if (account is null)
        {
            return null;
        }

        account.PasswordHash = Hasher.HashPassword(account, password);
        account.SecurityStamp = SessionTokens.NewStamp();
        account.Disabled = false;
        account.FailedSignIns = 0;
        account.LockedUntil = null;
        await Table.UpdateEntityAsync(account, ETag.All, TableUpdateMode.Replace, cancellationToken);
        return new SignInResult(SignInOutcome.SignedIn, ToPrincipal(account), await tokens.IssueAsync(account.RowKey, account.SecurityStamp, cancellationToken));
    }

    /// <summary>
    /// Demo accounts from the seeds, with the demo password. An existing account keeps its stamp (sessions stay)
    /// unless the demo password changed.
    /// </summary>
    public async Task SeedDemoAsync(DemoSeed seed, string password, CancellationToken cancellationToken = default)
    {
        var wanted = new List<AccountEntity>
        {
            Demo(seed.City.Account.Username, Roles.City, seed.City.Id, seed.City.Id, seed.City.Account.Name),
        };
        wanted.AddRange(seed.Towns.Select(t => Demo(t.Reviewer.Username, Roles.Town, t.Id, t.Id, t.Reviewer.Name)));
        wanted.AddRange(seed.Villages.Select(v => Demo(v.Secretary.Username, Roles.Secretary, v.Id, v.TownId, v.Secretary.Name)));
        foreach (var account in wanted)
        {
            var existing = await FindAsync(account.RowKey, cancellationToken);
            if (existing is not null && existing.PasswordHash.Length > 0
                && Hasher.VerifyHashedPassword(existing, existing.PasswordHash, password) == PasswordVerificationResult.Success
                && existing.Role == account.Role && existing.Scope == account.Scope)
            {
                continue;
            }

            account.PasswordHash = Hasher.HashPassword(account, password);
            await Table.UpsertEntityAsync(account, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>Whether any demo account still opens with the demo password.</summary>
    public async Task<bool> AnyDemoPasswordAsync(string password, CancellationToken cancellationToken = default)
    {
        await foreach (var a in Table.QueryAsync<AccountEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AccountEntity.Partition} and Demo eq true"), cancellationToken: cancellationToken))
        {
            if (a.PasswordHash.Length > 0 && Hasher.VerifyHashedPassword(a, a.PasswordHash, password) != PasswordVerificationResult.Failed)
            {
                return true;
            }
        }

        return false;
    }

    public static Principal ToPrincipal(AccountEntity a) => new(a.RowKey, a.Role, a.Scope, a.TownId);

    private static AccountEntity Demo(string username, string role, string scope, string townId, string name) => new()
    {
        PartitionKey = AccountEntity.Partition,
        RowKey = username,
        Role = role,
        Scope = scope,
        TownId = townId,
        DisplayName = name,
        SecurityStamp = SessionTokens.NewStamp(),
        Demo = true,
    };

    private async Task<string?> TownOfScopeAsync(string role, string scope, CancellationToken cancellationToken) => role switch
    {
        Roles.Secretary => (await directory.FindVillageAsync(scope, cancellationToken))?.TownId,
        Roles.Town => (await directory.TownsAsync(cancellationToken)).Any(t => t.Id == scope) ? scope : null,
        _ => null,
    };

    private async Task TryUpdateAsync(AccountEntity account, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // A concurrent sign-in updated the counter; losing one increment is harmless.
        }
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static readonly string DummyHash = Hasher.HashPassword(new AccountEntity(), "not-a-real-password-1");
}
