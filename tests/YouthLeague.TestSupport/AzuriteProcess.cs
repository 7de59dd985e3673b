using System.Diagnostics;

namespace YouthLeague.TestSupport;

/// <summary>An Azurite of our own (node_modules, pinned by package.json) on three consecutive ports with a throwaway folder.</summary>
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

    /// <summary>Blob, queue and table listen on this port and the next two.</summary>
    public int BlobPort { get; }

    public string ConnectionString => ConnectionFor(BlobPort);

    /// <summary>The account key is Azurite's well-known development key, not a secret. The table endpoint may be moved (a proxy in front).</summary>
    public static string ConnectionFor(int blobPort, int? tablePort = null) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{blobPort + 1}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort ?? blobPort + 2}/devstoreaccount1;";

    public static string Executable(string repoRoot) => Path.Combine(repoRoot, "node_modules", ".bin", "azurite");

    /// <summary>The arguments that start Azurite on <paramref name="blobPort"/>..+2 with its data in <paramref name="folder"/>.</summary>
    public static ProcessStartInfo StartInfo(string repoRoot, int blobPort, string folder)
    {
        var psi = new ProcessStartInfo(Executable(repoRoot)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--location", folder,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", blobPort.ToString(), "--queuePort", (blobPort + 1).ToString(), "--tablePort", (blobPort + 2).ToString(),
        })
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    /// <summary>Starts Azurite on <paramref name="blobPort"/> (refused if something listens there) or on free ports.</summary>
    public static async Task<AzuriteProcess> StartAsync(string repoRoot, int? blobPort = null)
    {
        if (!File.Exists(Executable(repoRoot)))
        {
            throw new InvalidOperationException("Azurite is not installed: run npm ci (./test and ./bench do) first.");
        }

        int port;
        if (blobPort is { } given)
        {
            FreePorts.EnsureFree(given, 3);
            port = given;
        }
        else
        {
            port = FreePorts.Block(3);
        }

        var folder = Directory.CreateTempSubdirectory("yl-azurite-").FullName;
        var process = Process.Start(StartInfo(repoRoot, port, folder))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await FreePorts.WaitOpenAsync(port + 2, TimeSpan.FromSeconds(120)); // a loaded machine can take a while
        if (process.HasExited)
        {
            throw new InvalidOperationException($"Azurite exited with {process.ExitCode} instead of listening on {port}-{port + 2}");
        }

        return new AzuriteProcess(process, folder, port);
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
