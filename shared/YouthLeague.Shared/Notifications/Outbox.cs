using Azure;
using Azure.Data.Tables;
using YouthLeague.Storage;

namespace YouthLeague.Notifications;

/// <summary>Row of the Outbox table: PartitionKey = recipient (a username), RowKey = "{period}|{reason}".</summary>
public sealed class NotificationEntity : EntityBase
{
    public string VillageId { get; set; } = "";

    public string Step { get; set; } = "";

    public string Reason { get; set; } = "";

    public string Period { get; set; } = "";

    public string Text { get; set; } = "";

    public string Link { get; set; } = "";

    public string Status { get; set; } = "queued";

    public DateTimeOffset QueuedAt { get; set; }

    /// <summary>Seen by its recipient in the app (independent of robot delivery).</summary>
    public bool Read { get; set; }
}

public sealed record Reminder(string Recipient, string VillageId, string Step, string Reason, string Period, string Text, string Link);

/// <summary>
/// Notifications waiting to be delivered, one per (recipient, reason, period): queuing the same reminder
/// again (a replayed activity, a timer that fired twice, two hosts) adds nothing.
/// </summary>
public sealed class Outbox(StorageClients storage, TimeProvider clock)
{
    public static string RowKey(string period, string reason) => $"{period}|{reason}";

    /// <summary>
    /// Queues each reminder once; returns how many were new. A recipient's reminders go in one batch (one request);
    /// if any of them is already queued (the batch fails whole), that recipient's are added one by one.
    /// </summary>
    public async Task<int> QueueAsync(IEnumerable<Reminder> reminders, CancellationToken cancellationToken = default)
    {
        var table = storage.Table(TableNames.Outbox);
        var added = 0;
        foreach (var group in reminders.GroupBy(r => r.Recipient))
        {
            var entities = group.DistinctBy(r => RowKey(r.Period, r.Reason)).Select(Entity).ToList();
            if (entities.Count > 1 && entities.Count <= 100)
            {
                try
                {
                    await table.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), cancellationToken);
                    added += entities.Count;
                    continue;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    // Some were queued before (a replay): add the others one by one.
                }
            }

            foreach (var e in entities)
            {
                try
                {
                    await table.AddEntityAsync(e, cancellationToken);
                    added++;
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    // Already queued for this recipient, reason and period.
                }
            }
        }

        return added;
    }

    private NotificationEntity Entity(Reminder r) => new()
    {
        PartitionKey = r.Recipient,
        RowKey = RowKey(r.Period, r.Reason),
        VillageId = r.VillageId,
        Step = r.Step,
        Reason = r.Reason,
        Period = r.Period,
        Text = r.Text,
        Link = r.Link,
        QueuedAt = clock.GetUtcNow(),
    };

    /// <summary>Marks every notice of the recipient read; returns how many changed.</summary>
    public async Task<int> MarkAllReadAsync(string recipient, CancellationToken cancellationToken = default)
    {
        var changed = 0;
        foreach (var n in (await ForAsync(recipient, cancellationToken)).Where(n => !n.Read))
        {
            await storage.Table(TableNames.Outbox).UpsertEntityAsync(
                new TableEntity(n.PartitionKey, n.RowKey) { [nameof(NotificationEntity.Read)] = true }, TableUpdateMode.Merge, cancellationToken);
            changed++;
        }

        return changed;
    }

    public async Task<IReadOnlyList<NotificationEntity>> ForAsync(string recipient, CancellationToken cancellationToken = default)
    {
        var list = new List<NotificationEntity>();
        await foreach (var n in storage.Table(TableNames.Outbox).QueryAsync<NotificationEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {recipient}"), cancellationToken: cancellationToken))
        {
            list.Add(n);
        }

        return list;
    }
}
