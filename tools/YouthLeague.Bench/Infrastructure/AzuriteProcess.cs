using System.Diagnostics;
using System.Net.Sockets;

namespace YouthLeague.Bench.Infrastructure;

/// <summary>An Azurite of the bench's own (node_modules, pinned by package.json) on three ports with a throwaway folder.</summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private AzuriteProcess(Process process, string folder, int blobPort)
    {
        this.process = process;
        this.folder = folder;
        BlobPort = blobPort;
    }

    public int BlobPort { get; }

    public string ConnectionString => ConnectionFor(BlobPort, BlobPort + 2);

    /// <summary>The account key is Azurite's well-known development key, not a secret.</summary>
    public static string ConnectionFor(int blobPort, int tablePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{blobPort + 1}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    public static async Task<AzuriteProcess> StartAsync(string repoRoot, int blobPort)
    {
        var azurite = Path.Combine(repoRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException("Azurite is not installed: run npm ci (./bench does) first.");
        }

        EnsureFree(blobPort, 3);
        var folder = Directory.CreateTempSubdirectory("yl-bench-azurite-").FullName;
        var psi = new ProcessStartInfo(azurite) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--location", folder,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", blobPort.ToString(), "--queuePort", (blobPort + 1).ToString(), "--tablePort", (blobPort + 2).ToString(),
        })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitOpenAsync(blobPort + 2, TimeSpan.FromSeconds(30));
        if (process.HasExited)
        {
            throw new InvalidOperationException($"Azurite exited with {process.ExitCode} instead of listening on {blobPort}-{blobPort + 2}");
        }

        return new AzuriteProcess(process, folder, blobPort);
    }

    /// <summary>Refuses to start on ports something else listens on (another engineer's Azurite would answer in ours' place).</summary>
    public static void EnsureFree(int first, int count)
    {
        foreach (var port in Enumerable.Range(first, count))
        {
            try
            {
                var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"port {port} is in use: give the bench other ports with --port");
            }
        }
    }

    public static async Task WaitOpenAsync(int port, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (sw.Elapsed < timeout)
            {
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
