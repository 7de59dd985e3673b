using System.Diagnostics;
using Xunit.Abstractions;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.Faults;

/// <summary>SIGKILL of the local host at random moments during a burst of submissions, then restart.</summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Faults")]
public sealed class HostKillTests(Azurite azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task LocalHost_KilledFiveTimesDuringBurst_EveryAcceptedSubmissionStoredAndProcessedOnce_NoneHalfStored()
    {
        var (seed, villages) = Burst.Seed(80); // 80 villages × 4 photo steps = 320 submissions
        await using var host = Burst.Host(azurite.ConnectionString, "kill" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        host.Configure("LocalHost:SeedDemo", "false"); // restarts need no seeding (the sessions survive them)
        var tokens = await Burst.SignInAllAsync(host, villages);

        // Five kills at random points of the burst (seeded, so a failure can be replayed), each while submissions are in flight.
        var random = new Random(20261128);
        var triggers = Enumerable.Range(0, 5).Select(i => 20 + (i * 55) + random.Next(0, 30)).ToList();
        var kills = 0;
        var attempts = await Burst.RunAsync(host.Http, tokens, concurrency: 8, triggers, async _ =>
        {
            await Task.Delay(random.Next(0, 400));
            host.Kill();
            kills++;
            await host.StartAsync();
        });

        var accepted = attempts.Count(a => a.Accepted);
        var failed = attempts.Where(a => !a.Accepted).ToList();
        var states = await Burst.SettleAsync(azurite.ConnectionString, attempts, Burst.SettleTimeout);
        output.WriteLine($"{kills} kills, {attempts.Count} submissions, {accepted} answered 202, {failed.Count} errors " +
            $"({failed.Count(a => a.Status is null)} without an answer, {failed.Count(a => a.Status >= 500)} 5xx); " +
            $"of the errors {failed.Count(a => states[a] == Stored.Complete)} were stored completely, {failed.Count(a => states[a] == Stored.Nothing)} not at all, " +
            $"{failed.Count(a => states[a] == Stored.Half)} half");
        foreach (var a in failed.Take(5))
        {
            output.WriteLine($"  error: {a.Village}/{a.Step}: {a.Status} {a.Error}");
        }

        Assert.Equal(5, kills);
        Assert.True(attempts.Count >= 300);
        Assert.True(failed.Count > 0, "no submission met a kill: the fault was not exercised");
        Burst.AssertStoredOnce(azurite.ConnectionString, attempts, states);
        Assert.All(attempts.Where(a => a.Accepted), a => Assert.True(states[a] == Stored.Complete, $"accepted {a.Village}/{a.Step} is {states[a]}"));
        Assert.All(failed, a => Assert.True(states[a] != Stored.Half, $"failed {a.Village}/{a.Step} ({a.Status} {a.Error}) is half-stored"));

        // A client that heard nothing sends again with the same key (what Idempotency-Key is for): one submission each, processed once.
        // (A client of its own with a longer timeout: on a loaded machine the first requests after the restarts can exceed Http's 30 s.)
        using var patient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        // What the repair did meanwhile (from the host's log): events of accepted submissions sent again, leftovers deleted.
        output.WriteLine($"repair: {Count(host.Output, "is not on its checklist yet")} events sent again, " +
            $"{Count(host.Output, "was never confirmed")} unconfirmed submissions deleted");
        foreach (var a in failed)
        {
            var started = Stopwatch.StartNew();
            var again = await Burst.SubmitAsync(patient, tokens[a.Village], a.Village, a.Step, a.Key);
            Assert.True(again.Accepted, $"resend of {a.Village}/{a.Step} ({states[a]} before, answered after {started.ElapsedMilliseconds} ms): {again.Status} {again.Error}");
            Assert.Equal(a.ExpectedId, again.SubmissionId);
        }

        var resent = failed.Select(a => a with { Status = 202, SubmissionId = a.ExpectedId }).ToList();
        var after = await Burst.SettleAsync(azurite.ConnectionString, resent, Burst.SettleTimeout);
        Assert.All(resent, a => Assert.True(after[a] == Stored.Complete, $"resent {a.Village}/{a.Step} is {after[a]}"));
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
