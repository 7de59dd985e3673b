using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Notifications;

public sealed record DispatchResult(int Sent, int Failed, int Held);

/// <summary>
/// Delivers queued notifications to the recipients' town robots (the in-app list needs nothing more). Each row is
/// claimed with an ETag check (two hosts, or a repeated run, cannot both send it) and marked by what the robot
/// answered: errcode 0 is sent; a rate-limit code (<see cref="Webhooks.RateLimitCodes"/>) puts it back in the queue
/// until the robot takes messages again (DingTalk blocks for 10 minutes); any other code, an HTTP error after the
/// client's retries, or no answer marks it failed with the reason, listed for the town's reviewer. Sends are paced
/// per robot (<see cref="RobotPacing"/>); when a town has more than <c>YouthLeague:Webhooks:DigestAbove</c> (3)
/// notices in one run they go as one digest (markdown; WeCom as text when it must mention someone). Nothing goes out
/// in quiet hours (21:00–08:00 China time). A host killed between claim and answer leaves the rows "sending"; they
/// are claimed again after <see cref="ClaimTimeout"/> (at worst one message twice).
/// </summary>
public sealed class NotificationDispatcher(StorageClients storage, DirectoryService directory, RobotPacing pacing, IHttpClientFactory http, IConfiguration config, TimeProvider clock, ILogger<NotificationDispatcher> log)
{
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Tries (rate-limited answers) before a notification is marked failed.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The most notices one digest lists (a robot message holds about 4 KB).</summary>
    public const int DigestSize = 20;

    public static bool QuietHours(DateTimeOffset now) => ChinaTime.ToChina(now).Hour is >= 21 or < 8;

    private int PerMinute => Math.Clamp(config.GetValue("YouthLeague:Webhooks:PerMinute", 18), 1, 20);

    private int DigestAbove => Math.Max(config.GetValue("YouthLeague:Webhooks:DigestAbove", 3), 1);

    private TableClient Table => storage.Table(TableNames.Outbox);

    public async Task<DispatchResult> DeliverAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var pending = new List<NotificationEntity>();
        await foreach (var n in Table.QueryAsync<NotificationEntity>(TableClient.CreateQueryFilter($"Status eq {"queued"} or Status eq {"sending"}"), cancellationToken: cancellationToken))
        {
            if ((n.Status == "queued" && (n.NotBefore is null || n.NotBefore <= now)) || (n.Status == "sending" && n.Timestamp < now - ClaimTimeout))
            {
                pending.Add(n);
            }
        }

        if (QuietHours(now) || pending.Count == 0)
        {
            return new DispatchResult(0, 0, pending.Count);
        }

        var (towns, villages) = await directory.TownsAndVillagesAsync(cancellationToken: cancellationToken);
        var townNames = towns.ToDictionary(t => t.Id, t => t.Name);
        var villageById = villages.ToDictionary(v => v.Id);
        string? TownOf(NotificationEntity n) =>
            n.VillageId.Length > 0 ? villageById.GetValueOrDefault(n.VillageId)?.TownId : n.PartitionKey.StartsWith("town.", StringComparison.Ordinal) ? n.PartitionKey[5..] : null;

        int sent = 0, failed = 0, held = 0;
        Dictionary<string, string>? phones = null;
        foreach (var group in pending.GroupBy(n => n.AppOnly ? null : TownOf(n)))
        {
            var rows = group.OrderBy(n => n.QueuedAt).ThenBy(n => n.PartitionKey, StringComparer.Ordinal).ThenBy(n => n.RowKey, StringComparer.Ordinal).ToList();
            var target = group.Key is null ? null : Webhooks.For(config, group.Key);
            if (target is null)
            {
                // No robot: the in-app list is the only channel.
                foreach (var n in rows)
                {
                    if (await ClaimAsync(n, cancellationToken) is { } claimed)
                    {
                        await FinishAsync(claimed, "sent", null, cancellationToken);
                        sent++;
                    }
                }

                continue;
            }

            if (target.Mentions && phones is null)
            {
                phones = await PhonesAsync(cancellationToken);
            }

            var messages = rows.Count > DigestAbove ? rows.Chunk(DigestSize).ToList() : rows.Select(r => new[] { r }).ToList();
            var granted = await pacing.ReserveAsync(target, messages.Count, PerMinute, cancellationToken);
            held += messages.Skip(granted).Sum(m => m.Length);
            for (var i = 0; i < granted; i++)
            {
                var message = messages[i];
                var claimed = new List<NotificationEntity>();
                foreach (var n in message)
                {
                    if (await ClaimAsync(n, cancellationToken) is { } c)
                    {
                        claimed.Add(c);
                    }
                }

                if (claimed.Count == 0)
                {
                    continue;
                }

                var town = townNames.GetValueOrDefault(group.Key!, group.Key!);
                var robotMessage = Compose(target, town, claimed, message.Length > 1, villageById, target.Mentions ? phones : null);
                var answer = await SendAsync(target, robotMessage, cancellationToken);
                if (answer.Outcome == RobotOutcome.Sent)
                {
                    foreach (var c in claimed)
                    {
                        c.SentAt = clock.GetUtcNow();
                        c.DigestOf = message.Length > 1 ? claimed.Count : 0;
                        await FinishAsync(c, "sent", null, cancellationToken);
                    }

                    sent += claimed.Count;
                    continue;
                }

                if (answer.Outcome == RobotOutcome.RateLimited)
                {
                    // The robot refused for sending too fast: back in the queue until it takes messages again; nothing more to it this run.
                    var until = clock.GetUtcNow() + (target.Kind == "dingtalk" ? TimeSpan.FromMinutes(10) : RobotPacing.Window);
                    await pacing.BlockAsync(target, until, cancellationToken);
                    foreach (var c in claimed)
                    {
                        c.Attempts++;
                        c.NotBefore = until;
                        if (c.Attempts >= MaxAttempts)
                        {
                            await FinishAsync(c, "failed", answer.Reason, cancellationToken);
                            failed++;
                        }
                        else
                        {
                            await FinishAsync(c, "queued", answer.Reason, cancellationToken);
                            held++;
                        }
                    }

                    held += messages.Skip(i + 1).Take(granted - i - 1).Sum(m => m.Length);
                    break;
                }

                foreach (var c in claimed)
                {
                    c.Attempts++;
                    await FinishAsync(c, "failed", answer.Reason, cancellationToken);
                }

                failed += claimed.Count;
                log.LogWarning("{Count} notification(s) for town {Town} refused by the {Kind} robot: {Reason}", claimed.Count, group.Key, target.Kind, answer.Reason);
            }
        }

