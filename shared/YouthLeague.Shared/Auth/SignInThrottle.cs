using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using YouthLeague.Storage;

namespace YouthLeague.Auth;

/// <summary>Row of the Accounts table, partition "throttle": the sign-in attempts of one client for one username, or of one client for any.</summary>
public sealed class ThrottleEntity : EntityBase
{
    public const string Partition = "throttle";

    /// <summary>Attempts since the last lock (or since the first attempt).</summary>
    public int Attempts { get; set; }

    /// <summary>How many times this bucket has been locked: each lock lasts twice as long as the one before.</summary>
    public int Locks { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset LastAttempt { get; set; }
}

/// <summary>
/// Slows a password guesser without letting a stranger lock the real user out. Two buckets count attempts:
/// one client with one username (<see cref="PerAccount"/> attempts, then locked for 15 minutes, then for twice as
/// long after each further failure) and one client with any username (<see cref="PerClient"/>, the same growth), so
/// spraying many names from one client is slowed too. The real user signing in from another client is in neither
/// bucket. An attempt is claimed in the first bucket (ETag-checked, retried on conflict) before the password is
/// checked, so concurrent guesses all count: the sixth of 40 at once finds the bucket locked and its password is
/// never tried. The client bucket counts wrong passwords only. Unknown
/// usernames are counted the same way as known ones, so the answers do not tell which names exist.
/// </summary>
public sealed class SignInThrottle(StorageClients storage, TimeProvider clock, IConfiguration config)
{
    public const int PerAccount = 5;
    public const int PerClient = 30;
    public static readonly TimeSpan FirstLock = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LongestLock = TimeSpan.FromHours(24);

    /// <summary>A bucket with no attempt for this long starts again from nothing.</summary>
    public static readonly TimeSpan Forget = TimeSpan.FromHours(24);

    private const int MaxTries = 64;

    private TableClient Table => storage.Table(TableNames.Accounts);

    /// <summary>
    /// Who is calling, for throttling: the connection's address, or behind App Service's front end (which appends the
    /// caller's address to X-Forwarded-For; the worker sees only the front end) the last address of that header.
    /// </summary>
    public string ClientOf(HttpRequest req)
    {
        var forwarded = TrustForwardedFor ? req.Headers["X-Forwarded-For"].ToString() : "";
        var address = forwarded.Length > 0 ? forwarded.Split(',')[^1].Trim() : req.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return address.Length > 64 ? address[..64] : address;
    }

    private bool TrustForwardedFor => config.GetValue("YouthLeague:Auth:TrustForwardedFor", DemoPasswordGuard.OnAzure(config));

    /// <summary>
    /// Claims one attempt for this client and username (counted before the password is checked, so concurrent
    /// attempts all count); the time until which the caller must wait if that bucket or the client's is locked.
    /// </summary>
    public async Task<DateTimeOffset?> ClaimAsync(string client, string username, CancellationToken cancellationToken)
    {
        var clientRow = await Table.GetEntityIfExistsAsync<ThrottleEntity>(ThrottleEntity.Partition, ClientKey(client), cancellationToken: cancellationToken);
        if (clientRow.HasValue && clientRow.Value!.LockedUntil is { } until && until > clock.GetUtcNow())
        {
            return until;
        }

        return await CountAsync(PairKey(client, username), PerAccount, cancellationToken);
    }

    /// <summary>A wrong password: counted against the client too, whatever username it tried (successes are not, so an office behind one address is not locked by its own sign-ins).</summary>
    public Task FailedAsync(string client, CancellationToken cancellationToken) => CountAsync(ClientKey(client), PerClient, cancellationToken);

    /// <summary>After a right password: the client's attempts at this username are forgotten.</summary>
    public async Task SucceededAsync(string client, string username, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(ThrottleEntity.Partition, PairKey(client, username), ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    private async Task<DateTimeOffset?> CountAsync(string key, int allowed, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxTries; i++)
        {
            var now = clock.GetUtcNow();
            var found = await Table.GetEntityIfExistsAsync<ThrottleEntity>(ThrottleEntity.Partition, key, cancellationToken: cancellationToken);
            var row = found.HasValue ? found.Value! : new ThrottleEntity { PartitionKey = ThrottleEntity.Partition, RowKey = key };
            if (row.LockedUntil is { } until && until > now)
            {
                return until;
            }

            if (row.LastAttempt + Forget < now)
            {
                row.Attempts = 0;
                row.Locks = 0;
            }

            row.Attempts++;
            row.LastAttempt = now;
            if (row.Attempts >= (row.Locks == 0 ? allowed : 1))
            {
                // This attempt is still tried; the ones after it wait.
                row.LockedUntil = now + LockFor(row.Locks);
                row.Locks++;
                row.Attempts = 0;
            }

            try
            {
                if (found.HasValue)
                {
                    await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await Table.AddEntityAsync(row, cancellationToken);
                }

                return null;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                await Backoff(cancellationToken);
            }
        }

        // Too much contention to count this attempt: refuse it rather than let it through uncounted.
        return clock.GetUtcNow() + TimeSpan.FromSeconds(30);
    }

    /// <summary>How long until <paramref name="until"/>, at least a minute.</summary>
    public TimeSpan Remaining(DateTimeOffset until) => until - clock.GetUtcNow() is var left && left > TimeSpan.FromMinutes(1) ? left : TimeSpan.FromMinutes(1);

    /// <summary>A wait in words, rounded up to the minute (from whole seconds: storage keeps times to the millisecond): "15 分钟", "1 小时", "2 小时 5 分钟".</summary>
    public static string Wording(TimeSpan wait)
    {
        var minutes = Math.Max(1, (long)Math.Ceiling(Math.Round(wait.TotalSeconds) / 60));
        var (hours, rest) = (minutes / 60, minutes % 60);
        return hours == 0 ? $"{rest} 分钟" : rest == 0 ? $"{hours} 小时" : $"{hours} 小时 {rest} 分钟";
    }

    public static TimeSpan LockFor(int locksBefore) =>
        locksBefore >= 7 ? LongestLock : TimeSpan.FromTicks(Math.Min(LongestLock.Ticks, FirstLock.Ticks << locksBefore));

    private static Task Backoff(CancellationToken cancellationToken) => Task.Delay(Random.Shared.Next(5, 40), cancellationToken);

    private static string PairKey(string client, string username) =>
        "p-" + Hash(client) + "-" + (AccountTable.IsUsername(username) ? username : "~" + Hash(username));

    private static string ClientKey(string client) => "c-" + Hash(client);

    /// <summary>Addresses are personal data: stored only as a hash.</summary>
    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..24];
}
