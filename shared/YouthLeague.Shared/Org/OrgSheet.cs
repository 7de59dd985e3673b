using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace YouthLeague.Org;

/// <summary>One data row of a sheet: its row number as the person sees it in Excel, and header → cell text.</summary>
public sealed record SheetRow(int Number, IReadOnlyDictionary<string, string> Cells);

/// <summary>A sheet read: the header row's cells and the rows under it, or why it could not be read.</summary>
public sealed record SheetContent(IReadOnlyList<string> Headers, IReadOnlyList<SheetRow> Rows, string? Problem = null);

/// <summary>
/// Reads an uploaded .xlsx or .csv into header → cell rows. Kept small on purpose so that the bounded sheet reader
/// of the security work can take its place: anything that turns bytes into <see cref="SheetContent"/> will do.
/// </summary>
public interface ISheetReader
{
    /// <param name="isHeader">Recognises the header row among the first rows (a title row above it is skipped).</param>
    SheetContent Read(Stream content, string kind, Func<IReadOnlyList<string>, bool> isHeader, int maxRows);
}

/// <summary>
/// A minimal bounded reader: at most <c>maxRows</c> data rows (checked while reading, the rest is never parsed),
/// <see cref="MaxColumns"/> columns, the header within the first <see cref="HeaderSearchRows"/> rows; CSV in UTF-8,
/// else GB18030 (what Excel in China saves as "CSV (逗号分隔)").
/// </summary>
public sealed class BoundedSheetReader : ISheetReader
{
    public const int MaxColumns = 30;
    public const int HeaderSearchRows = 5;
    public const int MaxCellChars = 200;

    static BoundedSheetReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public SheetContent Read(Stream content, string kind, Func<IReadOnlyList<string>, bool> isHeader, int maxRows)
    {
        IEnumerable<IReadOnlyList<string>> lines;
        try
        {
            lines = kind == "xlsx" ? XlsxLines(content) : CsvLines(Decode(content));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException or InvalidOperationException)
        {
            return new SheetContent([], [], "文件无法读取，请确认是 .xlsx 或 .csv 表格");
        }

        List<string>? headers = null;
        var rows = new List<SheetRow>();
        var number = 0;
        try
        {
            foreach (var line in lines)
            {
                number++;
                if (headers is null)
                {
                    var cells = line.Select(Normalize).ToList();
                    if (isHeader(cells))
                    {
                        headers = cells;
                    }
                    else if (number >= HeaderSearchRows)
                    {
                        break;
                    }

                    continue;
                }

                if (line.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (rows.Count >= maxRows)
                {
                    return new SheetContent(headers, [], $"表格超过 {maxRows} 行，请分成几个文件导入");
                }

                var map = new Dictionary<string, string>();
                for (var i = 0; i < headers.Count && i < line.Count; i++)
                {
                    if (headers[i].Length > 0 && !map.ContainsKey(headers[i]))
                    {
                        var v = line[i].Trim();
                        map[headers[i]] = v.Length > MaxCellChars ? v[..MaxCellChars] : v;
                    }
                }

                rows.Add(new SheetRow(number, map));
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException or InvalidOperationException or System.Xml.XmlException)
        {
            return new SheetContent([], [], "文件无法读取，请确认是 .xlsx 或 .csv 表格");
        }

        if (number == 0)
        {
            return new SheetContent([], [], "文件是空的");
        }

        return headers is null
            ? new SheetContent([], [], "找不到表头行：前几行里应有“镇街”“村/社区”“第一书记”“手机”等列名")
            : new SheetContent(headers, rows);
    }

    /// <summary>Header text compared loosely: no spaces, full-width brackets and slashes as ASCII.</summary>
    public static string Normalize(string? header) =>
        new string((header ?? "").Where(c => !char.IsWhiteSpace(c)).Select(c => c switch { '（' => '(', '）' => ')', '／' => '/', '、' => '/', _ => c }).ToArray());

    private static IEnumerable<IReadOnlyList<string>> XlsxLines(Stream content)
    {
        foreach (var row in content.Query(useHeaderRow: false))
        {
            var cells = ((IDictionary<string, object?>)row).Values.Take(MaxColumns)
                .Select(v => v switch
                {
                    null => "",
                    double d => d.ToString(CultureInfo.InvariantCulture),
                    DateTime t => t.ToString("yyyy.MM.dd", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
                })
                .ToList();
            yield return cells;
        }
    }

    private static string Decode(Stream content)
    {
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        var bytes = buffer.ToArray();
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return text.TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    /// <summary>RFC 4180: quotes, doubled quotes, line breaks inside quotes; lines yielded one at a time.</summary>
    private static IEnumerable<IReadOnlyList<string>> CsvLines(string text)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else if (cell.Length < MaxCellChars * 4)
                {
                    cell.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    if (cells.Count < MaxColumns)
                    {
                        cells.Add(cell.ToString());
                    }

                    cell.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    yield return cells;
                    cells = [];
                    break;
                default:
                    if (cell.Length < MaxCellChars * 4)
                    {
                        cell.Append(c);
                    }

                    break;
            }
        }

        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            yield return cells;
        }
    }
}