        return new DispatchResult(sent, failed, held);
    }

    /// <summary>
    /// The robot's message. One notice: "【镇·村】text" and the absolute link to act on it. Several: a digest listing
    /// each village and step with its link (markdown; WeCom as plain text when it mentions someone, since WeCom's
    /// markdown cannot mention by phone). Mentions: the secretaries concerned whose phone is on record.
    /// </summary>
    public RobotMessage Compose(WebhookTarget target, string town, IReadOnlyList<NotificationEntity> notices, bool digest, IReadOnlyDictionary<string, Village> villages, IReadOnlyDictionary<string, string>? phones)
    {
        var baseUrl = PublicOrigin.BaseUrl(config);
        string Place(NotificationEntity n) => villages.TryGetValue(n.VillageId, out var v) ? v.Name : "镇街审核";
        var mobiles = phones is null ? [] : notices
            .Where(n => n.VillageId.Length > 0 && villages.TryGetValue(n.VillageId, out var v) && v.Secretary.Username == n.PartitionKey)
            .Select(n => phones.GetValueOrDefault(n.VillageId, "")).Where(p => p.Length > 0).Distinct().ToList();
        if (!digest)
        {
            var n = notices[0];
            var place = n.VillageId.Length > 0 ? $"【{town}·{Place(n)}】" : $"【{town}】";
            return new RobotMessage(town, $"{place}{n.Text}\n办理：{NoticeLinks.Absolute(baseUrl, n.Link)}", false, mobiles);
        }

        var title = $"{town}今日提醒（{notices.Count} 条）";
        var markdown = target.Kind == "dingtalk" || mobiles.Count == 0;
        var lines = notices.Select(n => markdown
            ? $"- **{Place(n)}**：{n.Text} [去办理]({NoticeLinks.Absolute(baseUrl, n.Link)})"
            : $"· {Place(n)}：{n.Text} {NoticeLinks.Absolute(baseUrl, n.Link)}");
        var text = markdown ? $"### {title}\n" + string.Join("\n", lines) : title + "\n" + string.Join("\n", lines);
        return new RobotMessage(title, text, markdown, mobiles);
    }

    private async Task<RobotAnswer> SendAsync(WebhookTarget target, RobotMessage message, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Webhooks.Request(target, message, clock.GetUtcNow());
            using var response = await http.CreateClient(Webhooks.HttpClientName).SendAsync(request, cancellationToken);
            return await Webhooks.ReadAnswerAsync(response, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            return new RobotAnswer(RobotOutcome.Refused, "无法连接群机器人");
        }
    }

    private async Task<NotificationEntity?> ClaimAsync(NotificationEntity n, CancellationToken cancellationToken)
    {
        n.Status = "sending";
        try
        {
            var response = await Table.UpdateEntityAsync(n, n.ETag, TableUpdateMode.Replace, cancellationToken);
            n.ETag = response.Headers.ETag ?? n.ETag;
            return n;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null; // another run claimed it
        }
    }

    /// <summary>Writes the delivery's outcome only (a merge: the recipient may have marked the notice read meanwhile).</summary>
    private async Task FinishAsync(NotificationEntity n, string status, string? reason, CancellationToken cancellationToken)
    {
        n.Status = status;
        n.FailureReason = reason ?? "";
        await Table.UpdateEntityAsync(
            new TableEntity(n.PartitionKey, n.RowKey)
            {
                [nameof(NotificationEntity.Status)] = n.Status,
                [nameof(NotificationEntity.FailureReason)] = n.FailureReason,
                [nameof(NotificationEntity.Attempts)] = n.Attempts,
                [nameof(NotificationEntity.NotBefore)] = n.NotBefore,
                [nameof(NotificationEntity.SentAt)] = n.SentAt,
                [nameof(NotificationEntity.DigestOf)] = n.DigestOf,
            },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken);
    }

    /// <summary>Secretaries' phones by village (only for towns that turned mentions on; never logged).</summary>
    private async Task<Dictionary<string, string>> PhonesAsync(CancellationToken cancellationToken)
    {
        var phones = new Dictionary<string, string>();
        await foreach (var v in storage.Table(TableNames.Directory).QueryAsync<VillageEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {VillageEntity.Partition}"), select: ["RowKey", nameof(VillageEntity.SecretaryPhone)], cancellationToken: cancellationToken))
        {
            if (v.SecretaryPhone.Length > 0)
            {
                phones[v.RowKey] = v.SecretaryPhone;
            }
        }

        return phones;
    }

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
