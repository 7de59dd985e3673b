using System.Security.Cryptography;
using System.Text;
using YouthLeague.Storage;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace YouthLeague.Auth;

/// <summary>Row of the Accounts table, partition "platform": RowKey = hash of (identity provider, principal id), the account it was linked to and that account's stamp then.</summary>
public sealed class PlatformLinkEntity : EntityBase
{
    public const string Partition = "platform";

    public string Username { get; set; } = "";

    public string Stamp { get; set; } = "";
}

/// <summary>
/// App Service Authentication ("Easy Auth"), only when <c>YouthLeague:Auth:EasyAuth</c> is true and the platform
/// says it is on (<c>WEBSITE_AUTH_ENABLED</c>): the platform's principal is identified by its id and identity
/// provider (X-MS-CLIENT-PRINCIPAL-ID / -IDP; a display name proves nothing), and maps to the account that signed in
/// with its password once while carrying that principal. The link holds the account's security stamp, so sign-out,
/// reset, disable and rotation revoke it as they revoke sessions.
/// </summary>
public sealed class PlatformIdentity(AccountTable accounts, IConfiguration config)
{
    public const string IdHeader = "X-MS-CLIENT-PRINCIPAL-ID";
    public const string ProviderHeader = "X-MS-CLIENT-PRINCIPAL-IDP";

    /// <summary>The cookie App Service Authentication keeps its own session in: a caller carrying it is cookie-borne.</summary>
    public const string PlatformCookie = "AppServiceAuthSession";

    public bool Enabled =>
        config.GetValue("YouthLeague:Auth:EasyAuth", false) && string.Equals(config["WEBSITE_AUTH_ENABLED"], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>(provider, id) of the platform principal, if enabled and both headers are there.</summary>
    public (string Provider, string Id)? Of(HttpRequest req) =>
        Enabled && req.Headers[ProviderHeader].ToString() is { Length: > 0 and <= 64 } idp && req.Headers[IdHeader].ToString() is { Length: > 0 and <= 256 } id
            ? (idp, id)
            : null;

    public async Task<Principal?> ResolveAsync((string Provider, string Id) who, CancellationToken cancellationToken)
    {
        var link = await accounts.Table.GetEntityIfExistsAsync<PlatformLinkEntity>(PlatformLinkEntity.Partition, Key(who), cancellationToken: cancellationToken);
        if (!link.HasValue)
        {
            return null;
        }

        var account = await accounts.FindAsync(link.Value!.Username, cancellationToken);
        return account is { Disabled: false } && account.SecurityStamp == link.Value.Stamp ? AccountTable.ToPrincipal(account) : null;
    }

    /// <summary>After a password sign-in that carried a platform principal: that principal now stands for this account.</summary>
    public async Task LinkAsync(HttpRequest req, AccountEntity account, CancellationToken cancellationToken)
    {
        if (Of(req) is { } who)
        {
            await accounts.Table.UpsertEntityAsync(
                new PlatformLinkEntity { PartitionKey = PlatformLinkEntity.Partition, RowKey = Key(who), Username = account.RowKey, Stamp = account.SecurityStamp },
                TableUpdateMode.Replace,
                cancellationToken);
        }
    }

    private static string Key((string Provider, string Id) who) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(who.Provider + "\n" + who.Id)));
}
