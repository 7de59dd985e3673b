using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Progress;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;
using YouthLeague.Web;

namespace YouthLeague.Tests.Committees;

/// <summary>Counts every Table storage request a request makes; a continuation (the next page of a query) is counted apart.</summary>
public sealed class TableRequestCounter : HttpPipelinePolicy
{
    private int queries;
    private int continuations;

    /// <summary>Point reads, queries and writes: one per call, however many rows come back.</summary>
    public int Requests => queries;

    /// <summary>Further pages of a query (more than 1,000 rows, or Azurite's own paging).</summary>
    public int Continuations => continuations;

    public void Reset()
    {
        queries = 0;
        continuations = 0;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Count(HttpMessage message)
    {
        if (message.Request.Uri.Query.Contains("NextPartitionKey", StringComparison.Ordinal) || message.Request.Uri.Query.Contains("NextRowKey", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref continuations);
        }
        else
        {
            Interlocked.Increment(ref queries);
        }
    }
}

/// <summary>Holds every Table request for a while and records the most that were in flight at once (requests side by side, not one after another).</summary>
public sealed class InFlightRequests(TimeSpan hold) : HttpPipelinePolicy
{
    private int current;
    private int max;

    public int Max => max;

    public void Reset() => max = 0;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Enter();
        try
        {
            Thread.Sleep(hold);
            ProcessNext(message, pipeline);
        }
        finally
        {
            Interlocked.Decrement(ref current);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Enter();
        try
        {
            await Task.Delay(hold);
            await ProcessNextAsync(message, pipeline);
        }
        finally
        {
            Interlocked.Decrement(ref current);
        }
    }

