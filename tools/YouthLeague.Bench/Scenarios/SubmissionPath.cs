using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Bench.Scenarios;

/// <summary>
/// Scenario 1: N secretaries at once hand steps in with a 1 MB JPEG through POST /api/…/submissions.
/// Baseline (the storage floor): the same blob uploads and table writes done directly with the Azure SDK, same concurrency.
/// </summary>
public static class SubmissionPath
{
    private static readonly string[] Steps = ["forum", "volunteering", "league-day", "practical-matter"];

    private const int Rounds = 3;

    public static async Task RunAsync(Context ctx, BenchOptions o, Report report)
    {
        // Warm-up rounds of fresh villages in the timed rounds' own shape, for the app and for its floor (one by default:
        // three did not change the app's figure, though the JIT keeps tiering up through every round; docs/benchmarks.md,
        // session 8), then three timed rounds: median of the three.
        var perRound = Math.Max(Steps.Length, o.Submissions / Rounds);
        // The timed rounds, their warm-up and one round for the page probe, each of fresh villages.
        var villageCount = (perRound * (Rounds + o.Warmup + 1) / Steps.Length) + Rounds + o.Warmup + 3;
        var seed = Seeding.Generate("s1", 4, 0, villageCount);
        await ctx.Get<DirectoryService>().UpsertAsync(seed);
        await ctx.Get<Auth.AccountService>().SeedDemoAsync(seed, Bench.Password);
        await Seeding.StartAsync(ctx, seed, Seeding.FreshYear(), o.Concurrency);
        await Seeding.WaitRunningAsync(ctx, seed, o.Concurrency);
        var tokens = new ConcurrentDictionary<string, AuthenticationHeaderValue>();
        await Stats.ForEachAsync(seed.Villages, 4, async v => tokens[v.Id] = await ctx.SignInAsync(v.Secretary.Username));

        var definition = ctx.Get<ChecklistDefinitions>().For(Bench.Year);
        var jpeg = Photos.OneMegabyteJpeg();
        var checklists = ctx.Get<StorageClients>().Table(TableNames.Checklists);
        var queue = new Queue<string>(seed.Villages.Select(v => v.Id));
        List<(string Village, List<string> Steps)> Take(int n)
        {
            var work = new List<(string, List<string>)>();
            while (n > 0)
            {
                var steps = Steps.Take(n).ToList();
                work.Add((queue.Dequeue(), steps));
                n -= steps.Count;
            }

            return work;
        }

        for (var w = 0; w < o.Warmup; w++)
        {
            await RoundAsync(ctx, o, Take(perRound), tokens, definition, jpeg, checklists);
        }

        var rounds = new List<RoundResult>();
        List<(string Village, List<string> Steps)>? shape = null;
        for (var r = 0; r < Rounds; r++)
        {
            var work = Take(perRound);
            shape ??= work;
            rounds.Add(await RoundAsync(ctx, o, work, tokens, definition, jpeg, checklists));
        }

        // 202 → shown on the village's page, as a secretary sees it: one more round in the same shape, each 202 followed by
        // the page the browser loads after the form's redirect (again every 100 ms until the step shows as handed in).
        var probe = await PageProbeAsync(ctx, o, Take(perRound), tokens, definition, jpeg);

        // The floor in the same shape: as many writers at once as the round had secretaries, each writing its
        // village's submissions one after another (a quick round of 10 is 3 secretaries with 4, 4 and 2 steps; the
        // floor used to write all 10 at once, so it had 10 writers against the app's 3).
        var floors = new List<Floor>();
        var perWriter = shape!.Select(w => w.Steps.Count).ToList();
        for (var w = 0; w < o.Warmup; w++)
        {
            await FloorAsync(ctx, o, jpeg, perWriter, definition);
        }

        for (var r = 0; r < Rounds; r++)
        {
            floors.Add(await FloorAsync(ctx, o, jpeg, perWriter, definition));
        }

        double Median(Func<RoundResult, double> f) => Stats.Median(rounds.Select(f).ToList());
        double FloorMedian(Func<Floor, double> f) => Stats.Median(floors.Select(f).ToList());
        var label = $"{o.Concurrency} secretaries, {perRound} × 1 MB JPEG a round, median of {Rounds} rounds";
        report.Add(new Row("1 submission", $"throughput, {label}", Median(x => x.Throughput), FloorMedian(x => x.Throughput), "/s", "same blob uploads + submission row, Azure SDK direct", HigherIsBetter: true) { Key = "submission/throughput" });
        report.Add(new Row("1 submission", "latency to 202, p50", Median(x => x.P50), FloorMedian(x => Stats.Percentile(x.Latencies, 50)), "ms", "same blob uploads + submission row") { Key = "submission/latency-p50" });
        report.Add(new Row("1 submission", "latency to 202, p95", Median(x => x.P95), FloorMedian(x => Stats.Percentile(x.Latencies, 95)), "ms", "same blob uploads + submission row") { Key = "submission/latency-p95" });
        report.Add(new Row("1 submission", $"202 → shown on the village's page (the page loaded after the 202), p95, one round of {probe.Shown.Count}, {probe.Page.Count} page loads", Stats.Percentile(probe.Shown, 95), Stats.Percentile(probe.Page, 95), "ms", "the page's own load time, p95") { Key = "submission/visible-p95" });
        report.Add(new Row("1 submission", "202 → shown on the village's page, p50", Stats.Percentile(probe.Shown, 50), Stats.Percentile(probe.Page, 50), "ms", "the page's own load time, p50") { Key = "submission/visible-p50" });
        report.Add(new Row("1 submission", "202 → on the step row (the orchestration's projection; the row's own timestamp), p95", Median(x => x.VisibleP95), FloorMedian(x => Stats.Percentile(x.Projection, 95)), "ms", "the projection's table writes, direct") { Key = "submission/projected-p95" });
        report.Add(new Row("1 submission", "202 → on the step row, p50", Median(x => x.VisibleP50), FloorMedian(x => Stats.Percentile(x.Projection, 50)), "ms", "the projection's table writes, direct") { Key = "submission/projected-p50" });
    }

