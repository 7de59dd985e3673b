using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using YouthLeague.Storage;

namespace YouthLeague.Auth;

public sealed record TokenClaims(string Username, string Stamp, long Expires);

/// <summary>
/// Bearer tokens and session cookies: a JSON payload (username, security stamp, expiry) signed with HMAC-SHA256.
/// The signing key lives in blob storage, created once (If-None-Match: *), so sessions survive restarts and
/// work across several hosts. A token is only as good as the account's current stamp: sign-out, reset,
/// disable and reassignment revoke it.
/// </summary>
public sealed class SessionTokens(StorageClients storage, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    private const string KeyBlob = "keys/session-signing.key";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private Task<byte[]>? key;

    public async Task<string> IssueAsync(string username, string stamp, CancellationToken cancellationToken = default)
    {
        var claims = new TokenClaims(username, stamp, clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        var signature = Base64Url(HMACSHA256.HashData(await KeyAsync(cancellationToken), Encoding.ASCII.GetBytes(payload)));
        return payload + "." + signature;
    }

    /// <summary>The claims of a well-formed, correctly signed, unexpired token; null otherwise.</summary>
    public async Task<TokenClaims?> ReadAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048 || token.Split('.') is not [var payload, var signature])
        {
            return null;
        }

        var expected = HMACSHA256.HashData(await KeyAsync(cancellationToken), Encoding.ASCII.GetBytes(payload));
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
        HMACSHA256.HashData(await KeyAsync(cancellationToken), Encoding.UTF8.GetBytes("derived|" + purpose));

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Loaded once; a failed load (storage down) is tried again on the next call.</summary>
    private Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        var current = key;
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            current = LoadKeyAsync(cancellationToken);
            key = current;
        }

        return current;
    }

    private async Task<byte[]> LoadKeyAsync(CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient("secrets");
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = container.GetBlobClient(KeyBlob);
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

        return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + ((4 - (b.Length % 4)) % 4), '='));
    }
}
