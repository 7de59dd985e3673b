namespace YouthLeague.Checklist;

/// <summary>
/// China Standard Time is UTC+8 all year (no daylight saving), so a fixed offset is exact and
/// needs no time-zone database (which is absent on some slim images).
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset ToChina(DateTimeOffset instant) => instant.ToOffset(Offset);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(ToChina(now).DateTime);

    public static int Year(DateTimeOffset now) => ToChina(now).Year;

    /// <summary>Midnight China time at the start of the given date, as an instant.</summary>
    public static DateTimeOffset StartOf(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);

    public static int QuarterOf(DateOnly date) => ((date.Month - 1) / 3) + 1;

    /// <summary>The first day of the quarter after quarter <paramref name="quarter"/> (1..4) of <paramref name="year"/>.</summary>
    public static DateOnly QuarterEndExclusive(int year, int quarter) =>
        quarter is >= 1 and <= 4
            ? new DateOnly(year, 1, 1).AddMonths(quarter * 3)
            : throw new ArgumentOutOfRangeException(nameof(quarter));

    /// <summary>The last day of a quarter (inclusive), e.g. 2026-03-31 for Q1.</summary>
    public static DateOnly QuarterLastDay(int year, int quarter) => QuarterEndExclusive(year, quarter).AddDays(-1);
}
