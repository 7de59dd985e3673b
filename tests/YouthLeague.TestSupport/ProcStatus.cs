using System.Globalization;

namespace YouthLeague.TestSupport;

/// <summary>A process's memory as the kernel reports it (/proc/{pid}/status), in MB; 0 where there is no /proc.</summary>
public static class ProcStatus
{
    /// <summary>Resident memory now.</summary>
    public static double ResidentMb(int pid) => ReadKb(pid, "VmRSS") / 1024.0;

    /// <summary>The kernel's high-water mark of resident memory.</summary>
    public static double HighWaterMb(int pid) => ReadKb(pid, "VmHWM") / 1024.0;

    public static long ReadKb(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
