using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Notifications;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Announcements;

/// <summary>Row of the Announcements table: partition "announcement", RowKey = id (newest first).</summary>
public sealed class AnnouncementEntity : EntityBase
{
    public const string Partition = "announcement";

    public string Sender { get; set; } = "";

    /// <summary>"city", or the town's id when a town sent it to its villages.</summary>
    public string SenderScope { get; set; } = "";

    public string Title { get; set; } = "";

    public string Text { get; set; } = "";

    /// <summary>JSON array of the recipients' usernames.</summary>
    public string RecipientsJson { get; set; } = "[]";

    /// <summary>The PDF's blob name, when there is one.</summary>
    public string Attachment { get; set; } = "";

    public long AttachmentBytes { get; set; }

    public bool Pushed { get; set; }

    public DateTimeOffset SentAt { get; set; }
}

public sealed record AnnouncementInput(string Title, string Text, IReadOnlyList<string> Towns, bool AllTowns, bool Push, Stream? Pdf);

public sealed record AnnouncementResult(int Status, string? Title = null, string? Id = null)
{
    public bool Ok => Status == 201;
}

/// <summary>One recipient of an announcement and whether she has read it.</summary>
public sealed record AnnouncementReader(string Username, string Name, bool Read);

/// <summary>
/// 通知公告: the city to all towns or some (their reviewers), a town to its villages (their secretaries). Each
/// recipient gets an in-app notice (the Outbox, reason "announcement"): it counts in the header's badge and stays
/// on every page, the home page included, until she opens it; opening it marks it read, which is what the sender's
/// list of readers shows. Pushed to the robots when asked (city: each town's group; town: its own group, once).
/// An optional PDF (at most <see cref="MaxPdfBytes"/>, checked by its bytes) is kept with the evidence blobs.
/// </summary>
public sealed class AnnouncementService(StorageClients storage, DirectoryService directory, Outbox outbox, TimeProvider clock, ILogger<AnnouncementService> log)
{
    public const long MaxPdfBytes = 10 * 1024 * 1024;
    public const int MaxTitle = 100;
    public const int MaxText = 5000;
    public const string Reason = "announcement";
    public const string PushReason = "announcement-push";

    private TableClient Table => storage.Table(TableNames.Announcements);

    public static string Link(string id) => $"/announcements/{id}";

    public async Task<AnnouncementResult> SendAsync(Principal sender, AnnouncementInput input, CancellationToken cancellationToken = default)
    {
        if (!sender.IsCity && sender.Role != Roles.Town)
        {
            return new AnnouncementResult(403, "只有市级和镇街可以发布通知公告");
        }

        var title = input.Title.Trim();
        var text = input.Text.Trim();
        if (title.Length == 0 || text.Length == 0)
        {
            return new AnnouncementResult(422, "请填写标题和正文");
        }

        if (title.Length > MaxTitle || text.Length > MaxText)
        {
            return new AnnouncementResult(422, $"标题最多 {MaxTitle} 字，正文最多 {MaxText} 字");
        }

        if (title.Any(char.IsControl) || text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            return new AnnouncementResult(422, "标题或正文含有控制字符");
        }

        var (towns, villages) = await directory.TownsAndVillagesAsync(sender.IsCity ? null : sender.TownId, cancellationToken);
        List<string> recipients;
        var robotTowns = new List<string>();
        if (sender.IsCity)
        {
            var chosen = input.AllTowns ? towns.Select(t => t.Id).ToHashSet() : input.Towns.ToHashSet();
            if (chosen.Count == 0)
            {
                return new AnnouncementResult(422, "请选择接收的镇街");
            }

            if (chosen.Except(towns.Select(t => t.Id)).Any())
            {
                return new AnnouncementResult(422, "所选镇街不存在");
            }

            recipients = [.. towns.Where(t => chosen.Contains(t.Id)).Select(t => "town." + t.Id)];
            robotTowns = [.. chosen];
        }
        else
        {
            recipients = [.. villages.Where(v => !v.Closed && v.TownId == sender.TownId && v.Secretary.Username.Length > 0).Select(v => v.Secretary.Username)];
            if (recipients.Count == 0)
            {
                return new AnnouncementResult(422, "本镇街还没有村第一书记账户");
            }

            robotTowns = [sender.TownId];
        }

        var now = clock.GetUtcNow();
        var id = (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..6];
        var entity = new AnnouncementEntity
        {
            PartitionKey = AnnouncementEntity.Partition,
            RowKey = id,
            Sender = sender.Username,
            SenderScope = sender.IsCity ? "city" : sender.TownId,
            Title = title,
            Text = text,
            RecipientsJson = JsonSerializer.Serialize(recipients),
            Pushed = input.Push,
            SentAt = now,
        };
        if (input.Pdf is { } pdf)
        {
            using var copy = new MemoryStream();
            await pdf.CopyToAsync(copy, cancellationToken);
            copy.Position = 0;
            if (copy.Length > MaxPdfBytes)
            {
                return new AnnouncementResult(413, $"附件不能超过 {MaxPdfBytes / 1024 / 1024} MB");
            }

            if (copy.Length == 0 || EvidenceKinds.Detect(copy) != "pdf")
            {
                return new AnnouncementResult(415, "附件只能是 PDF 文件");
            }

            copy.Position = 0;
            entity.Attachment = $"announcements/{id}.pdf";
            entity.AttachmentBytes = copy.Length;
            await storage.EvidenceContainer.GetBlobClient(entity.Attachment).UploadAsync(copy, overwrite: true, cancellationToken);
        }

        await Table.AddEntityAsync(entity, cancellationToken);
        var sent = $"{(sender.IsCity ? "市级" : towns.FirstOrDefault(t => t.Id == sender.TownId)?.Name ?? "镇街")}通知公告：{title}";
        // Pushed by the city: each town's copy goes to that town's group too. Otherwise the copies stay in the app.
        var appOnly = !(input.Push && sender.IsCity);
        await outbox.QueueAsync([.. recipients.Select(r => new Reminder(r, "", "", Reason, id, sent, Link(id), appOnly))], cancellationToken);
        if (input.Push && !sender.IsCity)
        {
            // A town's announcement to its villages: its own group hears it once (the secretaries' copies stay in the app).
            // The row is the town office's (the dispatcher finds the town's robot by it), born read: the sender needs no notice of it.
            var office = "town." + sender.TownId;
            await outbox.QueueAsync([new Reminder(office, "", "", PushReason, id, sent, Link(id))], cancellationToken);
            await outbox.MarkReadAsync(office, Outbox.RowKey(id, PushReason), cancellationToken);
        }

        log.LogInformation("Announcement {Id} sent by {Sender} to {Count} recipients (pushed: {Pushed})", id, sender.Username, recipients.Count, input.Push);
        return new AnnouncementResult(201, null, id);
    }

