using System.Data;
using MiniExcelLibs;
using YouthLeague.Web;

namespace YouthLeague.Committees;

/// <summary>A table with Chinese column headers, written as .xlsx (MiniExcel) or .csv (UTF-8 with BOM, formula-safe).</summary>
public sealed record Sheet(string Name, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows)
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvType = "text/csv; charset=utf-8";

    public static bool IsFormat(string? format) => format is "xlsx" or "csv";

    public byte[] Write(string format) => format == "csv" ? ToCsv() : ToXlsx();

    public byte[] ToXlsx() => Workbook([this]);

    /// <summary>Several sheets in one workbook, in order.</summary>
    public static byte[] Workbook(IEnumerable<Sheet> sheets)
    {
        var tables = sheets.Select(s => s.Table()).ToList();
        try
        {
            using var buffer = new MemoryStream();
            buffer.SaveAs(tables.ToDictionary(t => t.TableName, t => (object)t));
            return buffer.ToArray();
        }
        finally
        {
            tables.ForEach(t => t.Dispose());
        }
    }

    private DataTable Table()
    {
        // A DataTable keeps the header row even when there are no rows, and the columns in order.
        var table = new DataTable(Name);
        foreach (var h in Headers)
        {
            table.Columns.Add(h, typeof(object));
        }

        foreach (var row in Rows)
        {
            table.Rows.Add(row.Select(v => v ?? DBNull.Value).ToArray());
        }

        return table;
    }

    public byte[] ToCsv() =>
        Csv.Write([Headers, .. Rows.Select(r => r.Select(Text))]);

    private static string? Text(object? value) => value switch
    {
        null => null,
        double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
