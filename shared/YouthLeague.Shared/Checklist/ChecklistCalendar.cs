namespace YouthLeague.Checklist;

/// <summary>
/// When a checklist's quarters end, as real instants. Production uses the real calendar (China time);
/// demos and tests use a compressed one where a quarter lasts <see cref="QuarterLength"/> from
/// <see cref="Origin"/>. It travels in the orchestration input, so a running instance keeps the
/// calendar it started with.
/// </summary>
public sealed record ChecklistCalendar(int Year, DateTimeOffset? Origin = null, TimeSpan? QuarterLength = null)
{
    public static ChecklistCalendar Real(int year) => new(year);

    public static ChecklistCalendar Compressed(int year, DateTimeOffset origin, TimeSpan quarterLength) =>
        quarterLength > TimeSpan.Zero
            ? new(year, origin, quarterLength)
            : throw new ArgumentOutOfRangeException(nameof(quarterLength), "a quarter must last longer than zero");

    public bool IsCompressed => Origin is not null && QuarterLength is not null;

    /// <summary>The instant quarter <paramref name="quarter"/> (1..4) ends and the next begins.</summary>
    public DateTimeOffset QuarterEnd(int quarter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quarter, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quarter, 4);
        return IsCompressed
            ? Origin!.Value + (QuarterLength!.Value * quarter)
            : ChinaTime.StartOf(ChinaTime.QuarterEndExclusive(Year, quarter));
    }

    /// <summary>The calendar date (China time) an instant stands for in this checklist's year.</summary>
    public DateOnly DateOf(DateTimeOffset instant)
    {
        if (!IsCompressed)
        {
            return ChinaTime.Today(instant);
        }

        // Quarter by quarter, so that a compressed quarter's end is the real quarter's end (Q1 ends on 04-01).
        var quarters = (instant - Origin!.Value) / QuarterLength!.Value;
        if (quarters < 0)
        {
            return new DateOnly(Year, 1, 1).AddDays(-1);
        }

        if (quarters >= 4)
        {
            // After the year: the closing window, one compressed quarter standing for 92 days of January to March.
            return new DateOnly(Year + 1, 1, 1).AddDays((int)Math.Floor((quarters - 4) * ClosingDaysPerQuarter));
        }

        var q = (int)Math.Floor(quarters);
        var start = new DateOnly(Year, 1, 1).AddMonths(q * 3);
        var days = start.AddMonths(3).DayNumber - start.DayNumber;
        return start.AddDays((int)Math.Floor((quarters - q) * days));
    }

    private const double ClosingDaysPerQuarter = 92;

    /// <summary>The default last day of the closing window: 31 January of the next year.</summary>
    public DateOnly DefaultClosesOn => new(Year + 1, 1, 31);

    /// <summary>
    /// The instant the closing window ends: the end of <paramref name="closesOn"/> (China time), or on a compressed
    /// calendar the same number of days after the year's end at the compressed rate.
    /// </summary>
    public DateTimeOffset ClosingEnd(DateOnly closesOn)
    {
        var days = closesOn.DayNumber - new DateOnly(Year, 12, 31).DayNumber;
        return IsCompressed
            ? QuarterEnd(4) + (QuarterLength!.Value * (Math.Max(days, 0) / ClosingDaysPerQuarter))
            : ChinaTime.StartOf(closesOn.AddDays(1));
    }

    /// <summary>The quarter (1..4) an instant falls in; 5 once the year is over.</summary>
    public int QuarterAt(DateTimeOffset instant)
    {
        for (var q = 1; q <= 4; q++)
        {
            if (instant < QuarterEnd(q))
            {
                return q;
            }
        }

        return 5;
    }
}
