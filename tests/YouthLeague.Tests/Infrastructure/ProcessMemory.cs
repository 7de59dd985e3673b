namespace YouthLeague.Tests.Infrastructure;

/// <summary>Resident memory of a process as Linux counts it (/proc/{pid}/status): now (VmRSS) and its peak since start (VmHWM).</summary>
public static class ProcessMemory
{
    public static long ResidentBytes(int pid) => Read(pid, "VmRSS:");

    public static long PeakResidentBytes(int pid) => Read(pid, "VmHWM:");

    public static string Describe(long bytes) => $"{bytes / 1024.0 / 1024.0:F0} MB";

    private static long Read(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{field} not in /proc/{pid}/status");
    }
}
