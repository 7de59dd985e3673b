using System.Globalization;
using System.Text.RegularExpressions;

namespace YouthLeague.Ledger;

/// <summary>One person in a village's register of league members and youth (团员青年台账). Personal data.</summary>
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
    bool GuardianConsent = false);

public sealed record RowError(int Row, string Message);

/// <summary>Checks ledger rows; messages in Chinese, each naming the row (1-based, as people count them).</summary>
public static partial class LedgerRules
{
    public const int MaxRows = 2000;
    public const int MinorAge = 14;

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex Mobile();

    [GeneratedRegex(@"^0\d{2,3}-?\d{7,8}$")]
    private static partial Regex Landline();

    public static IReadOnlyList<string> Sexes { get; } = ["男", "女"];

    public static List<RowError> Validate(IReadOnlyList<LedgerRow> rows, int year)
    {
        var errors = new List<RowError>();
        if (rows.Count > MaxRows)
        {
            errors.Add(new RowError(0, $"台账最多 {MaxRows} 行"));
            return errors;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var message in Problems(rows[i], year))
            {
                errors.Add(new RowError(i + 1, message));
            }
        }

        return errors;
    }

    public static IEnumerable<string> Problems(LedgerRow r, int year)
    {
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Trim().Length > 20)
        {
            yield return "姓名必填，最多 20 字";
        }

        if (!Sexes.Contains(r.Sex))
        {
            yield return "性别请填“男”或“女”";
        }

        if (r.BirthYear < year - 100 || r.BirthYear > year)
        {
            yield return $"出生年份 {r.BirthYear} 不合理";
        }
        else if (year - r.BirthYear < MinorAge && !r.GuardianConsent)
        {
            yield return "未满 14 周岁，需先取得监护人同意并勾选“监护人已同意”";
        }

        if (!string.IsNullOrEmpty(r.Phone) && !Mobile().IsMatch(r.Phone) && !Landline().IsMatch(r.Phone))
        {
            yield return "电话号码格式不正确（手机 11 位，座机如 0537-1234567）";
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
        "是" or "true" or "1" or "Y" or "y" => true,
        "否" or "false" or "0" or "N" or "n" or "" or null => false,
        _ => null,
    };

    public static int? ParseYear(string? s) =>
        int.TryParse(s?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : null;
}