    private void Enter()
    {
        var now = Interlocked.Increment(ref current);
        int seen;
        while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
        {
        }
    }
}

/// <summary>
/// What a town page and the city page cost in table requests, over the seeded towns and over a town of 1,000
/// generated villages written straight into the projections. The town page costs 3 requests whatever the number
/// of villages (the caller's account, the town's progress partition, its snapshots partition; a fourth, the
/// directory, while its rows are in the format before the names), the city page 3 whatever the number of towns
/// (account, one range over every town's progress partition, which also names the towns, and one query of the Meetings
/// table for the meeting records and the recommended cases; a fourth, the directory, while some rows are in the format
/// before the names). The header's unread badge costs nothing while the account row says nothing was queued since the
/// caller last had nothing unread (one query, and one write when it finds nothing, after a notice). Only the number of
/// pages of a query grows with rows. Render times are printed (run with --logger "console;verbosity=detailed"), never
/// asserted.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardQueryTests(Azurite azurite, ITestOutputHelper output)
{
    /// <summary>Account, progress partition, snapshots (the header's badge from the account row).</summary>
    public const int TownPageRequests = 3;

    /// <summary>Account, progress (every town's rows, naming the towns), one query of the Meetings table (the year's meeting records, held/missed per town, with the recommended cases).</summary>
    public const int CityPageRequests = 3;

    private static readonly string[] Statuses = ["approved", "approved", "submitted", "returned", "notStarted"];

    [Fact]
    public async Task TownPage_SeededAndThousandVillages_SameBoundedNumberOfTableQueries()
    {
        var counter = new TableRequestCounter();
        await using var services = await ServicesAsync(counter);
        var storage = services.GetRequiredService<StorageClients>();

        // The seeded towns and villages, each with a progress row.
        var seed = DemoSeed.Load(Path.Combine(TestData.RepoRoot, "seeds", "demo.json"));
        await services.GetRequiredService<DirectoryService>().UpsertAsync(seed);
        var seededTown = seed.Towns.OrderByDescending(t => seed.Villages.Count(v => v.TownId == t.Id)).First();
        var store = services.GetRequiredService<TownProgressStore>();
        foreach (var town in seed.Villages.GroupBy(v => v.TownId))
        {
            await store.WriteAsync(Rows(town.Key, seed.Towns.Single(t => t.Id == town.Key).Name, town.Select(v => (v.Id, v.Name)).ToList()));
        }

        var accounts = services.GetRequiredService<AccountService>();
        var big = "qc" + Guid.NewGuid().ToString("N")[..8];
        await accounts.SeedDemoAsync(new DemoSeed(seed.City, [seededTown, new TownSeed(big, "千村镇", new PersonSeed("town." + big, "审核员"))], []), LocalHostProcess.DemoPassword);
        var pages = services.GetRequiredService<DashboardPages>();
        var meetings = services.GetRequiredService<MeetingPages>();
        var directory = services.GetRequiredService<DirectoryService>();

        var seeded = await MeasureAsync(counter, services.GetRequiredService<SignInService>(), "town." + seededTown.Id, r => pages.TownAsync(r, seededTown.Id));
        var seededTowns = (await directory.TownsAsync()).Count;
        var seededCity = await MeasureAsync(counter, services.GetRequiredService<SignInService>(), "city", pages.CityAsync);

        // A generated town of 1,000 villages: directory rows, progress rows, three quarters of snapshots.
        var villages = Enumerable.Range(0, 1000).Select(i => $"{big}-{i:0000}").ToList();
        var generated = new DemoSeed(seed.City, [new TownSeed(big, "千村镇", new PersonSeed("town." + big, "审核员"))], villages.Select(v => new VillageSeed(v, big, "村" + v[^4..], true, new PersonSeed("sec." + v, "书记"))).ToList());
        await directory.UpsertAsync(generated with { Villages = [] });
        await WriteDirectoryAsync(storage, generated.Villages);
        await store.WriteAsync(Rows(big, "千村镇", generated.Villages.Select(v => (v.Id, v.Name)).ToList()));
        await WriteSnapshotsAsync(storage, big, villages);

        var thousand = await MeasureAsync(counter, services.GetRequiredService<SignInService>(), "town." + big, r => pages.TownAsync(r, big));
        var towns = (await directory.TownsAsync()).Count;
        var city = await MeasureAsync(counter, services.GetRequiredService<SignInService>(), "city", pages.CityAsync);

        // A town whose rows were written before they carried names: still drawn, its names from the directory.
        var old = "lg" + Guid.NewGuid().ToString("N")[..8];
        var oldVillages = Enumerable.Range(0, 20).Select(i => $"{old}-{i:00}").ToList();
        var oldSeed = new DemoSeed(seed.City, [new TownSeed(old, "旧行镇", new PersonSeed("town." + old, "审核员"))], oldVillages.Select(v => new VillageSeed(v, old, "旧村" + v[^2..], true, new PersonSeed("sec." + v, "书记"))).ToList());
        await directory.UpsertAsync(oldSeed);
        await accounts.SeedDemoAsync(oldSeed with { Villages = [] }, LocalHostProcess.DemoPassword);
        await WriteLegacyProgressAsync(storage, old, oldVillages);
        var legacy = await MeasureAsync(counter, services.GetRequiredService<SignInService>(), "town." + old, r => pages.TownAsync(r, old), body =>
        {
            Assert.Contains("旧行镇", body, StringComparison.Ordinal);
            Assert.Contains("旧村07", body, StringComparison.Ordinal);
        });
        var legacyCity = await MeasureAsync(counter, services.GetRequiredService<SignInService>(), "city", pages.CityAsync, body => Assert.Contains("旧行镇", body, StringComparison.Ordinal));
        var pack = await MeasureAsync(counter, services.GetRequiredService<SignInService>(), "town." + big, r => meetings.PackAsync(r, big, "1"));
        var seededPack = await MeasureAsync(counter, services.GetRequiredService<SignInService>(), "town." + seededTown.Id, r => meetings.PackAsync(r, seededTown.Id, "4"));

        output.WriteLine($"town page, seeded ({seededTown.Id}, {seed.Villages.Count(v => v.TownId == seededTown.Id)} villages): {seeded}");
        output.WriteLine($"town page, 1,000 generated villages: {thousand}");
        output.WriteLine($"town page, 20 villages in rows of the format before names: {legacy}");
        output.WriteLine($"city page, with that town: {legacyCity}");
        output.WriteLine($"city page, seeded ({seededTowns} towns): {seededCity}");
        output.WriteLine($"city page ({towns} towns, the 1,000-village town included): {city}");
        output.WriteLine($"meeting pack Q1, 1,000 villages (from snapshots): {pack}");
        output.WriteLine($"meeting pack Q4, seeded town: {seededPack}");

        Assert.Equal(TownPageRequests, seeded.Requests);
        Assert.Equal(TownPageRequests, thousand.Requests);
        Assert.Equal(TownPageRequests + 1, legacy.Requests); // + the directory, for the names
        Assert.Equal(CityPageRequests + 1, legacyCity.Requests); // + the village directory, for the names
        Assert.Equal(CityPageRequests, seededCity.Requests); // not one per town any more
        Assert.Equal(CityPageRequests, city.Requests);
        Assert.True(towns > seededTowns);
        Assert.Equal(1 + 5, pack.Requests); // account + towns, villages, snapshots, meetings, cases (the badge from the account row)
        Assert.InRange(seededPack.Requests, 1 + 5, 1 + 6); // + the live progress partition when the quarter has no snapshot yet
    }

    /// <summary>
    /// The header's badge reads the caller's notices only when the account row says something was queued since they
    /// last had nothing unread: a notice queued shows on the next page (one query more), and once it is read the page
    /// notes that (one write) and is back to its own requests. Mirrored in each of the pages' chrome.
    /// </summary>
    [Fact]
    public async Task TownPage_HeaderBadge_QueriesNoticesOnlyAfterOneWasQueued()
    {
        var counter = new TableRequestCounter();
        await using var services = await ServicesAsync(counter);
        var (town, user, villages) = await SmallTownAsync(services, "bg", "徽章镇", "徽村");
        var signIn = await services.GetRequiredService<SignInService>().SignInAsync("dashboard-test", user, LocalHostProcess.DemoPassword);
        var pages = services.GetRequiredService<DashboardPages>();
        var outbox = services.GetRequiredService<YouthLeague.Notifications.Outbox>();
        Task<(int Requests, string Body)> View() => ViewAsync(counter, signIn.Token!, r => pages.TownAsync(r, town));
        const string Badge = "title=\"未读提醒\">";

        var unmarked = await View(); // an account row without the tags (seeded whole): the badge looks, finds nothing, notes it
        var quiet = await View();
        await outbox.QueueAsync([new YouthLeague.Notifications.Reminder(user, villages[0].Id, "", "test", "2026", "测试提醒", "/")]);
        var noticed = await View();
        var again = await View();
        Assert.Equal(1, await outbox.MarkAllReadAsync(user));
        var read = await View();
        var quietAgain = await View();

        Assert.True(unmarked.Requests >= TownPageRequests + 2, $"{unmarked.Requests}"); // + the badge's query and its note (+ the keys' first read)
        Assert.Equal(TownPageRequests, quiet.Requests);
        Assert.DoesNotContain(Badge, quiet.Body, StringComparison.Ordinal);
        Assert.Equal(TownPageRequests + 1, noticed.Requests);
        Assert.Contains(Badge + "1<", noticed.Body, StringComparison.Ordinal);
        Assert.Equal(TownPageRequests + 1, again.Requests); // still unread: still looked up
        Assert.Contains(Badge + "1<", again.Body, StringComparison.Ordinal);
        Assert.Equal(TownPageRequests + 2, read.Requests);
        Assert.DoesNotContain(Badge, read.Body, StringComparison.Ordinal);
        Assert.Equal(TownPageRequests, quietAgain.Requests);
    }

    [Fact]
    public void NothingUnread_OnlyWhenTheBadgeNotedTheTagTheRowCarries()
    {
        Assert.False(YouthLeague.Notifications.Outbox.NothingUnread(null, null)); // rows written before the tags: look
        Assert.False(YouthLeague.Notifications.Outbox.NothingUnread("a1", null));
        Assert.True(YouthLeague.Notifications.Outbox.NothingUnread(null, YouthLeague.Notifications.Outbox.TagOf(null)));
        Assert.True(YouthLeague.Notifications.Outbox.NothingUnread("a1", "a1"));
        Assert.False(YouthLeague.Notifications.Outbox.NothingUnread("b2", "a1")); // queued since: look
        Assert.False(YouthLeague.Notifications.Outbox.NothingUnread("a1", YouthLeague.Notifications.Outbox.TagOf(null)));
    }

    /// <summary>
    /// The pages' reads go beside the session's account read when the request carries a genuine token: with every
    /// request held 150 ms, the town page (account, progress, snapshots), the city page (account, progress, meetings)
    /// and a village-scoped check (account, village) each have all of theirs in flight at once. A stranger (no token,
    /// or a forged one) is sent to sign in without a single table request.
    /// </summary>
    [Fact]
    public async Task Pages_ReadBesideTheAccount_StrangersReadNothing()
    {
        var counter = new TableRequestCounter();
        var inFlight = new InFlightRequests(TimeSpan.FromMilliseconds(150));
        await using var services = await ServicesAsync(counter, inFlight);
        var (town, user, villages) = await SmallTownAsync(services, "sb", "旁读镇", "旁村");
        var signIn = services.GetRequiredService<SignInService>();
        var townToken = (await signIn.SignInAsync("dashboard-test", user, LocalHostProcess.DemoPassword)).Token!;
        var cityToken = (await signIn.SignInAsync("dashboard-test", "city", LocalHostProcess.DemoPassword)).Token!;
        var pages = services.GetRequiredService<DashboardPages>();
        var access = services.GetRequiredService<Access>();
        await ViewAsync(counter, townToken, r => pages.TownAsync(r, town)); // the badge notes the account's tag once
        await ViewAsync(counter, cityToken, pages.CityAsync);

        inFlight.Reset();
        var townView = await ViewAsync(counter, townToken, r => pages.TownAsync(r, town));
        var townMax = inFlight.Max;
        inFlight.Reset();
        var cityView = await ViewAsync(counter, cityToken, pages.CityAsync);
        var cityMax = inFlight.Max;
        inFlight.Reset();
        var village = await access.RequireVillageAsync(Request("Bearer " + townToken), villages[0].Id, VillageAccess.Review);
        var villageMax = inFlight.Max;

        Assert.Equal(TownPageRequests, townView.Requests);
        Assert.Equal(TownPageRequests, townMax);
        Assert.InRange(cityView.Requests, CityPageRequests, CityPageRequests + 1); // + the directory after the progress rows, while another test's rows have no names
        Assert.Equal(CityPageRequests, cityMax);
        Assert.True(village.Allowed);
        Assert.Equal(villages[0].Id, village.Village!.Id);
        Assert.Equal(2, villageMax);

        foreach (var authorization in new[] { "", "Bearer forged." + townToken[(townToken.IndexOf('.', StringComparison.Ordinal) + 1)..] + "x" })
        {
            counter.Reset();
            var refused = await pages.TownAsync(Request(authorization), town);
            var city = await pages.CityAsync(Request(authorization));
            var stranger = await access.RequireVillageAsync(Request(authorization), villages[0].Id, VillageAccess.Read);
            Assert.Equal("/login", Assert.IsType<RedirectResult>(refused).Url);
            Assert.Equal("/login", Assert.IsType<RedirectResult>(city).Url);
            Assert.Equal(401, stranger.Denied!.StatusCode);
            Assert.Null(stranger.Village);
            Assert.Equal(0, counter.Requests);
        }
    }

    /// <summary>A fresh town of three villages in the directory, its reviewer's account and its progress rows (with names).</summary>
    private static async Task<(string Town, string User, List<(string Id, string Name)> Villages)> SmallTownAsync(ServiceProvider services, string prefix, string townName, string villageName)
    {
        var seed = DemoSeed.Load(Path.Combine(TestData.RepoRoot, "seeds", "demo.json"));
        var town = prefix + Guid.NewGuid().ToString("N")[..8];
        var user = "town." + town;
        var villages = Enumerable.Range(0, 3).Select(i => (Id: $"{town}-{i}", Name: $"{villageName}{i}")).ToList();
        var townSeed = new DemoSeed(seed.City, [new TownSeed(town, townName, new PersonSeed(user, "审核员"))], villages.Select(v => new VillageSeed(v.Id, town, v.Name, true, new PersonSeed("sec." + v.Id, "书记"))).ToList());
        await services.GetRequiredService<DirectoryService>().UpsertAsync(townSeed);
        await services.GetRequiredService<AccountService>().SeedDemoAsync(townSeed with { Villages = [] }, LocalHostProcess.DemoPassword);
        await services.GetRequiredService<TownProgressStore>().WriteAsync(Rows(town, townName, villages));
        return (town, user, villages);
    }

    private static HttpRequest Request(string authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString("?year=2026");
        if (authorization.Length > 0)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context.Request;
    }

    private async Task<ServiceProvider> ServicesAsync(TableRequestCounter counter, params HttpPipelinePolicy[] also)
    {
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        foreach (var policy in also)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["YouthLeague:ChecklistFolder"] = TestData.ChecklistFolder })
            .Build();
        var collection = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddYouthLeague(config);
        collection.AddSingleton(new StorageClients(new TableServiceClient(azurite.ConnectionString, options), new BlobServiceClient(azurite.ConnectionString)));
        var services = collection.BuildServiceProvider();
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        return services;
    }

    private static async Task<(int Requests, string Body)> ViewAsync(TableRequestCounter counter, string token, Func<HttpRequest, Task<IActionResult>> page)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString("?year=2026");
        context.Request.Headers.Authorization = "Bearer " + token;
        counter.Reset();
        var content = Assert.IsType<ContentResult>(await page(context.Request));
        Assert.Equal(200, content.StatusCode);
        return (counter.Requests, content.Content!);
    }

    public sealed record Measure(int Requests, int Continuations, double FirstMs, double WarmMs, int Bytes)
    {
        public override string ToString() => $"{Requests} table requests (+{Continuations} continuation pages), first render {FirstMs:0.0} ms, warm render {WarmMs:0.0} ms (median of 5), {Bytes / 1024.0:0.0} KB";
    }

    private static async Task<Measure> MeasureAsync(TableRequestCounter counter, SignInService accounts, string username, Func<HttpRequest, Task<IActionResult>> page, Action<string>? check = null)
    {
        var signIn = await accounts.SignInAsync("dashboard-test", username, LocalHostProcess.DemoPassword);
        Assert.Equal(SignInOutcome.SignedIn, signIn.Outcome);
        var times = new List<double>();
        int requests = 0, continuations = 0, bytes = 0;
        for (var i = 0; i < 6; i++)
        {
            var sw = Stopwatch.StartNew();
            var (n, body) = await ViewAsync(counter, signIn.Token!, page);
            sw.Stop();
            check?.Invoke(body);
            (requests, continuations, bytes) = (n, counter.Continuations, body.Length);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        return new Measure(requests, continuations, times[0], times.Skip(1).Order().ElementAt(2), bytes);
    }

    private static async Task WriteDirectoryAsync(StorageClients storage, IReadOnlyList<VillageSeed> villages)
    {
        var table = storage.Table(TableNames.Directory);
        foreach (var chunk in villages.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(v => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new VillageEntity
            {
                PartitionKey = VillageEntity.Partition,
                RowKey = v.Id,
                TownId = v.TownId,
                Name = v.Name,
                Sample = true,
                SecretaryName = v.Secretary.Name,
                SecretaryUsername = v.Secretary.Username,
            })));
        }
    }

    private static List<TownProgressRow> Rows(string townId, string townName, IReadOnlyList<(string Id, string Name)> villages)
    {
        var steps = TestData.Definition.Steps.Select(s => s.Key).ToList();
        return villages.Select((v, i) => TownProgressRow.Of(2026, townId, townName, v.Id, v.Name, steps.Select((key, s) => (key, s)).ToDictionary(x => x.key, x => StepStatusNames.Parse(Statuses[(i + x.s) % Statuses.Length])))).ToList();
    }

    /// <summary>Rows as the projection wrote them before <see cref="TownProgressRow"/>: a column a step, counts, no names.</summary>
    private static async Task WriteLegacyProgressAsync(StorageClients storage, string townId, IReadOnlyList<string> villages)
    {
        var table = storage.Table(TableNames.TownProgress);
        var steps = TestData.Definition.Steps.Select(s => s.Key).ToList();
        foreach (var chunk in villages.Select((v, i) => (v, i)).Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(x =>
            {
                var row = new TableEntity(Keys.Town(2026, townId), x.v);
                for (var s = 0; s < steps.Count; s++)
                {
                    row[TownProgressRow.LegacyColumnOf(steps[s])] = Statuses[(x.i + s) % Statuses.Length];
                }

                row["Approved"] = steps.Select((_, s) => Statuses[(x.i + s) % Statuses.Length]).Count(st => st == "approved");
                row["Submitted"] = steps.Select((_, s) => Statuses[(x.i + s) % Statuses.Length]).Count(st => st == "submitted");
                return new TableTransactionAction(TableTransactionActionType.UpsertReplace, row);
            }));
        }
    }

    private static async Task WriteSnapshotsAsync(StorageClients storage, string townId, IReadOnlyList<string> villages)
    {
        var table = storage.Table(TableNames.Snapshots);
        for (var q = 1; q <= 3; q++)
        {
            foreach (var chunk in villages.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(v => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new SnapshotEntity
                {
                    PartitionKey = Keys.Town(2026, townId),
                    RowKey = Keys.Snapshot(q, v),
                    VillageId = v,
                    Quarter = q,
                    AsOf = new DateTime(2026, 3 * q, 28, 0, 0, 0, DateTimeKind.Utc),
                    StepsJson = "{\"ledger\":\"approved\",\"forum\":\"submitted\"}",
                    Approved = q,
                })));
            }
        }
    }
}
