using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Notifications;
using YouthLeague.Storage;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;

namespace YouthLeague.Tests.Notifications;

/// <summary>Delivery to a group robot played by a local HTTP listener, on real storage, with an injected clock.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class NotificationDispatcherTests(Azurite azurite)
{
    private sealed class Robot : IDisposable
    {
        private readonly HttpListener listener = new();

        public Robot(int status)
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
                    Received.Enqueue((context.Request.Url!.Query, await reader.ReadToEndAsync()));
                    context.Response.StatusCode = status;
                    context.Response.Close();
                }
            });
        }

        public int Port { get; }

        public ConcurrentQueue<(string Query, string Body)> Received { get; } = new();

        public void Dispose() => listener.Close();
    }

    private async Task<(ServiceProvider Services, FakeTimeProvider Clock, string Village, string Town)> SetUpAsync(Robot robot, string kind, DateTimeOffset now)
    {
        var clock = new FakeTimeProvider(now);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (town, village) = ("nt" + suffix, "nv-" + suffix);
        var services = AccountServiceTests.Services(azurite.ConnectionString, clock, new Dictionary<string, string?>
        {
            [$"YouthLeague:Webhooks:{town}:Kind"] = kind,
            [$"YouthLeague:Webhooks:{town}:Url"] = $"http://127.0.0.1:{robot.Port}/robot/send?access_token=t",
            [$"YouthLeague:Webhooks:{town}:Secret"] = "SEC-test",
            ["YouthLeague:Webhooks:RetryDelay"] = "00:00:00.050",
        });
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        await services.GetRequiredService<DirectoryService>().UpsertAsync(new DemoSeed(
            new CitySeed("zoucheng", "邹城市", new PersonSeed("city", "市")),
            [new TownSeed(town, "通知镇", new PersonSeed("town." + town, "审核员"))],
            [new VillageSeed(village, town, "通知村", true, new PersonSeed("sec." + village, "书记"))]));
        await services.GetRequiredService<Outbox>().QueueAsync(
        [
            new Reminder("sec." + village, village, "forum", "due14-forum", "2026", "“召开一次团员青年座谈会”还有 14 天截止", "/x"),
            new Reminder("sec." + village, village, "plan", "due3-plan", "2026", "“制定工作计划”还有 3 天截止", "/y"),
        ]);
        return (services, clock, village, town);
    }

    [Fact]
    public async Task DeliverAsync_RunTwiceAndQuietAtNight_SendsEachMessageOnceInTheMorning()
    {
        using var robot = new Robot(200);
        var (services, clock, village, _) = await SetUpAsync(robot, "wecom", new DateTimeOffset(2026, 6, 16, 15, 0, 0, TimeSpan.Zero)); // 23:00 China time
        await using var _ = services;
        var dispatcher = services.GetRequiredService<NotificationDispatcher>();

        var night = await dispatcher.DeliverAsync();
        Assert.Equal(0, night.Sent);
        Assert.Empty(robot.Received);

        clock.SetUtcNow(new DateTimeOffset(2026, 6, 17, 0, 0, 0, TimeSpan.Zero)); // 08:00 China time
        await Task.WhenAll(dispatcher.DeliverAsync(), dispatcher.DeliverAsync());
        await dispatcher.DeliverAsync();

        Assert.Equal(2, robot.Received.Count);
        Assert.All(robot.Received, r => Assert.Contains("\"msgtype\":\"text\"", r.Body, StringComparison.Ordinal));
        Assert.All(await services.GetRequiredService<Outbox>().ForAsync("sec." + village), n => Assert.Equal("sent", n.Status));
    }

    [Fact]
    public async Task DeliverAsync_RobotFails_RetriedThenMarkedFailedForTheTownReviewer()
    {
        using var robot = new Robot(500);
        var (services, _, village, town) = await SetUpAsync(robot, "dingtalk", new DateTimeOffset(2026, 6, 16, 2, 0, 0, TimeSpan.Zero)); // 10:00 China time
        await using var _ = services;
        var dispatcher = services.GetRequiredService<NotificationDispatcher>();

        var result = await dispatcher.DeliverAsync();

        Assert.Equal(2, result.Failed);
        Assert.Equal(2 * 4, robot.Received.Count); // one try and three retries each
        Assert.All(robot.Received, r => Assert.Matches("timestamp=\\d+&sign=", r.Query));
        var failed = await dispatcher.FailedAsync(town);
        Assert.Equal(2, failed.Count);
        Assert.All(failed, n => Assert.Equal(village, n.VillageId));
    }

    [Fact]
    public async Task DeliverAsync_ClaimLeftByAKilledRun_IsSentOnceAfterTheClaimTimesOut()
    {
        using var robot = new Robot(200);
        var now = DateTimeOffset.UtcNow;
        var (services, clock, village, _) = await SetUpAsync(robot, "wecom", now);
        await using var _ = services;
        var dispatcher = services.GetRequiredService<NotificationDispatcher>();
        var outbox = services.GetRequiredService<Outbox>();
        var table = services.GetRequiredService<StorageClients>().Table(TableNames.Outbox);

        // A run claimed both rows and died before sending: they stay "sending".
        foreach (var n in await outbox.ForAsync("sec." + village))
        {
            n.Status = "sending";
            await table.UpdateEntityAsync(n, n.ETag);
        }

        clock.SetUtcNow(now.AddMinutes(1));
        if (!NotificationDispatcher.QuietHours(clock.GetUtcNow()))
        {
            Assert.Equal(0, (await dispatcher.DeliverAsync()).Sent); // still claimed by the dead run
        }

        clock.SetUtcNow(now + NotificationDispatcher.ClaimTimeout + TimeSpan.FromMinutes(1));
        while (NotificationDispatcher.QuietHours(clock.GetUtcNow()))
        {
            clock.Advance(TimeSpan.FromHours(1));
        }

        await dispatcher.DeliverAsync();
        await dispatcher.DeliverAsync();

        Assert.Equal(2, robot.Received.Count);
        Assert.All(await outbox.ForAsync("sec." + village), n => Assert.Equal("sent", n.Status));
        Assert.Equal(2, await outbox.MarkAllReadAsync("sec." + village));
        Assert.All(await outbox.ForAsync("sec." + village), n => Assert.True(n.Read));
        Assert.Equal(0, await outbox.MarkAllReadAsync("sec." + village));
    }
}
