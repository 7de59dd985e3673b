using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using YouthLeague.Towns;

namespace YouthLeague.Auth;

public sealed record AccountChange(int Status, string? Title = null, string? InviteToken = null, IDictionary<string, string[]>? Errors = null)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// Account administration: who may manage whom (city staff manage town reviewers, a town reviewer manages the
/// secretaries of its own villages), creating, resetting and disabling accounts, rotating a village's secretary,
/// and the demo accounts. Reset, disable and rotation change the account's security stamp, which ends its
/// sessions (<see cref="Sessions"/>) and revokes its outstanding invites (<see cref="Invites"/>).
/// </summary>
public sealed class AccountService(AccountTable accounts, Invites invites, DirectoryService directory, ILogger<AccountService> log)
{
    private TableClient Table => accounts.Table;

    public Task<AccountEntity?> FindAsync(string username, CancellationToken cancellationToken = default) => accounts.FindAsync(username, cancellationToken);

    public static bool IsUsername(string? u) => AccountTable.IsUsername(u);

    public static string? PasswordProblem(string? password) => password switch
    {
        null or { Length: < 8 } => "密码至少 8 位",
        { Length: > 128 } => "密码最多 128 位",
        _ when !password.Any(char.IsAsciiLetter) || !password.Any(char.IsAsciiDigit) => "密码需同时包含字母和数字",
        _ => null,
    };

    /// <summary>Who may create, reset or disable an account of this role and scope.</summary>
    public static bool MayManage(Principal actor, string role, string townId) => role switch
    {
        Roles.Town or Roles.Office => actor.IsCity,
        Roles.Secretary => actor.IsCity || actor.ReviewsTown(townId),
        _ => false,
    };

    public async Task<AccountChange> CreateAsync(Principal actor, string username, string role, string scope, string displayName, CancellationToken cancellationToken = default)
    {
        username = AccountTable.Normalize(username);
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
            errors["scope"] = [role == Roles.Secretary ? "找不到该村" : role is Roles.Town or Roles.Office ? "找不到该镇街" : "角色只能是 town、office 或 secretary"];
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
        return new AccountChange(201, InviteToken: await invites.CreateAsync(account, cancellationToken));
    }

    /// <summary>
    /// Clears the password, ends every session, revokes every outstanding invite and issues a new one. A disabled
    /// account stays disabled (409): reset is not a way back for an account that was switched off or rotated out.
    /// </summary>
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

        if (account.Disabled)
        {
            return new AccountChange(409, "该账户已停用，不能重置；如需恢复，请新建账户");
        }

        account.PasswordHash = "";
        account.SecurityStamp = SessionTokens.NewStamp();
        try
        {
            await Table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return new AccountChange(409, "该账户刚被修改过，请重试");
        }