    public async Task<AnnouncementEntity?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        if (id.Length is 0 or > 40 || !id.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }

        var found = await Table.GetEntityIfExistsAsync<AnnouncementEntity>(AnnouncementEntity.Partition, id, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public static IReadOnlyList<string> Recipients(AnnouncementEntity a) => JsonSerializer.Deserialize<List<string>>(a.RecipientsJson) ?? [];

    /// <summary>Who may open it: its recipients, its sender's office (the city, or the town's reviewers).</summary>
    public static bool MayRead(Principal p, AnnouncementEntity a) =>
        Recipients(a).Contains(p.Username) || IsSenderSide(p, a);

    public static bool IsSenderSide(Principal p, AnnouncementEntity a) => a.SenderScope == "city" ? p.IsCity : p.ReviewsTown(a.SenderScope);

    /// <summary>The announcements the principal's office sent, newest first (one partition query; a few a month).</summary>
    public async Task<IReadOnlyList<AnnouncementEntity>> SentByAsync(Principal p, CancellationToken cancellationToken = default)
    {
        var scope = p.IsCity ? "city" : p.TownId;
        var list = new List<AnnouncementEntity>();
        await foreach (var a in Table.QueryAsync<AnnouncementEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {AnnouncementEntity.Partition} and SenderScope eq {scope}"), cancellationToken: cancellationToken))
        {
            list.Add(a);
        }

        return list;
    }

    /// <summary>Marks the recipient's copy read (opening it is reading it).</summary>
    public Task MarkReadAsync(string username, string id, CancellationToken cancellationToken = default) =>
        outbox.MarkReadAsync(username, Outbox.RowKey(id, Reason), cancellationToken);

    /// <summary>Every recipient with whether she has read it: point reads of the recipients' copies, eight at a time.</summary>
    public async Task<IReadOnlyList<AnnouncementReader>> ReadersAsync(AnnouncementEntity a, CancellationToken cancellationToken = default)
    {
        var (towns, villages) = await directory.TownsAndVillagesAsync(a.SenderScope == "city" ? null : a.SenderScope, cancellationToken);
        var names = towns.ToDictionary(t => "town." + t.Id, t => t.Name);
        foreach (var v in villages.Where(v => v.Secretary.Username.Length > 0))
        {
            names[v.Secretary.Username] = v.Name;
        }

        var readers = new System.Collections.Concurrent.ConcurrentBag<AnnouncementReader>();
        await Parallel.ForEachAsync(Recipients(a), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (r, ct) =>
        {
            var copy = await storage.Table(TableNames.Outbox).GetEntityIfExistsAsync<TableEntity>(r, Outbox.RowKey(a.RowKey, Reason), select: ["Read"], cancellationToken: ct);
            readers.Add(new AnnouncementReader(r, names.GetValueOrDefault(r, r), copy.HasValue && copy.Value!.GetBoolean("Read") == true));
        });
        return [.. readers.OrderBy(r => r.Read).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    public async Task<Stream?> AttachmentAsync(AnnouncementEntity a, CancellationToken cancellationToken = default)
    {
        if (a.Attachment.Length == 0)
        {
            return null;
        }

        try
        {
            return (await storage.EvidenceContainer.GetBlobClient(a.Attachment).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
