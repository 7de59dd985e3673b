using Azure.Data.Tables;
using YouthLeague.Audit;
using YouthLeague.Auth;
using YouthLeague.Committees;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Org;

public sealed record InviteLine(string Name, string Username, string Role, string Town, string Village, string Link);

/// <summary>
/// Invite links to hand out: for every account in the caller's scope that has no password yet, a fresh link
/// (the app keeps only a hash of each token, so a link can only be shown when it is made).
/// </summary>
public sealed class InviteSheet(StorageClients storage, AccountService accounts, Auth.Invites links, DirectoryService directory, AuditLog audit)
{
    public static readonly string[] Columns = ["姓名", "用户名", "角色", "镇街", "村/社区", "邀请链接（7 天内有效）"];

    /// <summary>An account in the caller's scope that has not set its password yet (the invites page lists them).</summary>
    public sealed record Pending(string Name, string Username, string Role, string Town, string Village);

    /// <summary>Accounts waiting for their invite (no password yet), in the caller's scope; no link is made.</summary>
    public async Task<IReadOnlyList<Pending>> PendingAsync(Principal actor, string? townId, CancellationToken cancellationToken = default) =>
        (await PendingAccountsAsync(actor, townId, cancellationToken)).Select(p => p.Line).ToList();

    public async Task<IReadOnlyList<InviteLine>> IssueAsync(Principal actor, string? townId, string baseUrl, CancellationToken cancellationToken = default)
    {
        var lines = new List<InviteLine>();
        foreach (var (account, p) in await PendingAccountsAsync(actor, townId, cancellationToken))
        {
            var token = await links.CreateAsync(account, cancellationToken);
            lines.Add(new InviteLine(p.Name, p.Username, p.Role, p.Town, p.Village, $"{baseUrl}/invite/{token}"));
        }

        await audit.RecordAsync(actor.Username, AuditLog.Actions.InviteIssued, townId is { Length: > 0 } ? townId : "all", $"导出邀请链接 {lines.Count} 个", cancellationToken);
        return lines;
    }

    private async Task<List<(AccountEntity Account, Pending Line)>> PendingAccountsAsync(Principal actor, string? townId, CancellationToken cancellationToken)
    {
        var towns = (await directory.TownsAsync(cancellationToken)).ToDictionary(t => t.Id, t => t.Name);
        var villages = (await directory.VillagesAsync(cancellationToken: cancellationToken)).ToDictionary(v => v.Id);
        var pending = new List<(AccountEntity, Pending)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {AccountEntity.Partition} and PasswordHash eq {""} and Disabled eq false");
        await foreach (var a in storage.Table(TableNames.Accounts).QueryAsync<AccountEntity>(filter, cancellationToken: cancellationToken))
        {
            if (a.Role is not (Roles.Town or Roles.Secretary) || !AccountService.MayManage(actor, a.Role, a.TownId) || (townId is { Length: > 0 } && a.TownId != townId))
            {
                continue;
            }

            if (a.Role == Roles.Secretary && (!villages.TryGetValue(a.Scope, out var v) || v.Closed || v.Secretary.Username != a.RowKey))
            {
                continue; // a predecessor's account, or a closed village's
            }

            pending.Add((a, new Pending(
                a.DisplayName,
                a.RowKey,
                a.Role == Roles.Town ? "镇街审核员" : "第一书记",
                towns.GetValueOrDefault(a.TownId, a.TownId),
                a.Role == Roles.Secretary ? villages[a.Scope].Name : "")));
        }

        return pending.OrderBy(p => p.Item2.Town, StringComparer.Ordinal).ThenBy(p => p.Item2.Role == "第一书记").ThenBy(p => p.Item2.Village, StringComparer.Ordinal).ToList();
    }

    public static Sheet Sheet(IReadOnlyList<InviteLine> lines) =>
        new("邀请链接", Columns, lines.Select(l => (IReadOnlyList<object?>)[l.Name, l.Username, l.Role, l.Town, l.Village, l.Link]).ToList());

    /// <summary>A new link for one account that has not set its password (an account that has one is reset instead).</summary>
    public async Task<(int Status, string? Title, string? Link)> ReissueAsync(Principal actor, string username, string baseUrl, CancellationToken cancellationToken = default)
    {
        var account = await accounts.FindAsync(username, cancellationToken);
        if (account is null)
        {
            return (404, "找不到该账户", null);
        }

        if (!AccountService.MayManage(actor, account.Role, account.TownId))
        {
            return (403, "您无权为该账户发放邀请链接", null);
        }

        if (account.PasswordHash.Length > 0)
        {
            return (409, "该账户已设置密码；如需重新设置，请使用“重置密码”", null);
        }

        var token = await links.CreateAsync(account, cancellationToken);
        await audit.RecordAsync(actor.Username, AuditLog.Actions.InviteIssued, username, "重新发放邀请链接", cancellationToken);
        return (200, null, $"{baseUrl}/invite/{token}");
    }
}
