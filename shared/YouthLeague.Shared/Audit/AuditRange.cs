using System.Globalization;

namespace YouthLeague.Audit;

/// <summary>The dates an audit listing covers (China dates, inclusive), from <c>?from=&amp;to=</c>: the last 30 days unless given.</summary>
public sealed record AuditRange(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;

    /// <summary>The range asked for, or the reason it cannot be used (Chinese, for a 400 or the page's form).</summary>
    public static (AuditRange? Range, string? Error) Parse(string? fromText, string? toText, DateOnly today)
    {
        static bool Read(string s, out DateOnly d) => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d);
        var from = today.AddDays(-30);
        var to = today;
        if ((fromText is { Length: > 0 } && !Read(fromText, out from)) || (toText is { Length: > 0 } && !Read(toText, out to)))
        {
            return (null, "日期格式应为 yyyy-MM-dd");
        }

        if (from > to || to.DayNumber - from.DayNumber > MaxDays)
        {
            return (null, $"起止日期有误：开始不能晚于结束，跨度不超过 {MaxDays} 天");
        }

        return (new AuditRange(from, to), null);
    }
}
