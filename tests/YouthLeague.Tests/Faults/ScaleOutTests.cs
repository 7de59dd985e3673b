using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Xunit.Abstractions;
using YouthLeague.Auth;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Faults;

/// <summary>
/// Issue #14: "Scale-out for real". Two local hosts against one storage account and one task hub serve the same
/// product: a session, its anti-forgery token and a page's form token from one host are good on the other, and the task
/// hub's partitions are shared between them. In a burst of 300 submissions spread over both, one is killed: every
/// accepted submission is stored once and processed once, by the survivor if need be.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Faults")]
public sealed partial class ScaleOutTests(Azurite azurite, ITestOutputHelper output)
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([0-9a-f]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"formToken\" value=\"([0-9a-f]+)\"")]
    private static partial Regex FormTokenField();

    [Fact]
    public async Task TwoHostsOneTaskHub_OneKilledDuringA300SubmissionBurst_SameSessionsAndTokensOnBoth_EveryAcceptedStoredAndProcessedOnce()
    {
        var storage = azurite.ConnectionString;
        var hub = "scale" + Guid.NewGuid().ToString("N")[..12];
        var (seed, villages) = Burst.Seed(76); // 75 × 4 = 300 in the burst, one village for the browser
        var browserVillage = villages[^1];
        await using var a = Burst.Host(storage, hub, seed);
        await a.StartAsync();
        await using var b = Burst.Host(storage, hub, seed);
        b.Configure("LocalHost:SeedDemo", "false"); // the seeded product is a's; b only serves it
        await b.StartAsync();

        await SameProductOnBothAsync(a, b, browserVillage);

        // The task hub's partitions are shared: each host holds some (the second takes its share from the first).
        var owners = await WaitForOwnersAsync(storage, hub, TimeSpan.FromMinutes(4)); // returns as soon as both hold some
        output.WriteLine("partition owners before the burst: " + string.Join(", ", owners.Select(o => $"{o.Key}={o.Value}")));
        Assert.Equal(2, owners.Values.Distinct().Count());

        // Each submission goes to one host or the other (as a load balancer without health checks would send it); b is
        // killed (SIGKILL) with requests in flight and never comes back: its partitions and its half-done work fall to a.
        var tokens = await Burst.SignInAllAsync(a, villages.Where(v => v != browserVillage));
        using var spread = new HttpClient(new Alternate(a.Port, b.Port)) { BaseAddress = new Uri("http://spread"), Timeout = TimeSpan.FromSeconds(30) };
        var attempts = await Burst.RunAsync(spread, tokens, concurrency: 8, [120], async _ =>
        {
            await Task.Delay(200);
            b.Kill();
        });

        var failed = attempts.Where(x => !x.Accepted).ToList();
        var states = await Burst.SettleAsync(storage, attempts, Burst.SettleTimeout);
        var ownersAfter = await OwnersAsync(storage, hub);
        output.WriteLine($"{attempts.Count} submissions: {attempts.Count(x => x.Accepted)} answered 202, {failed.Count} errors " +
            $"({failed.Count(x => x.Status is null)} without an answer, {failed.Count(x => x.Status >= 500)} 5xx); of the errors " +
            $"{failed.Count(x => states[x] == Stored.Complete)} stored completely, {failed.Count(x => states[x] == Stored.Nothing)} not at all, " +
            $"{failed.Count(x => states[x] == Stored.Half)} half; partition owners after: " + string.Join(", ", ownersAfter.Select(o => $"{o.Key}={o.Value}")));
        foreach (var x in failed.Where(x => x.Status is not null).Take(5))
        {
            output.WriteLine($"  error: {x.Village}/{x.Step}: {x.Status} {x.Error}");
        }

        Assert.Equal(300, attempts.Count);
        Assert.True(failed.Count > 0, "no submission met the kill: the fault was not exercised");
        Burst.AssertStoredOnce(storage, attempts, states);
        Assert.All(attempts.Where(x => x.Accepted), x => Assert.True(states[x] == Stored.Complete, $"accepted {x.Village}/{x.Step} is {states[x]}"));
        Assert.All(failed, x => Assert.True(states[x] != Stored.Half, $"failed {x.Village}/{x.Step} ({x.Status} {x.Error}) is half-stored"));

        // Processed once, as the checklist shows it (Inspect has seen one record, the id once in its step and its audit row:
        // audit and outbox rows are keyed by the command, so a command applied twice shows as a second id, never a second row).
        using var city = await a.SignedInAsync("city");
        foreach (var village in attempts.Where(x => states[x] == Stored.Complete).Select(x => x.Village).Distinct().Take(10))
        {
            var checklist = JsonDocument.Parse(await city.GetStringAsync($"/api/checklists/2026/{village}")).RootElement;
            var submitted = checklist.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "submitted").Count();
            Assert.Equal(attempts.Count(x => x.Village == village && states[x] == Stored.Complete), submitted);
        }

    }

    /// <summary>Signed in on one host, the same browser goes on on the other: session cookie, anti-forgery token, form token.</summary>
    private async Task SameProductOnBothAsync(LocalHostProcess a, LocalHostProcess b, string village)
    {
        var cookies = new CookieContainer(); // cookies do not depend on the port: both hosts are 127.0.0.1, as one site behind a balancer
        using var onA = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = a.Http.BaseAddress };
        using var onB = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = b.Http.BaseAddress };

        // The sign-in page from a, the sign-in itself on b.
        var loginToken = AntiforgeryField().Match(await onA.GetStringAsync("/login")).Groups[1].Value;
        using (var login = await onB.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "sec." + village,
            ["password"] = LocalHostProcess.DemoPassword,
            [Access.AntiforgeryField] = loginToken,
        })))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        // The step form from b, sent to a, then the same form (a double tap) to b: one submission.
        var page = await onB.GetStringAsync($"/villages/{village}/steps/forum?year=2026");
        var antiforgery = AntiforgeryField().Match(page).Groups[1].Value;
        var formToken = FormTokenField().Match(page).Groups[1].Value;
        Assert.NotEmpty(formToken);
        foreach (var http in new[] { onA, onB })
        {
            using var form = new MultipartFormDataContent();
            foreach (var (k, v) in YearSimulator.FieldsFor(TestData.Definition.Find("forum")!, 2026))
            {
                form.Add(new StringContent(v ?? ""), k);
            }

            form.Add(new StringContent(antiforgery), Access.AntiforgeryField);
            form.Add(new StringContent(formToken), "formToken");
            var file = new ByteArrayContent(TestImages.Jpeg());
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "evidence", "photo.jpg");
            using var sent = await http.PostAsync($"/villages/{village}/steps/forum?year=2026", form);
            Assert.True(sent.StatusCode == HttpStatusCode.Redirect, $"{http.BaseAddress}: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
        }

        // A bearer token from b on a.
        using var bearer = await b.SignedInAsync("sec." + village);
        using var onAWithB = new HttpClient { BaseAddress = a.Http.BaseAddress };
        onAWithB.DefaultRequestHeaders.Authorization = bearer.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await onAWithB.GetAsync("/api/me")).StatusCode);

        await YouthLeague.Tests.LocalHost.DurabilityTests.WaitForStatusAsync(onAWithB, village, "forum", "submitted");
        var records = new TableClient(azurite.ConnectionString, TableNames.Checklists)
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Checklist(2026, village)}"), select: ["RowKey"])
            .Count(e => e.RowKey.StartsWith("sub-", StringComparison.Ordinal));
        Assert.Equal(1, records);
    }

    /// <summary>The owner of each control-queue partition, from the task hub's partition table (the table partition manager).</summary>
    private static async Task<Dictionary<string, string>> OwnersAsync(string storage, string hub)
    {
        var owners = new Dictionary<string, string>();
        try
        {
            await foreach (var row in new TableClient(storage, hub + "Partitions").QueryAsync<TableEntity>())
            {
                if (row.GetString("CurrentOwner") is { Length: > 0 } owner && row.GetDateTimeOffset("ExpiresAt") > DateTimeOffset.UtcNow)
                {
                    owners[row.RowKey[(row.RowKey.LastIndexOf('-') + 1)..]] = owner;
                }
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return owners;
    }

    private static async Task<Dictionary<string, string>> WaitForOwnersAsync(string storage, string hub, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var owners = await OwnersAsync(storage, hub);
            if (owners.Values.Distinct().Count() >= 2 || DateTime.UtcNow > deadline)
            {
                return owners;
            }

            await Task.Delay(1000);
        }
    }

    /// <summary>Sends each request to one of two local ports in turn (the client's base address is a placeholder).</summary>
    private sealed class Alternate(int first, int second) : DelegatingHandler(new HttpClientHandler { AllowAutoRedirect = false })
    {
        private int next;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var port = Interlocked.Increment(ref next) % 2 == 0 ? first : second;
            request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = "http", Host = "127.0.0.1", Port = port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
