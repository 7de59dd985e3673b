using System.Runtime.InteropServices;
using SkiaSharp;
using YouthLeague.Checklist;

namespace YouthLeague.Bench.Scenarios;

/// <summary>
/// Scenario 0: the photo step of a submission alone, in the bench process before any host starts: CPU time of the
/// calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)) for <see cref="ImageRecoder"/> on the 1 MB, 1600×1200 JPEG,
/// median of 9 after 3 warm-up calls. Baseline: one full-size decode of the same bytes (what any re-encoding costs at least).
/// </summary>
public static partial class PhotoStep
{
    private const int WarmUp = 3;
    private const int Timed = 9;

    public static void Run(Report report)
    {
        var jpeg = Photos.OneMegabyteJpeg();
        var rotated = Photos.WithOrientation(jpeg, 6);
        var upright = Median(() => ImageRecoder.Recode(new MemoryStream(jpeg), "jpeg"));
        var turned = Median(() => ImageRecoder.Recode(new MemoryStream(rotated), "jpeg"));
        var decode = Median(() => SKBitmap.Decode(jpeg));
        report.Add(new Row("0 photo", $"recode 1 MB 1600×1200 JPEG, CPU median of {Timed}", upright, decode, "ms", "one full-size decode of the same JPEG (CPU)") { Key = "photo/recode-cpu-median" });
        report.Add(new Row("0 photo", $"recode the same JPEG with EXIF orientation 6, CPU median of {Timed}", turned, decode, "ms", "one full-size decode of the same JPEG (CPU)") { Key = "photo/recode-rotated-cpu-median" });
    }

    private static double Median(Func<object?> work)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            (work() as IDisposable)?.Dispose();
        }

        var times = new List<double>();
        for (var i = 0; i < Timed; i++)
        {
            var before = ThreadCpuMs();
            (work() as IDisposable)?.Dispose();
            times.Add(ThreadCpuMs() - before);
        }

        return Stats.Median(times);
    }

    private static double ThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Environment.TickCount64;
        }

        _ = ClockGetTime(3, out var t); // CLOCK_THREAD_CPUTIME_ID
        return (t.Seconds * 1000.0) + (t.Nanoseconds / 1e6);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
