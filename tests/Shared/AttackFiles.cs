using System.IO.Compression;
using System.Text;

namespace YouthLeague.TestFiles;

/// <summary>Hostile uploads from issue #14, built in memory (compiled into both test projects).</summary>
internal static class AttackFiles
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// <summary>An .xlsx with the given first sheet (its &lt;sheetData&gt; content) and optional shared strings.</summary>
    public static byte[] Xlsx(string sheetData, string[]? sharedStrings = null, CompressionLevel level = CompressionLevel.Optimal)
    {
        var parts = new List<(string, string)>
        {
            ("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""),
            ("_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""),
            ("xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>"""),
            ("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""),
            ("xl/worksheets/sheet1.xml", $"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData>{sheetData}</sheetData></worksheet>"""),
        };
        if (sharedStrings is not null)
        {
            var si = string.Concat(sharedStrings.Select(s => $"<si><t xml:space=\"preserve\">{System.Security.SecurityElement.Escape(s)}</t></si>"));
            parts.Add(("xl/sharedStrings.xml", $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}" count="{sharedStrings.Length}" uniqueCount="{sharedStrings.Length}">{si}</sst>"""));
        }

        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in parts)
            {
                using var s = zip.CreateEntry(name, level).Open();
                s.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return ms.ToArray();
    }

    /// <summary>A row of inline-string cells.</summary>
    public static string Row(int number, params string[] values) =>
        $"<row r=\"{number}\">" + string.Concat(values.Select((v, i) => $"<c r=\"{Column(i)}{number}\" t=\"inlineStr\"><is><t>{System.Security.SecurityElement.Escape(v)}</t></is></c>")) + "</row>";

    public static string Column(int index)
    {
        var s = "";
        for (index++; index > 0; index = (index - 1) / 26)
        {
            s = (char)('A' + ((index - 1) % 26)) + s;
        }

        return s;
    }

    /// <summary>
    /// The upload of issue #14: about 2,000 header cells and one cell in row 1,048,576, about 12 KB. MiniExcel's
    /// Query() invented a million rows of 2,000 columns from it (4.5 GB and rising when the host was killed).
    /// </summary>
    public static byte[] XlsxBomb()
    {
        var header = string.Concat(Enumerable.Range(0, 2000).Select(i => $"<c r=\"{Column(i)}1\" t=\"s\"><v>{i % 9}</v></c>"));
        return Xlsx($"<row r=\"1\">{header}</row><row r=\"1048576\"><c r=\"A1048576\" t=\"s\"><v>0</v></c></row>",
            ["姓名", "性别", "出生年份", "是否团员", "联系电话", "学历", "工作或学习单位", "备注", "监护人已同意"]);
    }

    /// <summary>A zip bomb dressed as an .xlsx: a sheet of a valid header and then 256 MB of whitespace, a few MB compressed.</summary>
    public static byte[] ZipBomb(long inflatedBytes = 256L << 20)
    {
        var header = Row(1, "姓名", "性别", "出生年份", "是否团员", "联系电话", "学历", "工作或学习单位", "备注", "监护人已同意");
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in new[]
            {
                ("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"""),
                ("xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"""),
                ("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"""),
            })
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(Encoding.UTF8.GetBytes(content));
            }

            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            sheet.Write(Encoding.UTF8.GetBytes($"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData>{header}"""));
            var filler = new byte[1 << 20];
            Array.Fill(filler, (byte)' '); // whitespace between rows: valid XML, compresses about 1000:1
            for (long written = 0; written < inflatedBytes; written += filler.Length)
            {
                sheet.Write(filler);
            }

            sheet.Write(Encoding.UTF8.GetBytes("</sheetData></worksheet>"));
        }

        return ms.ToArray();
    }

    /// <summary>
    /// A sheet of 1,048,576 rows (Excel's last row), one number each, no row numbers written. Stored
    /// uncompressed (about 27 MB, under the inflated-size limit) it passes the zip guards and must stop at the row limit while being read; compressed
    /// (<paramref name="compressed"/>, a few dozen KB) the compression ratio refuses it before a row is read.
    /// </summary>
    public static byte[] MillionRows(bool compressed)
    {
        var header = Row(1, "姓名", "性别", "出生年月", "是否团员");
        var row = "<row><c><v>1</v></c></row>"u8.ToArray();
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Part(string name, string content)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(Encoding.UTF8.GetBytes(content));
            }

            Part("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>""");
            Part("xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Part("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>""");
            Part("xl/sharedStrings.xml", $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}"><si><t>李青</t></si><si><t>女</t></si></sst>""");
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", compressed ? CompressionLevel.SmallestSize : CompressionLevel.NoCompression).Open();
            sheet.Write(Encoding.UTF8.GetBytes($"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData>{header}"""));
            for (var i = 2; i <= 1_048_576; i++)
            {
                sheet.Write(row);
            }

            sheet.Write(Encoding.UTF8.GetBytes("</sheetData></worksheet>"));
        }

        return ms.ToArray();
    }

    /// <summary>A CSV whose header has <paramref name="columns"/> columns (thousands: a sheet pasted sideways).</summary>
    public static byte[] WideCsv(int columns = 5000) =>
        Encoding.UTF8.GetBytes("姓名,性别,出生年月,是否团员," + string.Join(',', Enumerable.Range(5, columns - 4).Select(i => "列" + i)) + "\r\n李青,女,2001-05,是\r\n");

    /// <summary>
    /// A two-row header with merged cells, as registers kept in Excel often have: 姓名, 性别 … each merged over both rows,
    /// and 联系方式 merged over two columns with 手机 and 座机 below it.
    /// </summary>
    public static byte[] MergedHeader()
    {
        var rows = Row(1, "序号", "姓名", "性别", "出生年月", "是否团员", "联系方式", "")
            + "<row r=\"2\"><c r=\"F2\" t=\"inlineStr\"><is><t>手机</t></is></c><c r=\"G2\" t=\"inlineStr\"><is><t>座机</t></is></c></row>"
            + Row(3, "1", "李青", "女", "2001-05", "是", "13812345678", "0537-1234567");
        var file = Xlsx(rows + "</sheetData><mergeCells count=\"6\"><mergeCell ref=\"A1:A2\"/><mergeCell ref=\"B1:B2\"/><mergeCell ref=\"C1:C2\"/><mergeCell ref=\"D1:D2\"/><mergeCell ref=\"E1:E2\"/><mergeCell ref=\"F1:G1\"/></mergeCells><sheetData>");
        return file;
    }
}