    private sealed record RoundResult(double Throughput, double P50, double P95, double VisibleP50, double VisibleP95);

    private static async Task<RoundResult> RoundAsync(
        Context ctx, BenchOptions o, List<(string Village, List<string> Steps)> work, ConcurrentDictionary<string, AuthenticationHeaderValue> tokens,
        ChecklistDefinition definition, byte[] jpeg, TableClient checklists)
    {
        var accepted = new ConcurrentBag<double>();
        var acceptedAt = new ConcurrentDictionary<(string Village, string Step), DateTimeOffset>();
        var failures = new ConcurrentBag<string>();
        var wall = Stopwatch.StartNew();
        await Stats.ForEachAsync(work, o.Concurrency, async item =>
        {
            foreach (var step in item.Steps)
            {
                using var request = Submission(item.Village, step, tokens[item.Village], definition, jpeg, $"bench-{item.Village}-{step}");
                var started = Stopwatch.GetTimestamp();
                using var response = await ctx.Http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    failures.Add($"{item.Village}/{step}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    continue;
                }

                acceptedAt[(item.Village, step)] = DateTimeOffset.UtcNow;
                accepted.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        var elapsed = wall.Elapsed.TotalSeconds;
        if (!failures.IsEmpty)
        {
            throw new InvalidOperationException($"{failures.Count} submissions failed, e.g. {failures.First()}");
        }

        // Visibility from the step rows' own timestamps (set by storage when the projection wrote them; same machine clock),
        // read once the round is over, so that no polling competes with the run.
        var visible = new List<double>();
        var deadline = Stopwatch.StartNew();
        var left = new Dictionary<(string Village, string Step), DateTimeOffset>(acceptedAt);
        while (left.Count > 0 && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            foreach (var group in left.Keys.GroupBy(k => k.Village).ToList())
            {
                await foreach (var row in checklists.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Checklist(Bench.Year, group.Key)} and RowKey ge {"step-"} and RowKey lt {"step."}"), select: ["RowKey", "Status", "Timestamp"]))
                {
                    var key = (group.Key, row.RowKey["step-".Length..]);
                    if (row.GetString("Status") == "submitted" && left.Remove(key, out var at) && row.Timestamp is { } written)
                    {
                        visible.Add(Math.Max(0, (written - at).TotalMilliseconds));
                    }
                }
            }

            if (left.Count > 0)
            {
                await Task.Delay(500);
            }
        }

        if (left.Count > 0)
        {
            throw new InvalidOperationException($"{left.Count} accepted submissions did not show on their checklist within 5 minutes");
        }

        var times = accepted.ToList();
        return new RoundResult(times.Count / elapsed, Stats.Percentile(times, 50), Stats.Percentile(times, 95), Stats.Percentile(visible, 50), Stats.Percentile(visible, 95));
    }

    /// <summary>One step handed in through the API, as the secretaries' phones do: the step's fields and the 1 MB JPEG.</summary>
    private static HttpRequestMessage Submission(string village, string step, AuthenticationHeaderValue token, ChecklistDefinition definition, byte[] jpeg, string idempotencyKey)
    {
        var form = new MultipartFormDataContent();
        foreach (var (k, v) in YearSimulator.FieldsFor(definition.Find(step)!, Bench.Year))
        {
            form.Add(new StringContent(v ?? ""), k);
        }

        var file = new ByteArrayContent(jpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "evidence", "IMG_0001.jpg");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/checklists/{Bench.Year}/{village}/steps/{step}/submissions") { Content = form };
        request.Headers.Authorization = token;
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    private sealed record Probe(List<double> Shown, List<double> Page);

    /// <summary>
    /// Each secretary hands her steps in one after another; after each 202 she loads her village's page until its card for
    /// the step says 待审核 (the first load, when the page shows what was handed in before the orchestration projects it).
    /// Shown: from the 202 to the end of the load that showed it. Page: each load's own time.
    /// </summary>
    private static async Task<Probe> PageProbeAsync(
        Context ctx, BenchOptions o, List<(string Village, List<string> Steps)> work, ConcurrentDictionary<string, AuthenticationHeaderValue> tokens,
        ChecklistDefinition definition, byte[] jpeg)
    {
        var shown = new ConcurrentBag<double>();
        var page = new ConcurrentBag<double>();
        await Stats.ForEachAsync(work, o.Concurrency, async item =>
        {
            foreach (var step in item.Steps)
            {
                using var request = Submission(item.Village, step, tokens[item.Village], definition, jpeg, $"probe-{item.Village}-{step}");
                using (var response = await ctx.Http.SendAsync(request))
                {
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        throw new InvalidOperationException($"probe {item.Village}/{step}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }

                var accepted = Stopwatch.GetTimestamp();
                var deadline = TimeSpan.FromMinutes(2);
                while (true)
                {
                    var load = Stopwatch.GetTimestamp();
                    using var get = new HttpRequestMessage(HttpMethod.Get, $"/villages/{item.Village}?year={Bench.Year}&submitted={step}");
                    get.Headers.Authorization = tokens[item.Village];
                    using var answer = await ctx.Http.SendAsync(get);
                    answer.EnsureSuccessStatusCode();
                    var html = await answer.Content.ReadAsStringAsync();
                    page.Add(Stopwatch.GetElapsedTime(load).TotalMilliseconds);
                    if (CardSaysHandedIn(html, step))
                    {
                        shown.Add(Stopwatch.GetElapsedTime(accepted).TotalMilliseconds);
                        break;
                    }

                    if (Stopwatch.GetElapsedTime(accepted) > deadline)
                    {
                        throw new InvalidOperationException($"probe {item.Village}/{step}: not shown on the village's page within {deadline}");
                    }

                    await Task.Delay(100);
                }
            }
        });
        return new Probe([.. shown], [.. page]);
    }

    /// <summary>The step's card (section id="step-{step}") carries the status chip of a step handed in (待审核).</summary>
    private static bool CardSaysHandedIn(string html, string step)
    {
        var start = html.IndexOf($"id=\"step-{step}\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        var card = end < 0 ? html[start..] : html[start..end];
        return card.Contains($">{StepStatus.Submitted.ToChinese()}<", StringComparison.Ordinal);
    }

    private sealed record Floor(double Throughput, List<double> Latencies, List<double> Projection);

    /// <summary>What the submission costs storage at least: the re-encoded photo and its thumbnail uploaded, the submission row added;
    /// and for "shown": the projection's batch (header, audit, step) plus the town progress and review queue rows, each group side by side.</summary>
    /// <param name="perWriter">How many submissions each concurrent writer makes, one after another (the round's shape).</param>
    private static async Task<Floor> FloorAsync(Context ctx, BenchOptions o, byte[] jpeg, IReadOnlyList<int> perWriter, ChecklistDefinition definition)
    {
        var count = perWriter.Sum();
        var recoded = ImageRecoder.Recode(new MemoryStream(jpeg), "jpeg")!;
        var storage = ctx.Get<StorageClients>();
        var container = storage.EvidenceContainer;
        var checklists = storage.Table(TableNames.Checklists);
        var progress = storage.Table(TableNames.TownProgress);
        var fields = JsonSerializer.Serialize(YearSimulator.FieldsFor(definition.Find("forum")!, Bench.Year));
        var latencies = new ConcurrentBag<double>();
        var projection = new ConcurrentBag<double>();
        var wall = Stopwatch.StartNew();
        var next = -1;
        await Stats.ForEachAsync(perWriter, o.Concurrency, async writes =>
        {
            for (var w = 0; w < writes; w++)
            {
                await OneAsync(Interlocked.Increment(ref next));
            }
        });
        return new Floor(count / wall.Elapsed.TotalSeconds, [.. latencies], [.. projection]);

        async Task OneAsync(int i)
        {
            var started = Stopwatch.GetTimestamp();
            var id = Guid.NewGuid().ToString("N");
            var pk = $"floor-{id}";
            // The floor does what the app must at least: both files at once, then the record.
            await Task.WhenAll(
                container.GetBlobClient($"floor/{id}/1.jpg").UploadAsync(new BinaryData(recoded.Image)),
                container.GetBlobClient($"floor/{id}/1.thumb.jpg").UploadAsync(new BinaryData(recoded.Thumbnail)));
            await checklists.AddEntityAsync(new SubmissionEntity
            {
                PartitionKey = pk,
                RowKey = Keys.Submission(id),
                Step = "forum",
                FieldsJson = fields,
                EvidenceJson = "[]",
                SubmittedAt = DateTimeOffset.UtcNow,
                By = "sec.floor",
            });
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            var shown = Stopwatch.GetTimestamp();
            await Task.WhenAll(
            checklists.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.UpsertMerge, new TableEntity(pk, ChecklistEntity.Row) { ["Status"] = "inProgress" }),
                new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, Keys.Audit(id)) { ["Step"] = "forum", ["Outcome"] = "applied" }),
                new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, Keys.Step("forum") + i) { ["Status"] = "submitted", ["SubmissionIds"] = $"[\"{id}\"]" }),
            ]),
            progress.UpsertEntityAsync(new TableEntity("floor", $"v{id}") { ["Submitted"] = 1 }, TableUpdateMode.Replace),
            progress.UpsertEntityAsync(new TableEntity("floor-queue", $"v{id}|forum") { ["SubmissionId"] = id }, TableUpdateMode.Replace));
            projection.Add(Stopwatch.GetElapsedTime(shown).TotalMilliseconds);
        }
    }
}
