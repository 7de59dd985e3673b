using System.Globalization;
using YouthLeague.Checklist;

namespace YouthLeague.Committees;

/// <summary>What a town's reviewer types about a quarterly exchange meeting (季度交流会).</summary>
public sealed record MeetingInput(string? Date, string? Attendees, string? Minutes, IReadOnlyList<string> Recommended);

/// <summary>Checks a meeting record; messages in Chinese, per field, so the form can show them next to the field.</summary>
public static class MeetingRules
{
    public const int MaxAttendees = 500;
    public const int MaxMinutes = 5000;

    /// <summary>A meeting may be held, and recorded, up to this long after its quarter ends.</summary>
    public const int GraceDays = 31;

    public static bool IsQuarter(string? value, out int quarter) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out quarter) && quarter is >= 1 and <= 4;

    public static DateOnly FirstDay(int year, int quarter) => new(year, ((quarter - 1) * 3) + 1, 1);

    /// <param name="candidates">Keys "{villageId}|{step}" that may be recommended at this meeting.</param>
    public static ValidationErrors Validate(int year, int quarter, MeetingInput input, IReadOnlyCollection<string> candidates, DateOnly todayInChina)
    {
        var errors = new ValidationErrors();
        var date = input.Date?.Trim() ?? "";
        if (date.Length == 0)
        {
            errors.Add("date", "请填写会议日期");
        }
        else if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            errors.Add("date", "日期格式应为 年-月-日，例如 " + FirstDay(year, quarter).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        else if (d < FirstDay(year, quarter))
        {
            errors.Add("date", $"会议日期不能早于第{quarter}季度开始（{FirstDay(year, quarter):yyyy-MM-dd}）");
        }
        else if (d > ChinaTime.QuarterLastDay(year, quarter).AddDays(GraceDays))
        {
            errors.Add("date", $"会议日期应在第{quarter}季度内或季度结束后 {GraceDays} 天内");
        }
        else if (d > todayInChina)
        {
            errors.Add("date", "会议日期不能晚于今天");
        }

        var attendees = input.Attendees?.Trim() ?? "";
        if (attendees.Length == 0)
        {
            errors.Add("attendees", "请填写参会人员");
        }
        else if (attendees.Length > MaxAttendees)
        {
            errors.Add("attendees", $"参会人员最多 {MaxAttendees} 字");
        }

        var minutes = input.Minutes?.Trim() ?? "";
        if (minutes.Length == 0)
        {
            errors.Add("minutes", "请填写会议纪要");
        }
        else if (minutes.Length > MaxMinutes)
        {
            errors.Add("minutes", $"会议纪要最多 {MaxMinutes} 字");
        }

        if (input.Recommended.Any(r => !candidates.Contains(r)))
        {
            errors.Add("recommended", "推荐的案例不在本季度的候选名单中");
        }

        return errors;
    }
}
