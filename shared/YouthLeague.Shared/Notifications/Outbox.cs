using Azure;
using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Workflow;

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

    /// <summary>For the app only: never sent to a robot.</summary>
    public bool AppOnly { get; set; }

    /// <summary>Robot tries that were refused for sending too fast.</summary>
    public int Attempts { get; set; }

    /// <summary>Not to be sent before this time (the robot blocked sends after a rate-limit answer).</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Why the robot did not take it (failed), or why it waits (queued after a rate-limit answer).</summary>
    public string FailureReason { get; set; } = "";

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>When it went out in a digest: how many notices that digest held.</summary>
    public int DigestOf { get; set; }
}

/// <param name="AppOnly">Shown in the app only, never sent to a robot (an announcement not pushed).</param>
public sealed record Reminder(string Recipient, string VillageId, string Step, string Reason, string Period, string Text, string Link, bool AppOnly = false);

/// <summary>
/// Notifications waiting to be delivered, one per (recipient, reason, period): queuing the same reminder
/// again (a replayed activity, a timer that fired twice, two hosts) adds nothing.
/// </summary>
public sealed class Outbox(StorageClients storage, TimeProvider clock)
{
    public static string RowKey(string period, string reason) => $"{period}|{reason}";

    /// <summary>
    /// Queues each reminder once; returns how many were new. A recipient's reminders go in one batch (one request);
    /// if any of them is already queued (the batch fails whole), that recipient's are added one by one. When any was
    /// new, the recipient's account row is marked (one write) so the header's badge knows to look.
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
                    await NoteQueuedAsync(group.Key, cancellationToken);
                    continue;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    // Some were queued before (a replay): add the others one by one.
                }
            }

            var before = added;
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

            if (added > before)
            {
                await NoteQueuedAsync(group.Key, cancellationToken);
            }
        }

        return added;
    }

    /// <summary>The tag of an account row that never had a notice queued since the tags were added.</summary>
    public static string TagOf(string? noticesTag) => noticesTag is { Length: > 0 } t ? t : "none";

    /// <summary>
    /// Whether an account row's two tags say nothing is unread: the badge last found nothing unread while the row carried
    /// the tag it carries now (no notice queued since). An account without the badge's tag (rows written before the
    /// tags, or replaced whole) is queried. No clocks compared: the order of the writes decides.
    /// </summary>
    public static bool NothingUnread(string? noticesTag, string? noticesReadTag) =>
        noticesReadTag is { Length: > 0 } && noticesReadTag == TagOf(noticesTag);

    /// <summary>
    /// The header's badge: the unread count and the unread announcements. No request when the account row (read for the
    /// session) says nothing was queued since the badge last found nothing unread; otherwise one query of the
    /// recipient's partition, and when it finds nothing unread, the tag the session read noted on the account row (one
    /// write, once per notice). A notice stored after that query changed the row's tag before or after the session read
    /// it: before, the query found the notice; after, the noted tag is already stale, so the next page looks again.
    /// </summary>
    public async Task<(int Count, IReadOnlyList<(string Text, string Link)> Announcements)> BadgeAsync(Auth.Principal who, CancellationToken cancellationToken = default)
    {
        if (who.NothingUnread)
        {
            return (0, []);
        }

        var unread = await UnreadAsync(who.Username, cancellationToken);
        if (unread.Count == 0 && who.NoticesTag.Length > 0)
        {
            await MarkAccountAsync(who.Username, nameof(Auth.AccountEntity.NoticesReadTag), who.NoticesTag, cancellationToken);
        }

        return unread;
    }

    /// <summary>A fresh tag on the recipient's account row, after the notice is stored: a badge that read the row before
    /// this holds the old tag, so whatever it notes no longer matches.</summary>
    private Task NoteQueuedAsync(string recipient, CancellationToken cancellationToken) =>
        MarkAccountAsync(recipient, nameof(Auth.AccountEntity.NoticesTag), Guid.NewGuid().ToString("N"), cancellationToken);

    /// <summary>One column merged into an existing account row (never creates one: a recipient without an account is left alone).</summary>
    private async Task MarkAccountAsync(string username, string column, string value, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Table(TableNames.Accounts).UpdateEntityAsync(
                new TableEntity(Auth.AccountEntity.Partition, username) { [column] = value }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // No such account (a robot-only recipient, a username a key cannot hold): nothing to mark.
        }
    }

    /// <summary>
    /// The reminders of a quarter's review (the quarterly review activity): computed as of the day it runs in the
    /// checklist's own calendar (real, or the compressed one the checklist started with), never before the day after
    /// the quarter's end, so a year opened late does not announce as ahead a date already past.
    /// </summary>
    public async Task<int> QueueQuarterAsync(QuarterlyReview review, ChecklistDefinition definition, string secretary, CancellationToken cancellationToken = default)
    {
        var calendar = ChecklistCalendar.Real(review.State.Year);
        var header = await storage.Table(TableNames.Checklists).GetEntityIfExistsAsync<ChecklistEntity>(
            Keys.Checklist(review.State.Year, review.State.VillageId), ChecklistEntity.Row, cancellationToken: cancellationToken);
        if (header.HasValue && header.Value!.CalendarJson is { Length: > 0 } json)
        {
            calendar = System.Text.Json.JsonSerializer.Deserialize<ChecklistCalendar>(json, Json.Options) ?? calendar;
        }

        var now = calendar.DateOf(clock.GetUtcNow());
        var today = now > review.AsOf ? now : review.AsOf.AddDays(1);
        return await QueueAsync(QuarterlyReminders.For(definition, review.State, today, secretary), cancellationToken);
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
        AppOnly = r.AppOnly,
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

    /// <summary>How many of the recipient's notices are unread, and the unread announcements among them (text, link): one partition query.</summary>
    public async Task<(int Count, IReadOnlyList<(string Text, string Link)> Announcements)> UnreadAsync(string recipient, CancellationToken cancellationToken = default)
    {
        var count = 0;
        var announcements = new List<(string, string)>();
        await foreach (var n in storage.Table(TableNames.Outbox).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {recipient} and Read eq false"), select: ["RowKey", "Reason", "Text", "Link"], cancellationToken: cancellationToken))
        {
            count++;
            if (n.GetString("Reason") == "announcement")
            {
                announcements.Add((n.GetString("Text") ?? "", n.GetString("Link") ?? ""));
            }
        }

        return (count, announcements);
    }

    /// <summary>One page of the recipient's notices, newest first, with the total and the unread count.</summary>
    public async Task<(IReadOnlyList<NotificationEntity> Items, int Total, int Unread)> PageAsync(string recipient, int page, int size, CancellationToken cancellationToken = default)
    {
        var all = (await ForAsync(recipient, cancellationToken)).OrderByDescending(n => n.QueuedAt).ThenBy(n => n.RowKey, StringComparer.Ordinal).ToList();
        return ([.. all.Skip((Math.Max(page, 1) - 1) * size).Take(size)], all.Count, all.Count(n => !n.Read));
    }

    /// <summary>Marks one notice of the recipient read (false when it is not hers).</summary>
    public async Task<bool> MarkReadAsync(string recipient, string id, CancellationToken cancellationToken = default)
    {
        if (id.Length is 0 or > 200)
        {
            return false;
        }

        try
        {
            await storage.Table(TableNames.Outbox).UpdateEntityAsync(
                new TableEntity(recipient, id) { [nameof(NotificationEntity.Read)] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
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
