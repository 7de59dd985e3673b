using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace YouthLeague.TestSupport;

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

    public static bool IsFree(int port)
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

    /// <summary>Refuses ports something else listens on (another engineer's Azurite would answer in ours' place).</summary>
    public static void EnsureFree(int first, int count)
    {
        foreach (var port in Enumerable.Range(first, count))
        {
            if (!IsFree(port))
            {
                throw new InvalidOperationException($"port {port} is in use: choose other ports (./bench --port)");
            }
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
