using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using YouthLeague.Announcements;
using YouthLeague.Auth;
using YouthLeague.Notifications;
using YouthLeague.Storage;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;

namespace YouthLeague.Tests.Notifications;

/// <summary>
/// Delivery to group robots played by a local HTTP listener that answers as WeCom and DingTalk do (HTTP 200 with an
/// errcode), on real storage, with an injected clock.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class NotificationDispatcherTests(Azurite azurite, ITestOutputHelper output)
{
    /// <summary>A robot: errcode 0, or 130101 once more than 20 messages came in its current minute, or a fixed answer.</summary>
    private sealed class Robot : IDisposable
    {
        private readonly HttpListener listener = new();
        private int inMinute;

        public Robot(int status = 200, string? answer = null)
        {
            Port = FreePorts.Block(1);
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    using var reader = new StreamReader(context.Request.InputStream);
                    var body = await reader.ReadToEndAsync();
                    var reply = answer ?? (Interlocked.Increment(ref inMinute) > 20
                        ? """{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"""
                        : """{"errcode":0,"errmsg":"ok"}""");
                    Received.Enqueue((context.Request.Url!.Query, body, reply));
                    context.Response.StatusCode = status;
                    var bytes = System.Text.Encoding.UTF8.GetBytes(reply);
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        public int Port { get; }

        public ConcurrentQueue<(string Query, string Body, string Reply)> Received { get; } = new();

        public IEnumerable<string> Accepted => Received.Where(r => r.Reply.Contains("\"errcode\":0", StringComparison.Ordinal)).Select(r => r.Body);

        /// <summary>Messages from elsewhere (another system posting to the same group) already in this minute.</summary>
        public void AlreadyReceived(int count) => inMinute = count;

        public void NewMinute() => inMinute = 0;

        public void Dispose() => listener.Close();
    }

    private sealed record Setup(ServiceProvider Services, FakeTimeProvider Clock, string Town, IReadOnlyList<string> Villages) : IAsyncDisposable
    {
        public NotificationDispatcher Dispatcher => Services.GetRequiredService<NotificationDispatcher>();

        public Outbox Outbox => Services.GetRequiredService<Outbox>();

        public async Task<List<NotificationEntity>> RowsAsync()
        {
            var rows = new List<NotificationEntity>();
            foreach (var v in Villages)
            {
                rows.AddRange(await Outbox.ForAsync("sec." + v));
            }

            return rows;
        }

        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }

    /// <summary>A town with <paramref name="villages"/> villages, one notice each (the first two villages' secretaries have a phone).</summary>
    private async Task<Setup> SetUpAsync(Robot robot, string kind, DateTimeOffset now, int villages = 2, Dictionary<string, string?>? settings = null, bool mentions = true)
    {
        var clock = new FakeTimeProvider(now);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var town = "nt" + suffix;
        var all = new Dictionary<string, string?>
        {
            [$"YouthLeague:Webhooks:{town}:Kind"] = kind,
            [$"YouthLeague:Webhooks:{town}:Url"] = $"http://127.0.0.1:{robot.Port}/robot/send?access_token=t",
            [$"YouthLeague:Webhooks:{town}:Secret"] = "SEC-test",
            [$"YouthLeague:Webhooks:{town}:Mentions"] = mentions ? "true" : "false",
            ["YouthLeague:Webhooks:RetryDelay"] = "00:00:00.050",
            ["YouthLeague:PublicBaseUrl"] = "https://tuanjian.example.cn",
        };
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }

        var services = AccountServiceTests.Services(azurite.ConnectionString, clock, all);
        var storage = services.GetRequiredService<StorageClients>();
        await storage.EnsureCreatedAsync();
        var ids = Enumerable.Range(1, villages).Select(i => $"nv{i}-{suffix}").ToList();
        await services.GetRequiredService<DirectoryService>().UpsertAsync(new DemoSeed(
            new CitySeed("zoucheng", "邹城市", new PersonSeed("city", "市")),
            [new TownSeed(town, "通知镇", new PersonSeed("town." + town, "审核员"))],
            [.. ids.Select((id, i) => new VillageSeed(id, town, $"第{i + 1}村", true, new PersonSeed("sec." + id, "书记")))]));
        for (var i = 0; i < Math.Min(2, villages); i++)
        {
            await storage.Table(TableNames.Directory).UpsertEntityAsync(
                new TableEntity(VillageEntity.Partition, ids[i]) { [nameof(VillageEntity.SecretaryPhone)] = $"1380000000{i}" }, TableUpdateMode.Merge);
        }

        await services.GetRequiredService<Outbox>().QueueAsync(ids.Select(id =>
            new Reminder("sec." + id, id, "forum", "due14-forum", "2026", "“召开一次团员青年座谈会”还有 14 天截止（2026-06-30），请尽快提交。", NoticeLinks.StepForm(2026, id, "forum"))));
        return new Setup(services, clock, town, ids);
    }

    private static readonly DateTimeOffset Morning = new(2026, 6, 16, 2, 0, 0, TimeSpan.Zero); // 10:00 China time

    [Fact]
    public async Task DeliverAsync_RunTwiceAndQuietAtNight_SendsEachMessageOnceInTheMorning()
    {
        using var robot = new Robot();
        await using var s = await SetUpAsync(robot, "wecom", new DateTimeOffset(2026, 6, 16, 15, 0, 0, TimeSpan.Zero)); // 23:00 China time

        await s.Dispatcher.DeliverAsync();
        Assert.Empty(robot.Received);

        s.Clock.SetUtcNow(new DateTimeOffset(2026, 6, 17, 0, 0, 0, TimeSpan.Zero)); // 08:00 China time
        await Task.WhenAll(s.Dispatcher.DeliverAsync(), s.Dispatcher.DeliverAsync());
        await s.Dispatcher.DeliverAsync();

        Assert.Equal(2, robot.Received.Count);
        var bodies = robot.Received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(bodies, b => Assert.Equal("text", b.GetProperty("msgtype").GetString()));
        // Each names its town, village and step, links to the step's form on the public site and mentions that village's secretary.
        for (var i = 0; i < 2; i++)
        {
            var body = Assert.Single(bodies, b => b.GetProperty("text").GetProperty("content").GetString()!.Contains($"第{i + 1}村", StringComparison.Ordinal));
            var content = body.GetProperty("text").GetProperty("content").GetString()!;
            Assert.StartsWith($"【通知镇·第{i + 1}村】“召开一次团员青年座谈会”", content, StringComparison.Ordinal);
            Assert.Contains($"https://tuanjian.example.cn/villages/{s.Villages[i]}/steps/forum?year=2026", content, StringComparison.Ordinal);
            Assert.Equal([$"1380000000{i}"], body.GetProperty("text").GetProperty("mentioned_mobile_list").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.All(await s.RowsAsync(), n => Assert.Equal("sent", n.Status));
    }

    [Fact]
    public async Task DeliverAsync_ManyNoticesForATown_OneMarkdownDigestWithLinksAndMentions()
    {
        using var robot = new Robot();
        await using var s = await SetUpAsync(robot, "dingtalk", Morning, villages: 6);

        await s.Dispatcher.DeliverAsync();
        await s.Dispatcher.DeliverAsync();

        var received = Assert.Single(robot.Received);
        output.WriteLine("digest as the DingTalk robot received it:\n" + received.Body);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "yl-digest-dingtalk.json"), received.Body);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
        Assert.Equal("通知镇今日提醒（6 条）", body.GetProperty("markdown").GetProperty("title").GetString());
        var text = body.GetProperty("markdown").GetProperty("text").GetString()!;
        for (var i = 0; i < 6; i++)
        {
            Assert.Contains($"- **第{i + 1}村**：“召开一次团员青年座谈会”", text, StringComparison.Ordinal);
            Assert.Contains($"[去办理](https://tuanjian.example.cn/villages/{s.Villages[i]}/steps/forum?year=2026)", text, StringComparison.Ordinal);
        }

        Assert.Equal(["13800000000", "13800000001"], body.GetProperty("at").GetProperty("atMobiles").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("@13800000000 @13800000001", text, StringComparison.Ordinal);
        Assert.Matches("timestamp=\\d+&sign=", received.Query);
        Assert.All(await s.RowsAsync(), n => Assert.True(n is { Status: "sent", DigestOf: 6 }));
    }

    [Fact]
    public async Task DeliverAsync_MentionsOff_NoPhoneInTheMessage()
    {
        using var robot = new Robot();
        await using var s = await SetUpAsync(robot, "wecom", Morning, villages: 1, mentions: false);

        await s.Dispatcher.DeliverAsync();

        var received = Assert.Single(robot.Received);
        Assert.DoesNotContain("13800000000", received.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("mentioned_mobile_list", received.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliverAsync_PacedAndRateLimited_RetriedLaterAndNeverSentTwice()
    {
        using var robot = new Robot();
        // No digest, so each notice is one message: 25 messages for one robot.
        await using var s = await SetUpAsync(robot, "dingtalk", Morning, villages: 25, settings: new() { ["YouthLeague:Webhooks:DigestAbove"] = "1000" });

        // Paced: 18 a minute (under DingTalk's 20); the rest wait.
        await s.Dispatcher.DeliverAsync();
        Assert.Equal(18, robot.Received.Count);
        await s.Dispatcher.DeliverAsync();
        Assert.Equal(18, robot.Received.Count); // still the same minute

        // Next minute, but another system already posted 20 messages to the group: the 21st is refused with 130101.
        s.Clock.Advance(TimeSpan.FromSeconds(61));
        robot.NewMinute();
        robot.AlreadyReceived(20);
        await s.Dispatcher.DeliverAsync();
        Assert.Equal(19, robot.Received.Count); // one try, then nothing more to a robot that said "too fast"
        var waiting = (await s.RowsAsync()).Where(n => n.Status == "queued").ToList();
        Assert.Equal(7, waiting.Count);
        var refused = Assert.Single(waiting, n => n.Attempts == 1);
        Assert.Contains("130101", refused.FailureReason, StringComparison.Ordinal);

        // DingTalk blocks for 10 minutes: nothing before then, everything after.
        s.Clock.Advance(TimeSpan.FromMinutes(5));
        await s.Dispatcher.DeliverAsync();
        Assert.Equal(19, robot.Received.Count);
        s.Clock.Advance(TimeSpan.FromMinutes(6));
        robot.NewMinute();
        await s.Dispatcher.DeliverAsync();
        await s.Dispatcher.DeliverAsync();

        Assert.Equal(26, robot.Received.Count);
        Assert.All(await s.RowsAsync(), n => Assert.Equal("sent", n.Status));
        // Each village's notice was accepted exactly once.
        foreach (var (v, i) in s.Villages.Select((v, i) => (v, i)))
        {
            Assert.Single(robot.Accepted, b => b.Contains($"/villages/{v}/steps/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DeliverAsync_InvalidToken_MarkedFailedWithTheReasonAndNotRetried()
    {
        using var robot = new Robot(answer: """{"errcode":93000,"errmsg":"invalid webhook url, hint: [1718000000_1]"}""");
        await using var s = await SetUpAsync(robot, "wecom", Morning);

        await s.Dispatcher.DeliverAsync();
        s.Clock.Advance(TimeSpan.FromMinutes(30));
        await s.Dispatcher.DeliverAsync();

        Assert.Equal(2, robot.Received.Count);
        var failed = await s.Dispatcher.FailedAsync(s.Town);
        Assert.Equal(2, failed.Count);
        Assert.All(failed, n => Assert.Contains("errcode 93000", n.FailureReason, StringComparison.Ordinal));
        Assert.All(await s.RowsAsync(), n => Assert.Equal("failed", n.Status));
    }

    [Fact]
    public async Task DeliverAsync_RobotFails_RetriedThenMarkedFailedForTheTownReviewer()
    {
        using var robot = new Robot(500);
        await using var s = await SetUpAsync(robot, "dingtalk", Morning);

        await s.Dispatcher.DeliverAsync();

        Assert.Equal(2 * 4, robot.Received.Count); // one try and three retries each
        Assert.All(robot.Received, r => Assert.Matches("timestamp=\\d+&sign=", r.Query));
        var failed = await s.Dispatcher.FailedAsync(s.Town);
        Assert.Equal(2, failed.Count);
        Assert.All(failed, n => Assert.Contains("HTTP 500", n.FailureReason, StringComparison.Ordinal));
        Assert.Equal(s.Villages.Order(StringComparer.Ordinal), failed.Select(n => n.VillageId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeliverAsync_ClaimLeftByAKilledRun_IsSentOnceAfterTheClaimTimesOut()
    {
        using var robot = new Robot();
        await using var s = await SetUpAsync(robot, "wecom", Morning);
        var table = s.Services.GetRequiredService<StorageClients>().Table(TableNames.Outbox);

        // A run claimed both rows and died before sending: they stay "sending".
        foreach (var n in await s.RowsAsync())
        {
            n.Status = "sending";
            await table.UpdateEntityAsync(n, n.ETag);
        }

        // The rows' Timestamp is the storage's real time: a claim counts as left behind ClaimTimeout after it.
        s.Clock.SetUtcNow(DateTimeOffset.UtcNow.AddMinutes(1));
        while (NotificationDispatcher.QuietHours(s.Clock.GetUtcNow()))
        {
            s.Clock.Advance(TimeSpan.FromHours(1));
        }

        if (s.Clock.GetUtcNow() < DateTimeOffset.UtcNow + NotificationDispatcher.ClaimTimeout)
        {
            await s.Dispatcher.DeliverAsync();
            Assert.Empty(robot.Received); // still claimed by the dead run
        }

        s.Clock.Advance(NotificationDispatcher.ClaimTimeout + TimeSpan.FromMinutes(1));
        while (NotificationDispatcher.QuietHours(s.Clock.GetUtcNow()))
        {
            s.Clock.Advance(TimeSpan.FromHours(1));
        }

        await s.Dispatcher.DeliverAsync();
        await s.Dispatcher.DeliverAsync();

        Assert.Equal(2, robot.Received.Count);
        Assert.All(await s.RowsAsync(), n => Assert.Equal("sent", n.Status));
        var secretary = "sec." + s.Villages[0];
        Assert.Equal(1, await s.Outbox.MarkAllReadAsync(secretary));
        Assert.All(await s.Outbox.ForAsync(secretary), n => Assert.True(n.Read));
        Assert.Equal(0, await s.Outbox.MarkAllReadAsync(secretary));
    }

    [Fact]
    public async Task Announcements_PushedOnesReachTheTownRobotOnce_OthersStayInTheApp()
    {
        using var robot = new Robot();
        await using var s = await SetUpAsync(robot, "wecom", Morning, villages: 1);
        await s.Dispatcher.DeliverAsync();
        Assert.Single(robot.Received); // the secretary's reminder

        var announcements = s.Services.GetRequiredService<AnnouncementService>();
        var city = new Principal("city", Roles.City, "zoucheng", "zoucheng");
        var town = new Principal("town." + s.Town, Roles.Town, s.Town, s.Town);
        var pushed = await announcements.SendAsync(city, new AnnouncementInput("关于开展年度“六个一”工作的通知", "正文", [s.Town], false, true, null));
        var quiet = await announcements.SendAsync(city, new AnnouncementInput("不推送的通知", "正文", [s.Town], false, false, null));
        var byTown = await announcements.SendAsync(town, new AnnouncementInput("本镇通知", "请各村周五前提交。", [], false, true, null));
        Assert.True(pushed.Ok && quiet.Ok && byTown.Ok);

        await s.Dispatcher.DeliverAsync();
        await s.Dispatcher.DeliverAsync();

        var texts = robot.Received.Skip(1).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("text").GetProperty("content").GetString()!).ToList();
        Assert.Equal(2, texts.Count);
        Assert.Single(texts, t => t.StartsWith("【通知镇】市级通知公告：关于开展年度“六个一”工作的通知", StringComparison.Ordinal)
            && t.Contains($"https://tuanjian.example.cn/announcements/{pushed.Id}", StringComparison.Ordinal));
        Assert.Single(texts, t => t.StartsWith("【通知镇】通知镇通知公告：本镇通知", StringComparison.Ordinal)
            && t.Contains($"https://tuanjian.example.cn/announcements/{byTown.Id}", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("不推送的通知", StringComparison.Ordinal));

        // In the app: the town has both of the city's unread (its own push row is born read); the secretary has the town's.
        var (townUnread, townAnnouncements) = await s.Outbox.UnreadAsync("town." + s.Town);
        Assert.Equal(2, townUnread);
        Assert.Equal(
            new[] { AnnouncementService.Link(pushed.Id!), AnnouncementService.Link(quiet.Id!) }.Order(StringComparer.Ordinal),
            townAnnouncements.Select(a => a.Link).Order(StringComparer.Ordinal));
        var (_, secretaryAnnouncements) = await s.Outbox.UnreadAsync("sec." + s.Villages[0]);
        Assert.Equal(AnnouncementService.Link(byTown.Id!), Assert.Single(secretaryAnnouncements).Link);
    }

    [Fact]
    public async Task ReadAnswer_ErrcodeSemantics()
    {
        static async Task<RobotAnswer> Read(int status, string body)
        {
            using var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body) };
            return await Webhooks.ReadAnswerAsync(response, CancellationToken.None);
        }

        Assert.Equal(RobotOutcome.Sent, (await Read(200, """{"errcode":0,"errmsg":"ok"}""")).Outcome);
        Assert.Equal(RobotOutcome.RateLimited, (await Read(200, """{"errcode":130101,"errmsg":"send too fast"}""")).Outcome);
        Assert.Equal(RobotOutcome.RateLimited, (await Read(200, """{"errcode":45009,"errmsg":"api freq out of limit"}""")).Outcome);
        Assert.Equal(RobotOutcome.Refused, (await Read(200, """{"errcode":300005,"errmsg":"token is not exist"}""")).Outcome);
        Assert.Equal(RobotOutcome.Refused, (await Read(200, "")).Outcome);
        Assert.Equal(RobotOutcome.Refused, (await Read(502, """{"errcode":0}""")).Outcome);
    }
}
