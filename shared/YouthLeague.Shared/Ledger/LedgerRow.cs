using System.Globalization;
using System.Text.RegularExpressions;

namespace YouthLeague.Ledger;

/// <summary>
/// One person in a village's register of league members and youth (团员青年台账). Personal data. The birth date is
/// as precise as it was given: a year, a year and month, or a full date. Under 14 a guardian's consent is recorded
/// with the person (<see cref="ConsentRelation"/>, <see cref="ConsentMethod"/>, <see cref="ConsentOn"/>).
/// </summary>
public sealed record LedgerRow(
    string? Id,
    string Name,
    string Sex,
    int BirthYear,
    bool IsLeagueMember,
    string? Phone,
    string? Education,
    string? Occupation,
    string? Note,
    bool GuardianConsent = false)
{
    public int? BirthMonth { get; init; }

    public int? BirthDay { get; init; }

    /// <summary>Who consented: 父亲, 母亲 or another guardian (其他监护人).</summary>
    public string? ConsentRelation { get; init; }

    /// <summary>How: <see cref="LedgerRules.ConsentMethods"/> (a paper form kept by the village, or a photo of the signed form).</summary>
    public string? ConsentMethod { get; init; }

    /// <summary>When, as yyyy-MM-dd.</summary>
    public string? ConsentOn { get; init; }

    /// <summary>Carried over into a year in which the person is 36 or older: kept, marked for the secretary to review.</summary>
    public bool NeedsReview { get; init; }

    /// <summary>Removed (deleted or past retention): the row keeps the count of a handed-in snapshot, not the person.</summary>
    public bool Redacted { get; init; }
}

public sealed record RowError(int Row, string Message);

/// <summary>Checks ledger rows; messages in Chinese, each naming the row (1-based, as people count them).</summary>
public static partial class LedgerRules
{
    public const int MaxRows = 2000;
    public const int MinorAge = 14;

    /// <summary>Youth (青年) in the register are 14 to 35: from 36 a carried-over person is marked for review.</summary>
    public const int ReviewAge = 36;

    public const string RedactedName = "（已删除）";

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex Mobile();

    [GeneratedRegex(@"^0\d{2,3}-?\d{7,8}$")]
    private static partial Regex Landline();

    public static IReadOnlyList<string> Sexes { get; } = ["男", "女"];

    public static IReadOnlyList<string> ConsentRelations { get; } = ["父亲", "母亲", "其他监护人"];

    public static IReadOnlyList<string> ConsentMethods { get; } = ["纸质同意书", "签字照片"];

    /// <summary>The day a register's age rule is applied on: today in the current year, the year's last day for a past one, its first for a future one.</summary>
    public static DateOnly ReferenceDate(int year, DateOnly today) =>
        year == today.Year ? today : year < today.Year ? new DateOnly(year, 12, 31) : new DateOnly(year, 1, 1);

    /// <summary>
    /// Age in whole years on <paramref name="on"/>, counted from the latest birthday the row allows: a year alone counts
    /// as born on 31 December, a year and month as the month's last day. So nobody is taken for 14 before they may be.
    /// </summary>
    public static int AgeOn(LedgerRow r, DateOnly on)
    {
        var month = r.BirthMonth is >= 1 and <= 12 ? r.BirthMonth.Value : 12;
        var days = DateTime.DaysInMonth(Math.Clamp(r.BirthYear, 1, 9999), month);
        var day = r.BirthDay is >= 1 && r.BirthDay <= days ? r.BirthDay.Value : days;
        var age = on.Year - r.BirthYear;
        return on.Month < month || (on.Month == month && on.Day < day) ? age - 1 : age;
    }

    public static bool IsMinor(LedgerRow r, DateOnly on) => AgeOn(r, on) < MinorAge;

    /// <summary>Checks every row (the API's PUT, an import).</summary>
    public static List<RowError> Validate(IReadOnlyList<LedgerRow> rows, int year, DateOnly? today = null) =>
        Validate(rows, year, today, _ => true);

    /// <summary>Checks the rows <paramref name="check"/> selects (rows stored before and not changed are not checked again).</summary>
    public static List<RowError> Validate(IReadOnlyList<LedgerRow> rows, int year, DateOnly? today, Func<LedgerRow, bool> check)
    {
        var errors = new List<RowError>();
        if (rows.Count > MaxRows)
        {
            errors.Add(new RowError(0, $"台账最多 {MaxRows} 行"));
            return errors;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Redacted || !check(rows[i]))
            {
                continue;
            }

            foreach (var message in Problems(rows[i], year, today))
            {
                errors.Add(new RowError(i + 1, message));
            }
        }

