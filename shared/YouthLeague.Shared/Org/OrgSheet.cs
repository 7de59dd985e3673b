using YouthLeague.Sheets;

namespace YouthLeague.Org;

/// <summary>One data row of a sheet: its row number as the person sees it in Excel, and header → cell text.</summary>
public sealed record OrgSheetRow(int Number, IReadOnlyDictionary<string, string> Cells);

/// <summary>A sheet read: the header row's cells and the rows under it, or why it could not be read.</summary>
public sealed record SheetContent(IReadOnlyList<string> Headers, IReadOnlyList<OrgSheetRow> Rows, string? Problem = null);

/// <summary>
/// The org sheet through the shared bounded reader (<see cref="SheetReader"/>: .xlsx read forward within its limits,
/// CSV in UTF-8 or GB18030 as Excel in China saves it): the header is found among the first
/// <see cref="HeaderSearchRows"/> rows (title rows above it are skipped), at most <c>maxRows</c> data rows.
/// </summary>
public static class OrgSheet
{
    public const int MaxColumns = 30;
    public const int HeaderSearchRows = 5;
    public const int MaxCellChars = 200;

    /// <param name="isHeader">Recognises the header row among the first rows.</param>
    public static SheetContent Read(Stream content, string kind, Func<IReadOnlyList<string>, bool> isHeader, int maxRows)
    {
        var limits = new SheetLimits { MaxRows = maxRows + HeaderSearchRows, MaxColumns = MaxColumns, MaxCellChars = MaxCellChars };
        SheetTable table;
        try
        {
            table = SheetReader.Read(content, kind, limits);
        }
        catch (SheetRejectedException ex) when (ex.Status == 413 && ex.Message.Contains("行数过多", StringComparison.Ordinal))
        {
            return new SheetContent([], [], $"表格超过 {maxRows} 行，请分成几个文件导入");
        }
        catch (SheetRejectedException ex)
        {
            return new SheetContent([], [], ex.Message);
        }

        if (table.Rows.Count == 0)
        {
            return new SheetContent([], [], "文件是空的");
        }

        var at = table.Rows.Take(HeaderSearchRows).ToList().FindIndex(r => isHeader(Cells(r)));
        if (at < 0)
        {
            return new SheetContent([], [], "找不到表头行：前几行里应有“镇街”“村/社区”“第一书记”“手机”等列名");
        }

        var headers = Cells(table.Rows[at]);
        var data = table.Rows.Skip(at + 1).Where(r => !r.IsBlank).ToList();
        if (data.Count > maxRows)
        {
            return new SheetContent(headers, [], $"表格超过 {maxRows} 行，请分成几个文件导入");
        }

        return new SheetContent(headers, data.Select(r =>
        {
            var map = new Dictionary<string, string>();
            for (var i = 0; i < headers.Count && i < r.Cells.Count; i++)
            {
                if (headers[i].Length > 0 && !map.ContainsKey(headers[i]))
                {
                    map[headers[i]] = (r[i] ?? "").Trim();
                }
            }

            return new OrgSheetRow(r.Number, map);
        }).ToList());
    }

    /// <summary>Header text compared loosely: no spaces, full-width brackets and slashes as ASCII.</summary>
    public static string Normalize(string? header) =>
        new string((header ?? "").Where(c => !char.IsWhiteSpace(c)).Select(c => c switch { '（' => '(', '）' => ')', '／' => '/', '、' => '/', _ => c }).ToArray());

    private static List<string> Cells(Sheets.SheetRow row) => row.Cells.Select(c => Normalize(c)).ToList();
}
