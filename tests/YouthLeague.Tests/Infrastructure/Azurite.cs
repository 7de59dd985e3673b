using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace YouthLeague.Tests.Infrastructure;

/// <summary>
/// The Azurite the integration tests use: the one ./test started (YL_TEST_STORAGE), or one started here
/// from node_modules on free ports with a throwaway folder, so that `dotnet test` alone also works.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private Process? process;
    private string? folder;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable("YL_TEST_STORAGE");
        if (!string.IsNullOrEmpty(given))
        {
            ConnectionString = given;
            return;
        }

        var azurite = Path.Combine(TestData.RepoRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException("Azurite is not installed: run ./test (or npm ci) first.");
        }

        var blob = FreePorts.Block(3);
        folder = Directory.CreateTempSubdirectory("yl-azurite-").FullName;
        process = Process.Start(new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                "--silent", "--skipApiVersionCheck", "--loose", "--location", folder,
                "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                "--blobPort", blob.ToString(), "--queuePort", (blob + 1).ToString(), "--tablePort", (blob + 2).ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await FreePorts.WaitOpenAsync(blob + 2, TimeSpan.FromSeconds(30));
        ConnectionString = ConnectionFor(blob);
    }

    public static string ConnectionFor(int blobPort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{blobPort + 1}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{blobPort + 2}/devstoreaccount1;";

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        if (folder is not null)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return Task.CompletedTask;
    }
}

public static class FreePorts
{
    // Below Linux's ephemeral range (32768+), where outgoing connections would race us for the same ports.
    private static int next = 22000 + (Environment.ProcessId % 100 * 100);

    /// <summary>A run of <paramref name="count"/> consecutive free TCP ports.</summary>
    public static int Block(int count)
    {
        while (true)
        {
            var start = Interlocked.Add(ref next, count) - count;
            if (Enumerable.Range(start, count).All(IsFree))
            {
                return start;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static async Task WaitOpenAsync(int port, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"Nothing listened on port {port} within {timeout}.");
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "Azurite";
}