        return errors;
    }

    public static IEnumerable<string> Problems(LedgerRow r, int year, DateOnly? today = null)
    {
        var now = today ?? Checklist.ChinaTime.Today(DateTimeOffset.UtcNow);
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Trim().Length > 20)
        {
            yield return "姓名必填，最多 20 字";
        }

        if (!Sexes.Contains(r.Sex))
        {
            yield return "性别请填“男”或“女”";
        }

        var birthKnown = r.BirthYear >= year - 100 && r.BirthYear <= now.Year + 100
            && r.BirthMonth is null or (>= 1 and <= 12)
            && (r.BirthDay is null || (r.BirthMonth is not null && r.BirthDay >= 1 && r.BirthDay <= DateTime.DaysInMonth(r.BirthYear, r.BirthMonth.Value)));
        if (!birthKnown)
        {
            yield return $"出生日期 {BirthText(r)} 不合理";
        }
        else if (EarliestBirth(r) > now)
        {
            yield return $"出生日期 {BirthText(r)} 晚于今天";
        }
        else if (IsMinor(r, ReferenceDate(year, now)))
        {
            foreach (var problem in ConsentProblems(r, now))
            {
                yield return problem;
            }
        }

        if (!string.IsNullOrEmpty(r.Phone) && PhoneProblem(r.Phone) is { } phone)
        {
            yield return phone;
        }

        foreach (var (value, label, max) in new[] { (r.Education, "学历", 20), (r.Occupation, "工作或学习单位", 40), (r.Note, "备注", 200) })
        {
            if (value is { Length: > 0 } v && v.Length > max)
            {
                yield return $"{label}最多 {max} 字";
            }

            if (value is { Length: > 0 } c && c.Any(char.IsControl))
            {
                yield return $"{label}含有不可见的控制字符";
            }
        }
    }

    private static IEnumerable<string> ConsentProblems(LedgerRow r, DateOnly now)
    {
        if (!r.GuardianConsent || r.ConsentRelation is null || r.ConsentMethod is null || r.ConsentOn is null)
        {
            yield return "未满 14 周岁，需记录监护人同意：谁同意（父亲、母亲或其他监护人）、方式（纸质同意书或签字照片）、日期";
            yield break;
        }

        if (!ConsentRelations.Contains(r.ConsentRelation))
        {
            yield return "监护人请选择：" + string.Join("、", ConsentRelations);
        }

        if (!ConsentMethods.Contains(r.ConsentMethod))
        {
            yield return "同意方式请选择：" + string.Join("、", ConsentMethods);
        }

        if (!DateOnly.TryParseExact(r.ConsentOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on) || on > now || on.Year < now.Year - 20)
        {
            yield return "监护人同意日期不正确（如 2026-03-01，不能晚于今天）";
        }
    }

    private static DateOnly EarliestBirth(LedgerRow r) => new(r.BirthYear, r.BirthMonth ?? 1, r.BirthDay ?? 1);

    /// <summary>2001, 2001-05 or 2001-05-12, as precise as known.</summary>
    public static string BirthText(LedgerRow r) =>
        r.BirthMonth is { } m
            ? r.BirthDay is { } d ? $"{r.BirthYear:D4}-{m:D2}-{d:D2}" : $"{r.BirthYear:D4}-{m:D2}"
            : r.BirthYear.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A phone as people write it, normalised: spaces, dashes, dots and brackets dropped from a mobile, a +86 / 0086 / 86
    /// prefix dropped; a landline keeps one dash after its area code. Anything else is returned as it came (and refused).
    /// </summary>
    public static string? NormalizePhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }

        var s = phone.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        var digits = string.Concat(s.Where(c => !(char.IsWhiteSpace(c) || c is '-' or '.' or '(' or ')' or '（' or '）')));
        if (digits.StartsWith('+'))
        {
            digits = digits[1..];
        }

        if (digits.StartsWith("0086", StringComparison.Ordinal) && digits.Length == 15)
        {
            digits = digits[4..];
        }
        else if (digits.StartsWith("86", StringComparison.Ordinal) && digits.Length == 13)
        {
            digits = digits[2..];
        }

        if (Mobile().IsMatch(digits))
        {
            return digits;
        }

        if (digits.All(char.IsAsciiDigit) && digits.StartsWith('0') && digits.Length is >= 10 and <= 12)
        {
            var area = digits.Length == 10 ? 3 : digits.Length == 12 ? 4 : digits[1] is '1' or '2' ? 3 : 4;
            return digits[..area] + "-" + digits[area..];
        }

        return phone.Trim();
    }

    private static string? PhoneProblem(string phone)
    {
        if (phone.Any(char.IsLetter))
        {
            return "电话号码不能含有字母";
        }

        return Mobile().IsMatch(phone) || Landline().IsMatch(phone) ? null : "电话号码格式不正确（手机 11 位，座机如 0537-1234567）";
    }

    /// <summary>138****5678; landlines keep their area code and last two digits.</summary>
    public static string? MaskPhone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return phone;
        }

        if (phone.Length >= 11 && Mobile().IsMatch(phone))
        {
            return string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(phone.Length - 4));
        }

        return phone.Length > 6 ? string.Concat(phone.AsSpan(0, 4), new string('*', phone.Length - 6), phone.AsSpan(phone.Length - 2)) : "****";
    }

    public static string YesNo(bool value) => value ? "是" : "否";

    public static bool? ParseYesNo(string? s) => s?.Trim() switch
    {
        "是" or "true" or "1" or "Y" or "y" or "√" => true,
        "否" or "false" or "0" or "N" or "n" or "" or null => false,
        _ => null,
    };

    /// <summary>是否团员 or 政治面貌: 共青团员 / 团员 count as members; 群众, 中共党员 and the like do not.</summary>
    public static bool? ParseMembership(string? s) => s?.Trim() switch
    {
        "共青团员" or "团员" or "中国共产主义青年团团员" => true,
        "群众" or "中共党员" or "中共预备党员" or "党员" or "预备党员" or "少先队员" or "民主党派" or "无党派人士" => false,
        var other => ParseYesNo(other),
    };

    public static int? ParseYear(string? s) =>
        int.TryParse(s?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : null;
}
