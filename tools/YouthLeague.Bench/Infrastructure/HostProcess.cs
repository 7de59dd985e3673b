using System.Diagnostics;
using System.Text;

namespace YouthLeague.Bench.Infrastructure;

/// <summary>
/// The local host as a child process (`dotnet YouthLeague.Bench.dll serve …`: LocalHostApp, the code ./run starts,
/// plus one trivial orchestration for the baseline). Its resident memory is sampled from /proc while it runs.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private readonly CancellationTokenSource sampling = new();
    private Process? process;
    private Task? sampler;

    public HostProcess(string connectionString, int port, string taskHub)
    {
        Port = port;
        Arguments =
        [
            $"--AzureWebJobsStorage={connectionString}",
            $"--LocalHost:Port={port}",
            $"--LocalHost:SidecarPort={port + 1}",
            $"--LocalHost:TaskHub={taskHub}",
        ];
    }

    public int Port { get; }

    public int SidecarPort => Port + 1;

    public string TaskHub => Arguments[3].Split('=', 2)[1];

    public string[] Arguments { get; }

    /// <summary>Resident set size when the host first answered (MB).</summary>
    public double ReadyRssMb { get; private set; }

    /// <summary>Highest resident set size seen by sampling every 200 ms (MB).</summary>
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

    public async Task StartAsync()
    {
        FreePorts.EnsureFree(Port, 2);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "YouthLeague.Bench.dll"));
        psi.ArgumentList.Add("serve");
        foreach (var a in Arguments)
        {
            psi.ArgumentList.Add(a);
        }

        process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (!Output.Contains("local host ready", StringComparison.Ordinal))
        {
            if (process.HasExited || sw.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new InvalidOperationException("The local host did not start:\n" + Output);
            }

            await Task.Delay(100);
        }

        ReadyRssMb = ReadKb("VmRSS") / 1024.0;
        PeakRssMb = ReadyRssMb;
        sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                PeakRssMb = Math.Max(PeakRssMb, ReadKb("VmRSS") / 1024.0);
                try
                {
                    await Task.Delay(200, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    /// <summary>The kernel's own high-water mark of the process's resident memory (MB).</summary>
    public double HighWaterMb() => ReadKb("VmHWM") / 1024.0;

    private long ReadKb(string field) => process is null ? 0 : ProcStatus.ReadKb(process.Id, field);

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
        await sampling.CancelAsync();
        if (sampler is not null)
        {
            await sampler;
        }

        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        sampling.Dispose();
    }
}
