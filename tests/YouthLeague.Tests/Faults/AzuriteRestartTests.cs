using System.Diagnostics;
using Xunit.Abstractions;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.Faults;

/// <summary>Storage goes away gracefully (Azurite stopped with SIGTERM, which saves its data) and comes back during a burst.</summary>
[Trait("Category", "Faults")]
public sealed class AzuriteRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Azurite_StoppedAndRestartedDuringBurst_EveryAcceptedSubmissionStoredAndProcessedOnce_NoneHalfStored()
    {
        var blob = FreePorts.Block(3);
        var folder = Directory.CreateTempSubdirectory("yl-fault-azurite-").FullName;
        var storage = Azurite.ConnectionFor(blob);
        var azurite = await StartAzuriteAsync(blob, folder);
        try
        {
            var (seed, villages) = Burst.Seed(40);
            // The repair must not run while requests still wait out the outage (storage down ~7-15 s, then the SDK's retries):
            // a delay well above that, as production's 2 minutes is above any request's life.
            await using var host = Burst.Host(storage, "azr" + Guid.NewGuid().ToString("N")[..12], seed, repairAfter: "00:01:00");
            await host.StartAsync();
            var tokens = await Burst.SignInAllAsync(host, villages);
            var down = TimeSpan.Zero;
            var attempts = await Burst.RunAsync(host.Http, tokens, concurrency: 8, [50], async _ =>
            {
                var sw = Stopwatch.StartNew();
                await StopGracefullyAsync(azurite.Process, azurite.Output);
                await Task.Delay(2000);
                azurite = await StartAzuriteAsync(blob, folder);
                down = sw.Elapsed;
            });

            var failed = attempts.Where(a => !a.Accepted).ToList();
            var states = await Burst.SettleAsync(storage, attempts, Burst.SettleTimeout);
            output.WriteLine($"Azurite down {down.TotalSeconds:0.0} s; {attempts.Count} submissions, {attempts.Count(a => a.Accepted)} answered 202, {failed.Count} errors " +
                $"({failed.Count(a => a.Status is null)} without an answer, {failed.Count(a => a.Status >= 500)} 5xx); half-stored: {states.Count(s => s.Value == Stored.Half)}");
            foreach (var a in failed.Take(5))
            {
                output.WriteLine($"  error: {a.Village}/{a.Step}: {a.Status} {a.Error}");
            }

            Assert.Equal(160, attempts.Count);
            Burst.AssertStoredOnce(storage, attempts, states);
            Assert.All(attempts.Where(a => a.Accepted), a => Assert.True(states[a] == Stored.Complete, $"accepted {a.Village}/{a.Step} is {states[a]}"));
            Assert.All(failed, a => Assert.True(states[a] != Stored.Half, $"failed {a.Village}/{a.Step} ({a.Status} {a.Error}) is half-stored"));
            Assert.All(failed, a => Assert.True(a.Status is null or >= 500, $"{a.Village}/{a.Step} answered {a.Status}: {a.Error}"));
        }
        finally
        {
            if (!azurite.Process.HasExited)
            {
                azurite.Process.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Running(Process Process, System.Text.StringBuilder Output);

    private static async Task<Running> StartAzuriteAsync(int blob, string folder)
    {
        var psi = new ProcessStartInfo(Path.Combine(TestData.RepoRoot, "node_modules", ".bin", "azurite")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            "--skipApiVersionCheck", "--loose", "--location", folder,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", blob.ToString(), "--queuePort", (blob + 1).ToString(), "--tablePort", (blob + 2).ToString(),
        })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        var text = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (text) { text.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // As AzuriteProcess does: a machine at load average 20-30 (several builds on 2 cores) can take well over 30 s to start node.
        await FreePorts.WaitOpenAsync(blob + 2, TimeSpan.FromSeconds(120));
        if (process.HasExited)
        {
            // Something else took the port meanwhile (another engineer's run): what answered there is not our storage.
            throw new InvalidOperationException($"Azurite exited with {process.ExitCode} instead of listening on {blob}-{blob + 2}:\n{text}");
        }

        return new Running(process, text);
    }

    /// <summary>As scripts/azurite.sh does: SIGTERM, wait until its three services say they closed (data on disk), then end the lingering process.</summary>
    private static async Task StopGracefullyAsync(Process process, System.Text.StringBuilder text)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        var sw = Stopwatch.StartNew();
        while (!process.HasExited && sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            int closed;
            lock (text)
            {
                closed = System.Text.RegularExpressions.Regex.Count(text.ToString(), "successfully closed");
            }

            if (closed >= 3)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(process.HasExited || sw.Elapsed < TimeSpan.FromSeconds(30), "Azurite did not close its services in 30 s");
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }
}
