using System.Globalization;
using System.Text.Json;

namespace YouthLeague.UnitTests;

public class ChecklistCalendarTests
{
    private static readonly DateTimeOffset Origin = new(2026, 1, 5, 3, 0, 0, TimeSpan.Zero);

    /// <summary>A quarter of 365/4 days: the compressed 2026 lasts exactly 365 real days, so day n of the year is origin + n days.</summary>
    private static readonly TimeSpan YearOfDays = TimeSpan.FromHours(365 * 6);

    private static DateTimeOffset At(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(1, "2026-03-31T16:00:00Z")]
    [InlineData(2, "2026-06-30T16:00:00Z")]
    [InlineData(3, "2026-09-30T16:00:00Z")]
    [InlineData(4, "2026-12-31T16:00:00Z")]
    public void QuarterEnd_RealCalendar_IsMidnightChinaAfterTheQuarter(int quarter, string utc)
    {
        var end = ChecklistCalendar.Real(2026).QuarterEnd(quarter);

        Assert.Equal(At(utc), end);
        Assert.Equal(DateTime.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), end.UtcDateTime);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-3)]
    public void QuarterEnd_InvalidQuarter_Throws(int quarter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChecklistCalendar.Real(2026).QuarterEnd(quarter));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChecklistCalendar.Compressed(2026, Origin, TimeSpan.FromMinutes(1)).QuarterEnd(quarter));
    }

    [Fact]
    public void Real_Year_IsNotCompressed()
    {
        var calendar = ChecklistCalendar.Real(2026);

        Assert.False(calendar.IsCompressed);
        Assert.Null(calendar.Origin);
        Assert.Null(calendar.QuarterLength);
        Assert.Equal(2026, calendar.Year);
    }

    [Theory]
    [InlineData("2026-03-31T15:59:59Z", "2026-03-31")]
    [InlineData("2026-03-31T16:00:00Z", "2026-04-01")]
    [InlineData("2026-12-31T16:00:00Z", "2027-01-01")]
    public void DateOf_RealCalendar_IsChinaDate(string instant, string date)
    {
        Assert.Equal(DateOnly.Parse(date, CultureInfo.InvariantCulture), ChecklistCalendar.Real(2026).DateOf(At(instant)));
    }

    [Theory]
    [InlineData("2025-12-31T16:00:00Z", 1)]
    [InlineData("2026-03-31T15:59:59Z", 1)]
    [InlineData("2026-03-31T16:00:00Z", 2)]
    [InlineData("2026-06-30T15:59:59Z", 2)]
    [InlineData("2026-06-30T16:00:00Z", 3)]
    [InlineData("2026-09-30T16:00:00Z", 4)]
    [InlineData("2026-12-31T15:59:59Z", 4)]
    [InlineData("2026-12-31T16:00:00Z", 5)]
    [InlineData("2027-06-01T00:00:00Z", 5)]
    public void QuarterAt_RealCalendar_SwitchesAtChinaMidnight(string instant, int quarter)
    {
        Assert.Equal(quarter, ChecklistCalendar.Real(2026).QuarterAt(At(instant)));
    }

    [Fact]
    public void QuarterAt_RealCalendarBeforeTheYear_IsFirstQuarter()
    {
        Assert.Equal(1, ChecklistCalendar.Real(2026).QuarterAt(At("2025-06-01T00:00:00Z")));
    }

    [Fact]
    public void Compressed_PositiveLength_IsCompressedWithEqualQuarters()
    {
        var length = TimeSpan.FromMinutes(10);

        var calendar = ChecklistCalendar.Compressed(2026, Origin, length);

        Assert.True(calendar.IsCompressed);
        Assert.Equal(Origin + length, calendar.QuarterEnd(1));
        Assert.Equal(Origin + (2 * length), calendar.QuarterEnd(2));
        Assert.Equal(Origin + (3 * length), calendar.QuarterEnd(3));
        Assert.Equal(Origin + (4 * length), calendar.QuarterEnd(4));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Compressed_NonPositiveLength_Throws(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChecklistCalendar.Compressed(2026, Origin, TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void QuarterAt_CompressedCalendar_SwitchesAtEachQuarterEnd()
    {
        var length = TimeSpan.FromMinutes(10);
        var calendar = ChecklistCalendar.Compressed(2026, Origin, length);

        Assert.Equal(1, calendar.QuarterAt(Origin));
        Assert.Equal(1, calendar.QuarterAt(Origin + length - TimeSpan.FromTicks(1)));
        Assert.Equal(2, calendar.QuarterAt(Origin + length));
        Assert.Equal(3, calendar.QuarterAt(Origin + (2.5 * length)));
        Assert.Equal(4, calendar.QuarterAt(Origin + (4 * length) - TimeSpan.FromTicks(1)));
        Assert.Equal(5, calendar.QuarterAt(Origin + (4 * length)));
    }

    [Theory]
    [InlineData(0.0, "2026-01-01")]
    [InlineData(0.5, "2026-02-15")] // Q1 has 90 days: halfway is day 45
    [InlineData(1.0, "2026-04-01")] // a compressed quarter ends where the real one does
    [InlineData(1.5, "2026-05-16")] // Q2 has 91 days
    [InlineData(2.0, "2026-07-01")]
    [InlineData(3.0, "2026-10-01")]
    [InlineData(3.9999, "2026-12-31")]
    public void DateOf_CompressedCalendar_MapsEachQuarterOntoItsRealQuarter(double quarters, string date)
    {
        var calendar = ChecklistCalendar.Compressed(2026, Origin, YearOfDays / 4);

        Assert.Equal(DateOnly.Parse(date, CultureInfo.InvariantCulture), calendar.DateOf(Origin + (quarters * (YearOfDays / 4))));
    }

    [Fact]
    public void DateOf_CompressedLeapYear_HasFebruary29AndDecember31()
    {
        var calendar = ChecklistCalendar.Compressed(2028, Origin, TimeSpan.FromHours(366 * 6));

        Assert.Equal(new DateOnly(2028, 2, 29), calendar.DateOf(Origin + TimeSpan.FromDays(59.5)));
        Assert.Equal(new DateOnly(2028, 12, 31), calendar.DateOf(Origin + TimeSpan.FromDays(365.5)));
    }

    [Fact]
    public void DateOf_CompressedBounds_FirstAndLastDayOfYear()
    {
        var length = TimeSpan.FromSeconds(3);
        var calendar = ChecklistCalendar.Compressed(2026, Origin, length);

        Assert.Equal(new DateOnly(2026, 1, 1), calendar.DateOf(Origin));
        Assert.Equal(new DateOnly(2026, 12, 31), calendar.DateOf(Origin + (4 * length) - TimeSpan.FromTicks(1)));
        Assert.Equal(new DateOnly(2027, 1, 1), calendar.DateOf(Origin + (4 * length)));
    }

    [Fact]
    public void DateOf_CompressedBeforeTheYear_ClampsToTheDayBefore()
    {
        var calendar = ChecklistCalendar.Compressed(2026, Origin, YearOfDays);

        Assert.Equal(new DateOnly(2025, 12, 31), calendar.DateOf(Origin - TimeSpan.FromHours(1)));
        Assert.Equal(new DateOnly(2025, 12, 31), calendar.DateOf(Origin - TimeSpan.FromDays(100)));
    }

    [Fact]
    public void DateOf_CompressedAfterTheYear_CountsIntoTheClosingWindow()
    {
        var calendar = ChecklistCalendar.Compressed(2026, Origin, YearOfDays);
        var quarter = YearOfDays; // the calendar above takes it as the length of one quarter

        // After the fourth quarter the closing window runs on: one compressed quarter stands for 92 days of the next year.
        Assert.Equal(new DateOnly(2027, 1, 1), calendar.DateOf(Origin + (4 * quarter)));
        Assert.Equal(new DateOnly(2027, 1, 1).AddDays(46), calendar.DateOf(Origin + (4.5 * quarter)));
    }

    [Fact]
    public void DateOf_CompressedCalendar_IgnoresWallClockDate()
    {
        // The compressed year begins at its origin, whatever the real date is.
        var calendar = ChecklistCalendar.Compressed(2026, At("2030-08-08T08:08:08Z"), TimeSpan.FromMinutes(1));

        Assert.Equal(new DateOnly(2026, 1, 1), calendar.DateOf(At("2030-08-08T08:08:08Z")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void DateOf_CompressedQuarterEnd_MatchesRealQuarterBoundaries(int quarter)
    {
        var calendar = ChecklistCalendar.Compressed(2026, Origin, TimeSpan.FromMinutes(10));
        var end = calendar.QuarterEnd(quarter);

        Assert.Equal(ChinaTime.QuarterEndExclusive(2026, quarter), calendar.DateOf(end));
        Assert.Equal(ChinaTime.QuarterLastDay(2026, quarter), calendar.DateOf(end - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Serialize_CompressedCalendarRoundTrip_KeepsQuarterEnds()
    {
        // The calendar travels in the orchestration input, so a running instance keeps the calendar it started with.
        var calendar = ChecklistCalendar.Compressed(2026, Origin, TimeSpan.FromSeconds(90));

        var back = JsonSerializer.Deserialize<ChecklistCalendar>(JsonSerializer.Serialize(calendar, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;

        Assert.Equal(calendar, back);
        Assert.True(back.IsCompressed);
        Assert.Equal(calendar.QuarterEnd(3), back.QuarterEnd(3));
    }

    [Fact]
    public void Serialize_RealCalendarRoundTrip_StaysReal()
    {
        var back = JsonSerializer.Deserialize<ChecklistCalendar>(JsonSerializer.Serialize(ChecklistCalendar.Real(2027), JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;

        Assert.False(back.IsCompressed);
        Assert.Equal(At("2027-03-31T16:00:00Z"), back.QuarterEnd(1));
    }
}
