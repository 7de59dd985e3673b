using System.Globalization;
using YouthLeague.Checklist;

namespace YouthLeague.Committees;

/// <summary>A secretary's attendance as the form marks it: present, or absent with a reason; null: not marked.</summary>
public sealed record AttendanceMark(bool? Present, string? Reason);

/// <summary>
/// What a town's reviewer or dispatch office types about a quarterly exchange meeting (季度交流会): the date, the other
/// attendees (free text), minutes, the cases recommended, each secretary's attendance (by village id) and the version of
/// the record the form was opened on (empty: no record then).
/// </summary>
public sealed record MeetingInput(
    string? Date,
    string? Attendees,
    string? Minutes,
    IReadOnlyList<string> Recommended,
    IReadOnlyDictionary<string, AttendanceMark>? Attendance = null,
    string? Version = null);

/// <summary>One line of the meeting's roll: a village of the town and its first secretary.</summary>
public sealed record RollEntry(string VillageId, string VillageName, string SecretaryName, string Username);

/// <summary>A secretary's attendance as recorded (names as they were at the meeting).</summary>
public sealed record Attendance(string VillageId, string VillageName, string SecretaryName, string Username, bool Present, string Reason);

/// <summary>Checks a meeting record; messages in Chinese, per field, so the form can show them next to the field.</summary>
public static class MeetingRules
{
    public const int MaxAttendees = 500;
    public const int MaxMinutes = 5000;
    public const int MaxReason = 100;

    /// <summary>A meeting may be held, and recorded, up to this long after its quarter ends.</summary>
    public const int GraceDays = 31;

    public static bool IsQuarter(string? value, out int quarter) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out quarter) && quarter is >= 1 and <= 4;

    public static DateOnly FirstDay(int year, int quarter) => new(year, ((quarter - 1) * 3) + 1, 1);

    /// <summary>
    /// The meeting's agenda (会议议程), built from the pack: the quarter's progress, each village with overdue steps,
    /// each outstanding-case candidate, the recommendations, next quarter's work.
    /// </summary>
    public static List<string> Agenda(MeetingPack pack, Func<string, string> stepTitle, int stepsPerVillage)
    {
        var total = pack.Villages.Count * stepsPerVillage;
        var agenda = new List<string>
        {
            $"通报第{pack.Quarter}季度进度：{pack.Villages.Count} 个村（社区）已通过 {pack.Villages.Sum(v => v.Approved)}/{total} 项"
                + (pack.Villages.Sum(v => v.FurtherApproved) is > 0 and var more ? $"（另有 {more} 次后续活动已通过）" : "")
                + $"，逾期 {pack.Villages.Sum(v => v.Overdue.Count)} 项",
        };
        var late = pack.Villages.Where(v => v.Overdue.Count > 0).ToList();
        agenda.Add(late.Count == 0 ? "逾期事项督办：本季度没有逾期事项" : "逾期事项督办：" + string.Join("；", late.Select(v => $"{v.Name}（{string.Join("、", v.Overdue.Select(stepTitle))}）")));
        agenda.AddRange(pack.Candidates.Count == 0
            ? ["优秀典型交流：本季度暂无候选案例"]
            : pack.Candidates.Select(c => $"优秀典型交流：{c.VillageName} · {c.StepTitle}"));
        agenda.Add("推荐优秀典型至市级");
        agenda.Add(pack.Quarter < 4 ? $"部署第{pack.Quarter + 1}季度工作" : "部署年度收尾和考核工作");
        return agenda;
    }

    /// <summary>Each secretary of the roll with the form's mark; only when every one is marked (see <see cref="Validate"/>).</summary>
    public static List<Attendance> Attendances(IReadOnlyList<RollEntry> roll, MeetingInput input) =>
        roll.Select(r => input.Attendance?.GetValueOrDefault(r.VillageId) is { Present: { } present } mark
                ? new Attendance(r.VillageId, r.VillageName, r.SecretaryName, r.Username, present, present ? "" : mark.Reason?.Trim() ?? "")
                : throw new InvalidOperationException("unmarked attendance"))
            .ToList();

    /// <param name="candidates">Keys "{villageId}|{step}" that may be recommended at this meeting.</param>
    /// <param name="roll">The town's secretaries: each must be marked present, or absent with a reason.</param>
    public static ValidationErrors Validate(int year, int quarter, MeetingInput input, IReadOnlyCollection<string> candidates, DateOnly todayInChina, IReadOnlyList<RollEntry>? roll = null)
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

        // The other attendees are free text; the secretaries are the roll below.
        var attendees = input.Attendees?.Trim() ?? "";
        if (attendees.Length > MaxAttendees)
        {
            errors.Add("attendees", $"其他参会人员最多 {MaxAttendees} 字");
        }

        foreach (var r in roll ?? [])
        {
            var mark = input.Attendance?.GetValueOrDefault(r.VillageId);
            var who = $"{r.VillageName} {r.SecretaryName}";
            if (mark?.Present is null)
            {
                errors.Add("attendance", $"请标记{who}出席或缺席");
            }
            else if (mark.Present == false && string.IsNullOrWhiteSpace(mark.Reason))
            {
                errors.Add("attendance", $"{who}缺席，请填写原因");
            }
            else if (mark.Present == false && mark.Reason!.Trim().Length > MaxReason)
            {
                errors.Add("attendance", $"{who}的缺席原因最多 {MaxReason} 字");
            }
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
