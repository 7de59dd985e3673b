using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Configuration;
using YouthLeague.Storage;

namespace YouthLeague.Auth;

public sealed record TokenClaims(string Username, string Stamp, long Expires);

/// <summary>
/// Bearer tokens and session cookies: "{keyId}.{payload}.{signature}", a JSON payload (username, security stamp,
/// expiry) signed with HMAC-SHA256 under the key named by keyId. Keys live in blob storage, each created once
/// (If-None-Match: *), so sessions survive restarts and work across several hosts. Rotation: set
/// <c>YouthLeague:Auth:SigningKeyId</c> to a new id (new tokens use a new key) and list the old id in
/// <c>YouthLeague:Auth:AcceptedKeyIds</c> until its tokens have expired (<see cref="Lifetime"/>); a token under any
/// other id is refused without a storage read. Tokens from before key ids ("{payload}.{signature}") are under
/// <see cref="LegacyKeyId"/>, the default current id. A token is only as good as the account's current stamp:
/// sign-out, reset, disable and reassignment revoke it.
/// </summary>
public sealed class SessionTokens(StorageClients storage, TimeProvider clock, IConfiguration config)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    public const string LegacyKeyId = "k0";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Task<byte[]?>> keys = new();

    /// <summary>The id of the key new tokens are signed with.</summary>
    public string CurrentKeyId => KeyId(config["YouthLeague:Auth:SigningKeyId"]) ?? LegacyKeyId;

    private IEnumerable<string> AcceptedKeyIds =>
        (config["YouthLeague:Auth:AcceptedKeyIds"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(KeyId).OfType<string>().Append(CurrentKeyId);

    public async Task<string> IssueAsync(string username, string stamp, CancellationToken cancellationToken = default)
    {
        var kid = CurrentKeyId;
        var claims = new TokenClaims(username, stamp, clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        var key = await KeyAsync(kid, create: true, cancellationToken) ?? throw new InvalidOperationException("The session signing key could not be created.");
        return kid + "." + payload + "." + Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(kid + "." + payload)));
    }

    /// <summary>The claims of a well-formed, correctly signed, unexpired token under an accepted key; null otherwise.</summary>
    public async Task<TokenClaims?> ReadAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return null;
        }

        var (kid, payload, signature, signed) = token.Split('.') switch
        {
            [var p, var s] => (LegacyKeyId, p, s, p),
            [var k, var p, var s] => (k, p, s, k + "." + p),
            _ => (null, "", "", ""),
        };
        if (kid is null || !AcceptedKeyIds.Contains(kid, StringComparer.Ordinal) || await KeyAsync(kid, create: kid == CurrentKeyId, cancellationToken) is not { } key)
        {
            return null;
        }

        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signed));
        byte[] given;
        try
        {
            given = FromBase64Url(signature);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return null;
        }

        try
        {
            var claims = JsonSerializer.Deserialize<TokenClaims>(FromBase64Url(payload), Json);
            return claims is not null && claims.Expires > clock.GetUtcNow().ToUnixTimeSeconds() ? claims : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A key for another purpose (the anti-forgery token), derived from the signing key so there is one secret to keep.</summary>
    public async Task<byte[]> DerivedKeyAsync(string purpose, CancellationToken cancellationToken = default) =>
        HMACSHA256.HashData(await CurrentKeyAsync(cancellationToken), Encoding.UTF8.GetBytes("derived|" + purpose));

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The current signing key (for keys derived from it).</summary>
    internal async Task<byte[]> CurrentKeyAsync(CancellationToken cancellationToken) =>
        await KeyAsync(CurrentKeyId, create: true, cancellationToken) ?? throw new InvalidOperationException("The session signing key could not be created.");

    private static string? KeyId(string? value) =>
        value is { Length: >= 1 and <= 32 } v && v.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') ? v : null;

    private static string BlobName(string kid) => kid == LegacyKeyId ? "keys/session-signing.key" : $"keys/session-signing-{kid}.key";

    /// <summary>Loaded once per key id; a failed load (storage down) is tried again on the next call.</summary>
    private Task<byte[]?> KeyAsync(string kid, bool create, CancellationToken cancellationToken)
    {
        var current = keys.GetOrAdd(kid, k => LoadKeyAsync(k, create, cancellationToken));
        if (current.IsFaulted || current.IsCanceled || (current.IsCompletedSuccessfully && current.Result is null && create))
        {
            current = LoadKeyAsync(kid, create, cancellationToken);
            keys[kid] = current;
        }

        return current;
    }

    private async Task<byte[]?> LoadKeyAsync(string kid, bool create, CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient("secrets");
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = container.GetBlobClient(BlobName(kid));
        if (create)
        {
            try
            {
                await blob.UploadAsync(
                    new BinaryData(RandomNumberGenerator.GetBytes(32)),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another host created it first: use theirs.
            }
        }

        try
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // an accepted id whose key was deleted: its tokens are refused
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + ((4 - (b.Length % 4)) % 4), '='));
    }
}
