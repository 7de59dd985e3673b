using System.Globalization;

namespace YouthLeague.UnitTests;

public class ChinaTimeTests
{
    private static DateTimeOffset At(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private static DateOnly Day(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-03-31T15:59:59Z", "2026-03-31")]
    [InlineData("2026-03-31T16:00:00Z", "2026-04-01")]
    [InlineData("2026-03-31T16:30:00Z", "2026-04-01")]
    [InlineData("2026-03-31T00:00:00Z", "2026-03-31")]
    [InlineData("2025-12-31T16:00:00Z", "2026-01-01")]
    [InlineData("2026-03-31T23:30:00-05:00", "2026-04-01")] // 12:30 on 1 April in China
    [InlineData("2026-04-01T07:59:00+08:00", "2026-04-01")]
    public void Today_InstantNearMidnight_GivesChinaDate(string instant, string expected)
    {
        Assert.Equal(Day(expected), ChinaTime.Today(At(instant)));
    }

    [Theory]
    [InlineData("2025-12-31T15:59:59Z", 2025)]
    [InlineData("2025-12-31T16:00:00Z", 2026)]
    public void Year_AroundNewYearInChina_SwitchesAtChinaMidnight(string instant, int expected)
    {
        Assert.Equal(expected, ChinaTime.Year(At(instant)));
    }

    [Fact]
    public void ToChina_AnyInstant_SameInstantAtPlusEight()
    {
        var utc = At("2026-03-31T16:30:00Z");

        var china = ChinaTime.ToChina(utc);

        Assert.Equal(TimeSpan.FromHours(8), china.Offset);
        Assert.Equal(utc, china);
        Assert.Equal(new DateTime(2026, 4, 1, 0, 30, 0), china.DateTime);
    }

    [Fact]
    public void StartOf_Date_IsMidnightChinaWhichIsFourPmUtcTheDayBefore()
    {
        var start = ChinaTime.StartOf(new DateOnly(2026, 4, 1));

        Assert.Equal(At("2026-03-31T16:00:00Z"), start);
        Assert.Equal(TimeSpan.FromHours(8), start.Offset);
        Assert.Equal(new DateOnly(2026, 4, 1), ChinaTime.Today(start));
        Assert.Equal(new DateOnly(2026, 3, 31), ChinaTime.Today(start.AddTicks(-1)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(6, 2)]
    [InlineData(7, 3)]
    [InlineData(9, 3)]
    [InlineData(10, 4)]
    [InlineData(12, 4)]
    public void QuarterOf_Month_IsCalendarQuarter(int month, int quarter)
    {
        Assert.Equal(quarter, ChinaTime.QuarterOf(new DateOnly(2026, month, 15)));
    }

    [Theory]
    [InlineData(1, "2026-04-01", "2026-03-31")]
    [InlineData(2, "2026-07-01", "2026-06-30")]
    [InlineData(3, "2026-10-01", "2026-09-30")]
    [InlineData(4, "2027-01-01", "2026-12-31")]
    public void QuarterEndExclusive_Quarter_IsFirstDayOfNextQuarter(int quarter, string exclusive, string lastDay)
    {
        Assert.Equal(Day(exclusive), ChinaTime.QuarterEndExclusive(2026, quarter));
        Assert.Equal(Day(lastDay), ChinaTime.QuarterLastDay(2026, quarter));
    }

    [Fact]
    public void QuarterLastDay_LeapYearQ1_IsMarch31()
    {
        Assert.Equal(new DateOnly(2028, 3, 31), ChinaTime.QuarterLastDay(2028, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public void QuarterEndExclusive_InvalidQuarter_Throws(int quarter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChinaTime.QuarterEndExclusive(2026, quarter));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChinaTime.QuarterLastDay(2026, quarter));
    }
}
