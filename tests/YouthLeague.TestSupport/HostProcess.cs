using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace YouthLeague.TestSupport;

/// <summary>
/// The local host as a child process, the way ./run starts it (`dotnet YouthLeague.LocalHost.dll`, or the bench's
/// `dotnet YouthLeague.Bench.dll serve`, which adds its baseline orchestration): settings as `--key=value` arguments,
/// ready when it has printed "local host ready" and answers /api/health. A test can kill it (SIGKILL) and start it
/// again on the same ports; its resident memory is sampled from /proc every 200 ms while it runs.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly string dll;
    private readonly string[] leading;
    private readonly StringBuilder output = new();
    private List<string> arguments;
    private Process? process;
    private CancellationTokenSource? sampling;
    private Task? sampler;

    /// <param name="dll">The host's entry assembly, beside the caller's own (AppContext.BaseDirectory).</param>
    /// <param name="port">The HTTP port; the next one is the Durable Task sidecar's.</param>
    /// <param name="leadingArguments">Arguments before the settings (the bench's "serve").</param>
    public HostProcess(string dll, int port, string connectionString, string taskHub, IEnumerable<KeyValuePair<string, string>>? settings = null, params string[] leadingArguments)
    {
        this.dll = dll;
        leading = leadingArguments;
        Port = port;
        TaskHub = taskHub;
        arguments =
        [
            $"--AzureWebJobsStorage={connectionString}",
            $"--LocalHost:Port={port}",
            $"--LocalHost:SidecarPort={port + 1}",
            $"--LocalHost:TaskHub={taskHub}",
        ];
        foreach (var (key, value) in settings ?? [])
        {
            Configure(key, value);
        }
    }

    public int Port { get; }

    public int SidecarPort => Port + 1;

    public string TaskHub { get; }

    /// <summary>The host's process id while it runs.</summary>
    public int ProcessId => process?.Id ?? throw new InvalidOperationException("The local host is not running.");

    /// <summary>Resident memory when the host last became ready (MB).</summary>
    public double ReadyRssMb { get; private set; }

    /// <summary>Highest resident memory seen by sampling since it last started (MB).</summary>
    public double PeakRssMb { get; private set; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Sets (or changes, for the next start) a setting, e.g. no seeding on a restart.</summary>
    public void Configure(string key, string value) =>
        arguments = [.. arguments.Where(a => !a.StartsWith($"--{key}=", StringComparison.Ordinal)), $"--{key}={value}"];

    public async Task StartAsync(TimeSpan timeout)
    {
        await StopSamplingAsync();
        process?.Dispose();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var a in leading.Concat(arguments))
        {
            psi.ArgumentList.Add(a);
        }

        process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
        var sw = Stopwatch.StartNew();
        while (!await ReadyAsync(http))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The local host exited with {process.ExitCode}:\n{Output}");
            }

            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"The local host was not ready within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s:\n{Output}");
            }

            await Task.Delay(200);
        }

        ReadyRssMb = ProcStatus.ResidentMb(process.Id);
        PeakRssMb = ReadyRssMb;
        var pid = process.Id;
        var cancel = sampling = new CancellationTokenSource();
        sampler = Task.Run(async () =>
        {
            while (!cancel.IsCancellationRequested)
            {
                PeakRssMb = Math.Max(PeakRssMb, ProcStatus.ResidentMb(pid));
                try
                {
                    await Task.Delay(200, cancel.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    /// <summary>The kernel's own high-water mark of the process's resident memory (MB).</summary>
    public double HighWaterMb() => process is null ? 0 : ProcStatus.HighWaterMb(process.Id);

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>
    /// SIGTERM (what Ctrl-C, systemd, a container stop send): the host's own shutdown runs. Waits up to
    /// <paramref name="wait"/>; says how long the exit took and its code, or null if it had not exited (then it is killed).
    /// </summary>
    public async Task<(TimeSpan Elapsed, int? ExitCode)> TerminateAsync(TimeSpan wait)
    {
        var p = process ?? throw new InvalidOperationException("The local host is not running.");
        var sw = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
            return (sw.Elapsed, p.ExitCode);
        }
        catch (OperationCanceledException)
        {
            Kill();
            return (sw.Elapsed, null);
        }
    }

    private async Task<bool> ReadyAsync(HttpClient http)
    {
        if (!Output.Contains("local host ready", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var r = await http.GetAsync("/api/health");
            return r.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private async Task StopSamplingAsync()
    {
        if (sampling is not null)
        {
            await sampling.CancelAsync();
            await sampler!;
            sampling.Dispose();
            sampling = null;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopSamplingAsync();
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }
}
