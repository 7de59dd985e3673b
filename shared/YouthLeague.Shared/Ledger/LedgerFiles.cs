using System.Globalization;
using MiniExcelLibs;
using YouthLeague.Web;

namespace YouthLeague.Ledger;

/// <summary>The ledger as a file: the import template, .csv and .xlsx import (columns in Chinese) and export.</summary>
public static class LedgerFiles
{
    public static readonly string[] Columns = ["姓名", "性别", "出生年份", "是否团员", "联系电话", "学历", "工作或学习单位", "备注", "监护人已同意"];

    public const long MaxBytes = 2 * 1024 * 1024;

    public static (List<LedgerRow> Rows, List<RowError> Errors) Read(Stream content, string kind)
    {
        var records = kind == "xlsx" ? ReadXlsx(content) : ReadCsv(content);
        var rows = new List<LedgerRow>();
        var errors = new List<RowError>();
        if (records.Header is null || Columns.Take(5).Any(c => !records.Header.Contains(c)))
        {
            errors.Add(new RowError(0, "表头与模板不一致，请下载模板后按列填写：" + string.Join("、", Columns)));
            return (rows, errors);
        }

        for (var i = 0; i < records.Rows.Count; i++)
        {
            var r = records.Rows[i];
            string? Cell(string column) => r.TryGetValue(column, out var v) ? v?.Trim() : null;
            if (r.Values.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var year = LedgerRules.ParseYear(Cell("出生年份"));
            var member = LedgerRules.ParseYesNo(Cell("是否团员"));
            var consent = LedgerRules.ParseYesNo(Cell("监护人已同意"));
            if (year is null)
            {
                errors.Add(new RowError(i + 2, "出生年份应为四位数字，如 2001"));
            }

            if (member is null || consent is null)
            {
                errors.Add(new RowError(i + 2, "“是否团员”“监护人已同意”请填“是”或“否”"));
            }

            rows.Add(new LedgerRow(null, Cell("姓名") ?? "", Cell("性别") ?? "", year ?? 0, member ?? false, Cell("联系电话"), Cell("学历"), Cell("工作或学习单位"), Cell("备注"), consent ?? false));
        }

        return (rows, errors);
    }

    public static byte[] Template() => Csv([]);

    public static byte[] Csv(IEnumerable<LedgerRow> rows) => Web.Csv.Write([Columns, .. rows.Select(Values)]);

    private static IEnumerable<string> Values(LedgerRow r) =>
    [
        r.Name, r.Sex, r.BirthYear.ToString(CultureInfo.InvariantCulture), LedgerRules.YesNo(r.IsLeagueMember), r.Phone ?? "",
        r.Education ?? "", r.Occupation ?? "", r.Note ?? "", LedgerRules.YesNo(r.GuardianConsent),
    ];

    private sealed record Sheet(IReadOnlyList<string>? Header, List<Dictionary<string, string?>> Rows);

    private static Sheet ReadCsv(Stream content)
    {
        using var reader = new StreamReader(content, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var lines = Web.Csv.Read(reader);
        if (lines.Count == 0)
        {
            return new Sheet(null, []);
        }

        var header = lines[0].Select(h => h.Trim()).ToList();
        var rows = lines.Skip(1)
            .Select(l => header.Select((h, i) => (h, v: i < l.Count ? l[i] : null)).GroupBy(x => x.h).ToDictionary(g => g.Key, g => g.First().v))
            .ToList();
        return new Sheet(header, rows);
    }

    private static Sheet ReadXlsx(Stream content)
    {
        var rows = content.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>()
            .Select(r => r.ToDictionary(kv => kv.Key.Trim(), kv => kv.Value is null ? null : Convert.ToString(kv.Value, CultureInfo.InvariantCulture)))
            .ToList();
        content.Position = 0;
        var header = content.GetColumns(useHeaderRow: true)?.Select(c => c.Trim()).ToList();
        return new Sheet(header, rows);
    }
}
