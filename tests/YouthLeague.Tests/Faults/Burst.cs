using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Faults;

/// <summary>One submission attempt of a burst: what the client saw (a status, or no answer at all).</summary>
public sealed record Attempt(string Village, string Step, string Key, int? Status, string? SubmissionId, string? Error)
{
    public bool Accepted => Status == 202;

    /// <summary>The id the app gives this (village, step, key), whether or not the client heard back.</summary>
    public string ExpectedId => SubmissionService.SubmissionId(new SubmissionRequest(2026, Village, Step, new Dictionary<string, string?>(), [], Key, ""));
}

/// <summary>What storage holds for one attempt.</summary>
public enum Stored { Nothing, Complete, Half }

/// <summary>
/// Many villages, one town; a burst of submissions (four photo steps per village, an Idempotency-Key each) from several
/// secretaries at once, while a disruptor breaks something at chosen moments; then a check of every attempt in storage.
/// </summary>
public static class Burst
{
    public static readonly string[] Steps = ["forum", "volunteering", "league-day", "practical-matter"];
    private static readonly byte[] Jpeg = TestImages.Jpeg();

    public static (string SeedPath, List<string> Villages) Seed(int count)
    {
        var prefix = "f" + Guid.NewGuid().ToString("N")[..8];
        var villages = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:000}").ToList();
        var seed = new
        {
            city = new { id = "zoucheng", name = "邹城市", account = new { username = "city", name = "团市委" } },
            towns = new[] { new { id = "taiping", name = "太平镇", reviewer = new { username = "town.taiping", name = "审核员" } } },
            villages = villages.Select(v => new { id = v, townId = "taiping", name = "测试村", sample = false, secretary = new { username = "sec." + v, name = "测试书记" } }).ToArray(),
        };
        var path = Path.Combine(Path.GetTempPath(), $"yl-seed-{prefix}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(seed));
        return (path, villages);
    }

    /// <summary>The local host with the seed, a year that has just begun (quarters of a day) and a short visibility timeout.</summary>
    public static LocalHostProcess Host(string storage, string hub, string seedPath, string repairAfter = "00:00:10") => new(storage, hub, new Dictionary<string, string>
    {
        ["LocalHost:SeedDemo"] = "true",
        ["YouthLeague:DemoSeed"] = seedPath,
        ["YouthLeague:DemoYear"] = "2026",
        ["YouthLeague:QuarterLength"] = "1.00:00:00",
        ["LocalHost:VisibilityTimeout"] = "00:00:10",
        // Intents of requests a kill cut short are repaired after 10 s (2 min in production): every request here takes well under
        // a second unless storage itself is down (the Azurite restart test passes a delay longer than its outage and the SDK's retries).
        ["YouthLeague:Submissions:RepairAfter"] = repairAfter,
    });

    public static async Task<Dictionary<string, AuthenticationHeaderValue>> SignInAllAsync(LocalHostProcess host, IEnumerable<string> villages)
    {
        var tokens = new ConcurrentDictionary<string, AuthenticationHeaderValue>();
        await Parallel.ForEachAsync(villages, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (v, _) =>
        {
            using var signed = await host.SignedInAsync("sec." + v);
            tokens[v] = signed.DefaultRequestHeaders.Authorization!;
        });
        return new Dictionary<string, AuthenticationHeaderValue>(tokens);
    }

