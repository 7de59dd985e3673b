using YouthLeague.Notifications;
using YouthLeague.Towns;

namespace YouthLeague.UnitTests;

/// <summary>Who the exchange-meeting reminders go to: the town's reviewer and dispatch office; the city and the city's office for the missed list.</summary>
public sealed class MeetingRemindersTests
{
    private static readonly Town[] Towns = [new("t1", "甲镇"), new("t2", "乙镇")];

    private static readonly MeetingRecipients Recipients = new(
        ["city", "office"],
        new Dictionary<string, IReadOnlyList<string>> { ["t1"] = ["office.t1", "office2.t1"] });

    private static readonly Dictionary<(string Town, int Quarter), string> None = [];

    [Fact]
    public void Soon_TheTownsReviewerAndItsDispatchOffices_NotTheCity()
    {
        var reminders = MeetingReminders.For(new DateOnly(2026, 6, 16), Towns, _ => None, Recipients).ToList();

        Assert.Equal(["town.t1", "office.t1", "office2.t1", "town.t2"], reminders.Select(r => r.Recipient));
        Assert.All(reminders, r => Assert.Equal(("meeting-soon", "2026Q2"), (r.Reason, r.Period)));
        Assert.Equal(NoticeLinks.Meeting(2026, "t1", 2), reminders[1].Link);
    }

    [Fact]
    public void Missed_TheTownAndItsOffice_ThenTheCityAndTheCitysOfficeGetTheList()
    {
        var held = new Dictionary<(string Town, int Quarter), string> { [("t2", 2)] = "2026-06-20" };
        var reminders = MeetingReminders.For(new DateOnly(2026, 7, 2), Towns, _ => held, Recipients).ToList();

        Assert.Equal(["town.t1", "office.t1", "office2.t1", "city", "office"], reminders.Select(r => r.Recipient));
        Assert.All(reminders, r => Assert.Equal(("meeting-missed", "2026Q2"), (r.Reason, r.Period)));
        Assert.Contains("已逾期 2 天", reminders[1].Text, StringComparison.Ordinal);
        Assert.Equal("2026年第2季度交流会：1 个镇街尚无记录（甲镇）。", reminders[4].Text);
    }

    [Fact]
    public void HeldMeeting_NobodyReminded()
    {
        var held = new Dictionary<(string Town, int Quarter), string> { [("t1", 2)] = "2026-06-10", [("t2", 2)] = "2026-06-11" };
        Assert.Empty(MeetingReminders.For(new DateOnly(2026, 6, 29), Towns, _ => held, Recipients));
    }
}
