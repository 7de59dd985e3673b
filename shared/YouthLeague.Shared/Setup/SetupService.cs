using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using YouthLeague.Audit;
using YouthLeague.Auth;
using YouthLeague.Storage;

namespace YouthLeague.Setup;

public sealed record SetupOutcome(int Status, string? Title = null, IDictionary<string, string[]>? Errors = null)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// First run: whoever holds the setup secret (app setting <c>YouthLeague:SetupSecret</c>, no default anywhere)
/// creates the first city administrator, once. A marker row taken with an insert makes two setups at once impossible.
/// </summary>
public sealed class SetupService(StorageClients storage, IConfiguration config, AuditLog audit, ILogger<SetupService> log)
{
    public const string SecretSetting = "YouthLeague:SetupSecret";
    public const int MinSecretLength = 16;
    private const string MarkerPartition = "setup";
    private const string MarkerRow = "done";
    private static readonly PasswordHasher<AccountEntity> Hasher = new();

    private TableClient Accounts => storage.Table(TableNames.Accounts);

    /// <summary>Set up (a city account exists or the marker is taken): /setup is gone.</summary>
    public async Task<bool> IsDoneAsync(CancellationToken cancellationToken = default)
    {
        if ((await Accounts.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, MarkerRow, select: ["RowKey"], cancellationToken: cancellationToken)).HasValue)
        {
            return true;
        }

        await foreach (var _ in Accounts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AccountEntity.Partition} and Role eq {Roles.City}"), maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            return true;
        }

        return false;
    }

    /// <summary>Whether this deployment can be set up at all (a secret long enough is configured).</summary>
    public bool Configured => (config[SecretSetting] ?? "").Length >= MinSecretLength;

    public async Task<SetupOutcome> CreateCityAdministratorAsync(string? secret, string? username, string? displayName, string? password, CancellationToken cancellationToken = default)
    {
        if (!Configured || await IsDoneAsync(cancellationToken))
        {
            return new SetupOutcome(404, "页面不存在");
        }

        var expected = Encoding.UTF8.GetBytes(config[SecretSetting]!);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(expected), SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? ""))))
        {
            log.LogWarning("Setup refused: wrong setup secret");
            return new SetupOutcome(403, "初始化密钥不正确");
        }

        username = (username ?? "").Trim().ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if (!AccountService.IsUsername(username))
        {
            errors["username"] = ["用户名只能用小写字母、数字和 . - _，2 至 64 位"];
        }

        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > 40)
        {
            errors["displayName"] = ["请填写姓名或单位（不超过 40 字）"];
        }

        if (AccountService.PasswordProblem(password) is { } problem)
        {
            errors["password"] = [problem];
        }

        if (errors.Count > 0)
        {
            return new SetupOutcome(422, "信息有误", errors);
        }

        try
        {
            await Accounts.AddEntityAsync(new TableEntity(MarkerPartition, MarkerRow) { ["Username"] = username }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return new SetupOutcome(404, "页面不存在");
        }

        var account = new AccountEntity
        {
            PartitionKey = AccountEntity.Partition,
            RowKey = username,
            Role = Roles.City,
            Scope = "city",
            TownId = "",
            DisplayName = displayName!.Trim(),
            SecurityStamp = SessionTokens.NewStamp(),
        };
        account.PasswordHash = Hasher.HashPassword(account, password!);
        try
        {
            await Accounts.AddEntityAsync(account, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await Accounts.DeleteEntityAsync(MarkerPartition, MarkerRow, cancellationToken: cancellationToken);
            return new SetupOutcome(409, "该用户名已被使用");
        }

        await audit.RecordAsync(username, AuditLog.Actions.Setup, username, "创建第一位市级管理员", cancellationToken);
        log.LogInformation("Setup: city administrator {Username} created", username);
        return new SetupOutcome(201);
    }
}
