using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace YouthLeague.Sheets;

/// <summary>
/// The first worksheet of an .xlsx, read forward-only from the zip with an <see cref="XmlReader"/>: rows and cells
/// are taken as the XML gives them (a cell in row 1,048,576 is one row, not a million blank ones), and a value
/// beyond <see cref="SheetLimits.MaxColumns"/> or <see cref="SheetLimits.MaxRows"/> stops the read. The zip is
/// guarded too: entry count, inflated bytes counted as they come out, and the compression ratio of big entries.
/// </summary>
internal static class XlsxSheetReader
{
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    public static SheetTable Read(Stream content, SheetLimits limits)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw Broken();
        }

        using (zip)
        {
            if (zip.Entries.Count > limits.MaxZipEntries)
            {
                throw SheetRejectedException.TooLarge("文件结构异常（压缩包内文件过多），无法导入");
            }

            var budget = new InflateBudget(limits);
            try
            {
                var (sheetPath, stringsPath) = Locate(zip, budget);
                var sheet = zip.GetEntry(sheetPath) ?? throw Broken();
                var strings = zip.GetEntry(stringsPath) is { } s ? SharedStrings(s, budget, limits) : [];
                return Rows(sheet, strings, budget, limits);
            }
            catch (XmlException)
            {
                throw Broken();
            }
            catch (InvalidDataException)
            {
                throw Broken();
            }
        }
    }

    private static SheetRejectedException Broken() => SheetRejectedException.Unreadable("无法读取这个 .xlsx 文件（文件可能已损坏），请用 Excel 或 WPS 另存后再导入");

    /// <summary>The first sheet's part and the shared strings' part, from the workbook and its relationships (defaults when absent).</summary>
    private static (string Sheet, string Strings) Locate(ZipArchive zip, InflateBudget budget)
    {
        string? firstSheetId = null;
        if (zip.GetEntry("xl/workbook.xml") is { } workbook)
        {
            using var x = Xml(workbook, budget);
            while (x.Read())
            {
                if (x.NodeType == XmlNodeType.Element && x.LocalName == "sheet")
                {
                    firstSheetId = x.GetAttribute("id", Relationships);
                    break;
                }
            }
        }

        string? sheet = null, strings = null;
        if (zip.GetEntry("xl/_rels/workbook.xml.rels") is { } rels)
        {
            using var x = Xml(rels, budget);
            while (x.Read())
            {
                if (x.NodeType != XmlNodeType.Element || x.LocalName != "Relationship")
                {
                    continue;
                }

                var target = x.GetAttribute("Target") is { Length: > 0 } t ? (t.StartsWith('/') ? t[1..] : "xl/" + t) : null;
                if (firstSheetId is not null && x.GetAttribute("Id") == firstSheetId)
                {
                    sheet = target;
                }
                else if (x.GetAttribute("Type") is { } type && type.EndsWith("/sharedStrings", StringComparison.Ordinal))
                {
                    strings = target;
                }
            }
        }

        return (sheet ?? "xl/worksheets/sheet1.xml", strings ?? "xl/sharedStrings.xml");
    }

    private static List<string> SharedStrings(ZipArchiveEntry entry, InflateBudget budget, SheetLimits limits)
    {
        var strings = new List<string>();
        long chars = 0;
        using var x = Xml(entry, budget);
        var item = new StringBuilder();
        while (x.Read())
        {
            if (x.NodeType != XmlNodeType.Element || x.LocalName != "si")
            {
                continue;
            }

            item.Clear();
            if (!x.IsEmptyElement)
            {
                var depth = x.Depth;
                x.Read();
                while (!(x.NodeType == XmlNodeType.EndElement && x.Depth == depth) && !x.EOF)
                {
                    if (x.NodeType == XmlNodeType.Element && x.LocalName == "rPh")
                    {
                        x.Skip(); // phonetic guide, not the text
                        continue;
                    }

                    if (x.NodeType == XmlNodeType.Element && x.LocalName == "t")
                    {
                        AppendText(x, item, limits, row: 0);
                        continue;
                    }

                    x.Read();
                }
            }

            if (strings.Count >= limits.MaxSharedStrings || (chars += item.Length) > limits.MaxSharedStringChars)
            {
                throw SheetRejectedException.TooLarge("表格内容过多，无法导入");
            }

            strings.Add(item.ToString());
        }

        return strings;
    }

    private static SheetTable Rows(ZipArchiveEntry entry, List<string> strings, InflateBudget budget, SheetLimits limits)
    {
        var rows = new List<SheetRow>();
        var cells = new string?[limits.MaxColumns];
        var text = new StringBuilder();
        var rowNumber = 0;
        var total = 0;
        using var x = Xml(entry, budget);
        while (x.Read())
        {
            if (x.NodeType != XmlNodeType.Element || x.LocalName != "row")
            {
                continue;
            }

            rowNumber = int.TryParse(x.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r > 0 ? r : rowNumber + 1;
            Array.Clear(cells);
            var last = -1;
            if (!x.IsEmptyElement)
            {
                var depth = x.Depth;
                var column = -1;
                x.Read();
                while (!(x.NodeType == XmlNodeType.EndElement && x.Depth == depth) && !x.EOF)
                {
                    if (x.NodeType != XmlNodeType.Element || x.LocalName != "c")
                    {
                        x.Read();
                        continue;
                    }

                    column = ColumnOf(x.GetAttribute("r")) ?? column + 1;
                    var value = Cell(x, strings, text, limits, rowNumber);
                    if (string.IsNullOrEmpty(value))
                    {
                        continue;
                    }

                    if (column >= limits.MaxColumns)
                    {
                        throw SheetRejectedException.TooLarge(SheetReader.TooManyColumns(limits));
                    }

                    if (++total > limits.MaxCells)
                    {
                        throw SheetRejectedException.TooLarge(SheetReader.TooManyRows(limits));
                    }

                    cells[column] = value;
                    last = Math.Max(last, column);
                }
            }

            if (last < 0 || cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (rows.Count >= limits.MaxRows)
            {
                throw SheetRejectedException.TooLarge(SheetReader.TooManyRows(limits));
            }

            rows.Add(new SheetRow(rowNumber, cells[..(last + 1)]));
        }

        return new SheetTable(rows);
    }

    /// <summary>The value of the &lt;c&gt; the reader is on, as text; leaves the reader after the cell.</summary>
    private static string? Cell(XmlReader x, List<string> strings, StringBuilder text, SheetLimits limits, int row)
    {
        var type = x.GetAttribute("t");
        if (x.IsEmptyElement)
        {
            x.Read();
            return null;
        }

        text.Clear();
        var hasValue = false;
        var depth = x.Depth;
        x.Read();
        while (!(x.NodeType == XmlNodeType.EndElement && x.Depth == depth) && !x.EOF)
        {
            if (x.NodeType == XmlNodeType.Element && x.LocalName is "v" or "t")
            {
                AppendText(x, text, limits, row);
                hasValue = true;
                continue;
            }

            if (x.NodeType == XmlNodeType.Element && x.LocalName is "f" or "rPh" or "extLst")
            {
                x.Skip();
                continue;
            }

            x.Read();
        }

        x.Read(); // past </c>
        if (!hasValue)
        {
            return null;
        }

        var raw = text.ToString();
        return type switch
        {
            "s" => int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < strings.Count ? strings[i] : throw Broken(),
            "b" => raw == "1" ? "true" : "false",
            "inlineStr" or "str" or "e" or "d" => raw,
            _ => Number(raw),
        };
    }

    /// <summary>Numbers as Excel shows them without a format: 2001, 13812345678 (not 1.3812345678E10), 0.5.</summary>
    private static string Number(string raw) =>
        double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? Math.Abs(d) < 1e15 && d == Math.Floor(d) ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString(CultureInfo.InvariantCulture)
            : raw;

    /// <summary>Appends the text of the element the reader is on, at most <see cref="SheetLimits.MaxCellChars"/>; leaves the reader after it.</summary>
    private static void AppendText(XmlReader x, StringBuilder into, SheetLimits limits, int row)
    {
        if (x.IsEmptyElement)
        {
            x.Read();
            return;
        }

        var depth = x.Depth;
        var buffer = new char[1024];
        x.Read();
        while (!(x.NodeType == XmlNodeType.EndElement && x.Depth == depth) && !x.EOF)
        {
            if (x.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                int n;
                while ((n = x.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
                {
                    into.Append(buffer, 0, n);
                    if (into.Length > limits.MaxCellChars)
                    {
                        throw SheetRejectedException.TooLarge(row > 0 ? $"第 {row} 行有一格内容过长（每格最多 {limits.MaxCellChars} 字）" : $"表格中有一格内容过长（每格最多 {limits.MaxCellChars} 字）");
                    }
                }
            }

            x.Read();
        }

        x.Read(); // past the end element
    }

    /// <summary>0-based column of a reference such as "C7" (A = 0); null if it has none. At most three letters (XFD).</summary>
    internal static int? ColumnOf(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var column = 0;
        var letters = 0;
        foreach (var ch in reference)
        {
            if (ch is >= 'A' and <= 'Z')
            {
                column = (column * 26) + (ch - 'A' + 1);
                if (++letters > 3)
                {
                    throw Broken();
                }
            }
            else
            {
                break;
            }
        }

        return letters == 0 ? null : column - 1;
    }

    private static XmlReader Xml(ZipArchiveEntry entry, InflateBudget budget) =>
        XmlReader.Create(budget.Open(entry), new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = true,
        });

    /// <summary>Inflated bytes, counted as they come out of the zip, against the total and each big entry's ratio.</summary>
    private sealed class InflateBudget(SheetLimits limits)
    {
        private long total;

        public Stream Open(ZipArchiveEntry entry)
        {
            if (entry.Length > limits.MaxUncompressedBytes || Ratio(entry.Length, entry.CompressedLength))
            {
                throw Bomb();
            }

            return new CountingStream(entry.Open(), this, entry.CompressedLength);
        }

        private bool Ratio(long inflated, long compressed) =>
            inflated > limits.RatioCheckedFrom && inflated / Math.Max(1, compressed) > limits.MaxCompressionRatio;

        private static SheetRejectedException Bomb() => SheetRejectedException.TooLarge("文件解压后过大（可能是压缩炸弹），无法导入");

        private void Count(int n, long entryBytes, long compressed)
        {
            total += n;
            if (total > limits.MaxUncompressedBytes || Ratio(entryBytes, compressed))
            {
                throw Bomb();
            }
        }

        private sealed class CountingStream(Stream inner, InflateBudget budget, long compressed) : CountingReadStream(inner, leaveOpen: false)
        {
            protected override void Counted(int bytes, long total) => budget.Count(bytes, total, compressed);
        }
    }
}
