using System.Globalization;
using YouthLeague.Sheets;
using YouthLeague.Web;

namespace YouthLeague.Ledger;

/// <summary>The ledger as a file: the import template, .csv and .xlsx import (columns in Chinese) and export.</summary>
public static class LedgerFiles
{
    public static readonly string[] Columns = ["姓名", "性别", "出生年份", "是否团员", "联系电话", "学历", "工作或学习单位", "备注", "监护人已同意"];

    public const long MaxBytes = 2 * 1024 * 1024;

    /// <summary>Bounds of an imported ledger file: the register's rows plus the header, the template's columns with room to spare.</summary>
    public static readonly SheetLimits Limits = new() { MaxRows = LedgerRules.MaxRows + 1, MaxColumns = 64, MaxCellChars = 1000 };

    private static readonly SheetColumn[] Expected = [.. Columns.Select((c, i) => new SheetColumn(c, Required: i < 5))];

    /// <summary>
    /// The rows of an uploaded .xlsx or .csv. A file over <see cref="Limits"/> throws <see cref="SheetRejectedException"/>
    /// (stops being read as soon as it is over); a header that is not the template's is one error for row 0.
    /// </summary>
    public static (List<LedgerRow> Rows, List<RowError> Errors) Read(Stream content, string kind)
    {
        var table = SheetReader.Read(content, kind, Limits);
        var rows = new List<LedgerRow>();
        var errors = new List<RowError>();
        var header = SheetHeader.Find(table, Expected);
        if (header is null)
        {
            errors.Add(new RowError(0, "表头与模板不一致，请下载模板后按列填写：" + string.Join("、", Columns)));
            return (rows, errors);
        }

        foreach (var r in header.DataRows)
        {
            string? Cell(string column) => header.Value(r, column);
            var year = LedgerRules.ParseYear(Cell("出生年份"));
            var member = LedgerRules.ParseYesNo(Cell("是否团员"));
            var consent = LedgerRules.ParseYesNo(Cell("监护人已同意"));
            if (year is null)
            {
                errors.Add(new RowError(r.Number, "出生年份应为四位数字，如 2001"));
            }

            if (member is null || consent is null)
            {
                errors.Add(new RowError(r.Number, "“是否团员”“监护人已同意”请填“是”或“否”"));
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
}
