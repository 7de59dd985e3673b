using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Faults;

/// <summary>
/// Issue #14: "Graceful shutdown within 30 s even while requests run." SIGTERM to the real local host while submissions
/// (photos) stream in, a slow upload is half sent and the durable worker processes the submissions' events.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Faults")]
public sealed class GracefulShutdownTests(Azurite azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task LocalHost_SigtermWhileUploadsSubmissionsAndTheWorkerRun_ExitsWithin30s_InFlightFinishOrAreRefused_NothingHalfStored()
    {
        var (seed, villages) = Burst.Seed(31);
        var slowVillage = villages[^1];
        await using var host = Burst.Host(azurite.ConnectionString, "stop" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        host.Configure("LocalHost:SeedDemo", "false");
        var tokens = await Burst.SignInAllAsync(host, villages);
        var burstTokens = tokens.Where(t => t.Key != slowVillage).ToDictionary(t => t.Key, t => t.Value);

        // A 3 MB photo sent at about 80 KB/s: still uploading when the signal comes, and for longer than the host waits.
        var slow = SlowSubmitAsync(host.Http, tokens[slowVillage], slowVillage);

        Task<(TimeSpan Elapsed, int? ExitCode)>? stop = null;
        var signalled = Stopwatch.StartNew();
        var attempts = await Burst.RunAsync(host.Http, burstTokens, concurrency: 8, [40], _ =>
        {
            // Not awaited here: requests keep coming while the host stops (they must be refused cleanly, not hang or half-store).
            signalled.Restart();
            stop = host.TerminateAsync(TimeSpan.FromSeconds(90));
            return Task.CompletedTask;
        });
        var (elapsed, exitCode) = await stop!;
        var slowAttempt = await slow;
        output.WriteLine($"SIGTERM → exit in {elapsed.TotalSeconds:0.0} s, exit code {exitCode?.ToString() ?? "none (killed after 90 s)"}; " +
            $"slow upload: {slowAttempt.Status?.ToString() ?? "no answer"} after {signalled.Elapsed.TotalSeconds:0.0} s");
        var stopLog = host.Output;

        // The restarted host finishes what the stop cut short (the work items' leases, the repair of intents).
        await host.StartAsync();
        attempts.Add(slowAttempt);
        var failed = attempts.Where(a => !a.Accepted).ToList();
        var states = await Burst.SettleAsync(azurite.ConnectionString, attempts, Burst.SettleTimeout);
        output.WriteLine($"{attempts.Count} submissions: {attempts.Count(a => a.Accepted)} answered 202, {failed.Count(a => a.Status == 503)} 503, " +
            $"{failed.Count(a => a.Status is null)} no answer, {failed.Count(a => a.Status is not (null or 503))} other; half-stored: {states.Count(s => s.Value == Stored.Half)}");
        foreach (var a in failed.Where(a => a.Status is not (null or 503)).Take(5))
        {
            output.WriteLine($"  {a.Village}/{a.Step}: {a.Status} {a.Error}");
        }

        Assert.True(exitCode == 0, $"the host did not exit cleanly on SIGTERM within 90 s (exit code {exitCode}):\n{Tail(stopLog)}");
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"SIGTERM → exit took {elapsed.TotalSeconds:0.0} s, over the 30 s bound:\n{Tail(stopLog)}");
        Assert.Equal(121, attempts.Count);
        Burst.AssertStoredOnce(azurite.ConnectionString, attempts, states);
        Assert.True(failed.Count > 0, "no request met the stop: the shutdown was not exercised with requests in flight");
        Assert.All(failed, a => Assert.True(a.Status is null or 503, $"{a.Village}/{a.Step} answered {a.Status} during the stop: {a.Error}"));
        Assert.All(attempts.Where(a => a.Accepted), a => Assert.True(states[a] == Stored.Complete, $"accepted {a.Village}/{a.Step} is {states[a]}"));
        Assert.All(failed, a => Assert.True(states[a] != Stored.Half, $"refused {a.Village}/{a.Step} ({a.Status} {a.Error}) is half-stored"));
        Assert.True(slowAttempt.Accepted ? states[slowAttempt] == Stored.Complete : states[slowAttempt] == Stored.Nothing, $"the slow upload ({slowAttempt.Status}) is {states[slowAttempt]}");
    }

    private static string Tail(string log) => log.Length > 3000 ? log[^3000..] : log;

    private static async Task<Attempt> SlowSubmitAsync(HttpClient http, AuthenticationHeaderValue auth, string village)
    {
        const string step = "forum";
        var key = "slow-" + village;
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in YearSimulator.FieldsFor(TestData.Definition.Find(step)!, 2026))
        {
            form.Add(new StringContent(v ?? ""), k);
        }

        var file = new StreamContent(new TrickleStream(TestImages.Jpeg(padTo: 3 * 1024 * 1024), 16 * 1024, TimeSpan.FromMilliseconds(200)));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "evidence", "photo.jpg");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/checklists/2026/{village}/steps/{step}/submissions") { Content = form };
        request.Headers.Authorization = auth;
        request.Headers.Add("Idempotency-Key", key);
        using var client = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        try
        {
            using var response = await client.SendAsync(request);
            var id = response.StatusCode == System.Net.HttpStatusCode.Accepted ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString() : null;
            return new Attempt(village, step, key, (int)response.StatusCode, id, response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Attempt(village, step, key, null, null, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>Bytes handed out <paramref name="chunk"/> at a time with a pause before each: an upload over a slow line.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk, TimeSpan pause) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (position >= bytes.Length)
            {
                return 0;
            }

            await Task.Delay(pause, cancellationToken);
            var n = Math.Min(Math.Min(chunk, buffer.Length), bytes.Length - position);
            bytes.AsMemory(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
