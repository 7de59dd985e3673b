using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Notifications;

public sealed record DispatchResult(int Sent, int Failed, int Held);

/// <summary>
/// Delivers queued notifications: each row is claimed with an ETag check (two hosts, or a repeated run, cannot
/// both send it), sent to the recipient's town robot when one is configured (the in-app list needs nothing
/// more), then marked sent, or failed after the HTTP client's retries. Nothing goes out in quiet hours
/// (21:00–08:00 China time): rows stay queued until the morning run. A host killed between claim and send leaves
/// the row "sending"; it is claimed again after <see cref="ClaimTimeout"/> (at worst one message twice).
/// </summary>
public sealed class NotificationDispatcher(StorageClients storage, DirectoryService directory, IHttpClientFactory http, IConfiguration config, TimeProvider clock, ILogger<NotificationDispatcher> log)
{
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(10);

    public static bool QuietHours(DateTimeOffset now) => ChinaTime.ToChina(now).Hour is >= 21 or < 8;

    public async Task<DispatchResult> DeliverAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var table = storage.Table(TableNames.Outbox);
        var pending = new List<NotificationEntity>();
        await foreach (var n in table.QueryAsync<NotificationEntity>(TableClient.CreateQueryFilter($"Status eq {"queued"} or Status eq {"sending"}"), cancellationToken: cancellationToken))
        {
            if (n.Status == "queued" || n.Timestamp < now - ClaimTimeout)
            {
                pending.Add(n);
            }
        }

        if (QuietHours(now))
        {
            return new DispatchResult(0, 0, pending.Count);
        }

        var villages = (await directory.VillagesAsync(cancellationToken: cancellationToken)).ToDictionary(v => v.Id, v => v.TownId);
        int sent = 0, failed = 0;
        foreach (var n in pending)
        {
            n.Status = "sending";
            try
            {
                await table.UpdateEntityAsync(n, n.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                continue; // another run claimed it
            }

            var town = n.VillageId.Length > 0 ? villages.GetValueOrDefault(n.VillageId) : n.PartitionKey.StartsWith("town.", StringComparison.Ordinal) ? n.PartitionKey[5..] : null;
            var target = town is null ? null : Webhooks.For(config, town);
            var claimed = (await table.GetEntityAsync<NotificationEntity>(n.PartitionKey, n.RowKey, cancellationToken: cancellationToken)).Value;
            try
            {
                if (target is not null)
                {
                    using var request = Webhooks.Request(target, claimed.Text, clock.GetUtcNow());
                    using var response = await http.CreateClient(Webhooks.HttpClientName).SendAsync(request, cancellationToken);
                    response.EnsureSuccessStatusCode();
                }

                claimed.Status = "sent";
                sent++;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
            {
                claimed.Status = "failed";
                failed++;
                log.LogWarning("Notification {Reason} for {Recipient} could not be delivered to the {Kind} robot", claimed.Reason, claimed.PartitionKey, target!.Kind);
            }

            await table.UpdateEntityAsync(claimed, claimed.ETag, TableUpdateMode.Replace, cancellationToken);
        }

        return new DispatchResult(sent, failed, 0);
    }

    /// <summary>Failed deliveries for a town's people, shown to its reviewer.</summary>
    /// <summary>The most failed notifications one town's list shows (its page shows 20).</summary>
    public const int MaxFailedListed = 100;

    /// <summary>
    /// Failed notifications to a town's people: one partition query per recipient (the town's reviewer and each
    /// village's secretary, at most 8 at once), not a scan of every town's Outbox, and at most <see cref="MaxFailedListed"/>.
    /// </summary>
    public async Task<IReadOnlyList<NotificationEntity>> FailedAsync(string townId, CancellationToken cancellationToken = default)
    {
        var villages = await directory.VillagesAsync(townId, cancellationToken);
        var recipients = villages.Select(v => v.Secretary.Username).Where(u => u.Length > 0).Prepend("town." + townId).Distinct().ToList();
        var ids = villages.Select(v => v.Id).ToHashSet();
        var found = new System.Collections.Concurrent.ConcurrentBag<NotificationEntity>();
        await Parallel.ForEachAsync(recipients, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (recipient, ct) =>
        {
            var taken = 0;
            await foreach (var n in storage.Table(TableNames.Outbox).QueryAsync<NotificationEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {recipient} and Status eq {"failed"}"), maxPerPage: MaxFailedListed, cancellationToken: ct))
            {
                if (ids.Contains(n.VillageId) || n.PartitionKey == "town." + townId)
                {
                    found.Add(n);
                }

                if (++taken >= MaxFailedListed)
                {
                    break;
                }
            }
        });

        return [.. found.OrderByDescending(n => n.QueuedAt).Take(MaxFailedListed)];
    }
}