        log.LogInformation("Account {Username} reset by {Actor}", account.RowKey, actor.Username);
        return new AccountChange(200, InviteToken: await invites.CreateAsync(account, cancellationToken));
    }

    /// <summary>Disables the account: its sessions end and its invites are revoked; it cannot sign in or accept an invite again.</summary>
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

        await DisableCoreAsync(account, loseScope: false, cancellationToken);
        log.LogInformation("Account {Username} disabled by {Actor}", account.RowKey, actor.Username);
        return new AccountChange(200);
    }

    /// <summary>
    /// Rotation: the village gets a new first secretary. The new account is created with an invite; the old one loses
    /// the village (its scope is cleared and it is disabled: sessions end, invites revoked). The checklist and its
    /// history belong to the village and stay.
    /// </summary>
    public Task<AccountChange> ReassignSecretaryAsync(Principal actor, string villageId, string newUsername, string newName, CancellationToken cancellationToken = default) =>
        ReassignSecretaryAsync(actor, villageId, newUsername, newName, null, cancellationToken);

    /// <inheritdoc cref="ReassignSecretaryAsync(Principal, string, string, string, CancellationToken)"/>
    /// <param name="dispatchingUnit">The successor's dispatching unit (派出单位), empty when not known; null keeps the village's (only the org import, which sets it itself from the sheet).</param>
    public async Task<AccountChange> ReassignSecretaryAsync(Principal actor, string villageId, string newUsername, string newName, string? dispatchingUnit, CancellationToken cancellationToken = default)
    {
        if ((dispatchingUnit?.Trim().Length ?? 0) > 60)
        {
            return new AccountChange(422, "账户信息有误", Errors: new Dictionary<string, string[]> { ["dispatchingUnit"] = ["派出单位过长（最多 60 字）"] });
        }

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
        var next = AccountTable.Normalize(newUsername);
        if (old.Length > 0 && old != next && await FindAsync(old, cancellationToken) is { } previous && previous.Role == Roles.Secretary && previous.Scope == villageId)
        {
            await DisableCoreAsync(previous, loseScope: true, cancellationToken);
        }

        await directory.SetSecretaryAsync(villageId, next, newName.Trim(), dispatchingUnit, cancellationToken);
        log.LogInformation("Village {VillageId} secretary changed from {Old} to {New} by {Actor}", villageId, old, next, actor.Username);
        return created;
    }

    private async Task DisableCoreAsync(AccountEntity account, bool loseScope, CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            account.Disabled = true;
            account.SecurityStamp = SessionTokens.NewStamp();
            if (loseScope)
            {
                account.Scope = "";
            }

            try
            {
                await Table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && i < 8)
            {
                account = await FindAsync(account.RowKey, cancellationToken) ?? throw new InvalidOperationException("The account disappeared while being disabled.");
            }
        }
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
        // The dispatch offices (下派办): office.<townId> for each town, office for the city (API.md "Additions").
        wanted.Add(Demo(OfficeUsername(null), Roles.Office, Principal.CityScope, "", "市下派办"));
        wanted.AddRange(seed.Towns.Select(t => Demo(OfficeUsername(t.Id), Roles.Office, t.Id, t.Id, $"{t.Name}下派办")));
        foreach (var account in wanted)
        {
            var existing = await FindAsync(account.RowKey, cancellationToken);
            if (existing is not null && existing.PasswordHash.Length > 0
                && AccountTable.Hasher.VerifyHashedPassword(existing, existing.PasswordHash, password) == PasswordVerificationResult.Success
                && existing.Role == account.Role && existing.Scope == account.Scope)
            {
                continue;
            }

            account.PasswordHash = AccountTable.Hasher.HashPassword(account, password);
            await Table.UpsertEntityAsync(account, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>The demo dispatch office of a town (<c>office.{townId}</c>), or of the city (<c>office</c>).</summary>
    public static string OfficeUsername(string? townId) => townId is null ? "office" : $"office.{townId}";

    /// <summary>The city allows (or no longer allows) a dispatch office to review the steps of its scope.</summary>
    public async Task<AccountChange> GrantReviewAsync(Principal actor, string username, bool granted, CancellationToken cancellationToken = default)
    {
        if (!actor.IsCity)
        {
            return new AccountChange(403, "只有市级管理员可以授予审核权限");
        }

        var account = await FindAsync(AccountTable.Normalize(username), cancellationToken);
        if (account is null)
        {
            return new AccountChange(404, "找不到该账户");
        }

        if (account.Role != Roles.Office)
        {
            return new AccountChange(422, "只能为下派办账户授予审核权限", Errors: new Dictionary<string, string[]> { ["username"] = ["该账户不是下派办账户"] });
        }

        if (account.ReviewGranted != granted)
        {
            account.ReviewGranted = granted;
            await Table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, cancellationToken);
            log.LogInformation("Review grant of an office account set to {Granted} by {Actor}", granted, actor.Username);
        }

        return new AccountChange(200);
    }

    /// <summary>Whether any demo account still opens with the demo password.</summary>
    public async Task<bool> AnyDemoPasswordAsync(string password, CancellationToken cancellationToken = default)
    {
        await foreach (var a in Table.QueryAsync<AccountEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AccountEntity.Partition} and Demo eq true"), cancellationToken: cancellationToken))
        {
            if (a.PasswordHash.Length > 0 && AccountTable.Hasher.VerifyHashedPassword(a, a.PasswordHash, password) != PasswordVerificationResult.Failed)
            {
                return true;
            }
        }

        return false;
    }

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
        Roles.Office when scope == Principal.CityScope => "",
        Roles.Office => (await directory.TownsAsync(cancellationToken)).Any(t => t.Id == scope) ? scope : null,
        _ => null,
    };
}