    public static async Task<Attempt> SubmitAsync(HttpClient http, AuthenticationHeaderValue auth, string village, string step, string key)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in YearSimulator.FieldsFor(TestData.Definition.Find(step)!, 2026))
        {
            form.Add(new StringContent(v ?? ""), k);
        }

        var file = new ByteArrayContent(Jpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "evidence", "photo.jpg");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/checklists/2026/{village}/steps/{step}/submissions") { Content = form };
        request.Headers.Authorization = auth;
        request.Headers.Add("Idempotency-Key", key);
        try
        {
            using var response = await http.SendAsync(request);
            var id = response.StatusCode == HttpStatusCode.Accepted ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString() : null;
            return new Attempt(village, step, key, (int)response.StatusCode, id, response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Attempt(village, step, key, null, null, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>
    /// Sends every (village, step) once, <paramref name="concurrency"/> at a time. When the number of answered attempts
    /// reaches each of <paramref name="triggers"/>, <paramref name="disrupt"/> runs while requests are in flight; new
    /// requests wait for it to finish (the ones in flight meet the fault).
    /// </summary>
    public static async Task<List<Attempt>> RunAsync(
        HttpClient http, IReadOnlyDictionary<string, AuthenticationHeaderValue> tokens, int concurrency, IReadOnlyList<int> triggers, Func<int, Task> disrupt)
    {
        var work = new ConcurrentQueue<(string Village, string Step)>(tokens.Keys.Order().SelectMany(v => Steps.Select(s => (v, s))));
        var attempts = new ConcurrentBag<Attempt>();
        var gate = Task.CompletedTask;
        var answered = 0;
        var next = 0;
        var disruptions = new List<Task>();
        var lockObj = new object();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (work.TryDequeue(out var item))
            {
                await Volatile.Read(ref gate);
                var attempt = await SubmitAsync(http, tokens[item.Village], item.Village, item.Step, $"burst-{item.Village}-{item.Step}");
                attempts.Add(attempt);
                var n = Interlocked.Increment(ref answered);
                lock (lockObj)
                {
                    if (next < triggers.Count && n >= triggers[next])
                    {
                        var index = next++;
                        var done = new TaskCompletionSource();
                        Volatile.Write(ref gate, done.Task);
                        disruptions.Add(Task.Run(async () =>
                        {
                            try
                            {
                                await disrupt(index);
                            }
                            finally
                            {
                                done.SetResult();
                            }
                        }));
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        await Task.WhenAll(disruptions);
        return [.. attempts];
    }

    /// <summary>How one attempt stands in storage: nothing at all, or its record, its files (and no others), and its event processed once.</summary>
    public static Stored Inspect(string storage, Attempt a)
    {
        var id = a.SubmissionId ?? a.ExpectedId;
        var table = new TableClient(storage, "Checklists");
        var pk = $"2026-{a.Village}";
        var records = table.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and Step eq {a.Step}"))
            .Where(e => e.RowKey.StartsWith("sub-", StringComparison.Ordinal)).ToList();
        var blobs = TestData.BlobNames(new BlobContainerClient(storage, "evidence"), $"2026/{a.Village}/{a.Step}/");
        var step = table.GetEntityIfExists<TableEntity>(pk, "step-" + a.Step);
        var ids = step.HasValue && step.Value!.GetString("SubmissionIds") is { Length: > 0 } json ? JsonSerializer.Deserialize<List<string>>(json)! : [];
        var audited = table.GetEntityIfExists<TableEntity>(pk, "audit-" + id).HasValue;
        if (table.GetEntityIfExists<TableEntity>(SubmissionRepair.Partition, id).HasValue)
        {
            return Stored.Half; // its request died midway and the repair has not been by yet
        }

        if (records.Count == 0 && blobs.Count == 0 && ids.Count == 0 && !audited)
        {
            return Stored.Nothing;
        }

        if (records.Count != 1 || records[0].RowKey != "sub-" + id || ids.Count != 1 || ids[0] != id || !audited
            || step.Value!.GetString("Status") != "submitted")
        {
            return Stored.Half;
        }

        var evidence = JsonDocument.Parse(records[0].GetString("EvidenceJson")).RootElement.EnumerateArray()
            .SelectMany(e => new[] { e.GetProperty("blob").GetString(), e.TryGetProperty("thumbnail", out var t) ? t.GetString() : null })
            .Where(p => p is not null).Order().ToList();
        return evidence.Count > 0 && evidence.SequenceEqual(blobs.Order()) ? Stored.Complete : Stored.Half;
    }

    /// <summary>For a failure message: what storage holds for the attempt (to tell "processed slowly" from "lost" next time).</summary>
    public static string Why(string storage, Attempt a)
    {
        var id = a.SubmissionId ?? a.ExpectedId;
        var table = new TableClient(storage, "Checklists");
        var pk = $"2026-{a.Village}";
        var records = table.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and Step eq {a.Step}"))
            .Where(e => e.RowKey.StartsWith("sub-", StringComparison.Ordinal)).Select(e => e.RowKey).ToList();
        var blobs = TestData.BlobNames(new BlobContainerClient(storage, "evidence"), $"2026/{a.Village}/{a.Step}/");
        var step = table.GetEntityIfExists<TableEntity>(pk, "step-" + a.Step);
        return $"intent {(table.GetEntityIfExists<TableEntity>(SubmissionRepair.Partition, id).HasValue ? "still there" : "gone")}; " +
            $"records [{string.Join(", ", records)}]; {blobs.Count} blobs; step status {(step.HasValue ? step.Value!.GetString("Status") : "(no step row)")}, " +
            $"ids {(step.HasValue ? step.Value!.GetString("SubmissionIds") : "-")}; audit row {(table.GetEntityIfExists<TableEntity>(pk, "audit-" + id).HasValue ? "yes" : "no")}";
    }

    /// <summary>Every accepted attempt complete, none half-stored; a failure says what storage holds for each that is not.</summary>
    public static void AssertStoredOnce(string storage, IEnumerable<Attempt> attempts, IReadOnlyDictionary<Attempt, Stored> states)
    {
        var wrong = attempts.Where(a => a.Accepted ? states[a] != Stored.Complete : states[a] == Stored.Half).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(10).Select(a =>
            $"{(a.Accepted ? "accepted" : $"failed ({a.Status} {a.Error})")} {a.Village}/{a.Step} is {states[a]}: {Why(storage, a)}")));
    }

    /// <summary>
    /// How long <see cref="SettleAsync"/> waits at most (was 3 minutes). It returns as soon as everything has settled; the bound
    /// is for a machine shared by several builds, where the survivor's queue drains slowly: a slow
    /// drain must not read as a lost submission. The checks made after it are the same however long it took.
    /// </summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(6);

    /// <summary>Waits (a killed host's work comes back after the lease and visibility timeouts) until every attempt is either
    /// complete or absent, then says how each stands.</summary>
    public static async Task<Dictionary<Attempt, Stored>> SettleAsync(string storage, IReadOnlyCollection<Attempt> attempts, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var states = attempts.ToDictionary(a => a, a => Inspect(storage, a));
            var unsettled = states.Count(s => s.Value == Stored.Half || (s.Key.Accepted && s.Value != Stored.Complete));
            if (unsettled == 0 || DateTime.UtcNow > deadline)
            {
                return states;
            }

            await Task.Delay(1000);
        }
    }
}
