using System.Diagnostics;
using System.Text;
using YouthLeague.Ledger;
using YouthLeague.Sheets;
using YouthLeague.TestFiles;

namespace YouthLeague.UnitTests;

/// <summary>The bounded sheet reader (issue #14: one upload could take the host down).</summary>
public sealed class SheetReaderTests
{
    private static readonly string[] Header = ["姓名", "性别", "出生年份", "是否团员", "联系电话", "学历", "工作或学习单位", "备注", "监护人已同意"];

    private static SheetTable Xlsx(byte[] file, SheetLimits? limits = null) => SheetReader.Read(new MemoryStream(file), "xlsx", limits);

    private static SheetTable Csv(byte[] file, SheetLimits? limits = null) => SheetReader.Read(new MemoryStream(file), "csv", limits);

    [Fact]
    public void XlsxBomb_2000HeaderCellsAndACellInRow1048576_RefusedAtOnceAsTooManyColumns()
    {
        var bomb = AttackFiles.XlsxBomb();
        Assert.InRange(bomb.Length, 1, 64 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        var ex = Assert.Throws<SheetRejectedException>(() => Xlsx(bomb, LedgerFiles.Limits));
        Assert.Equal(413, ex.Status);
        Assert.Contains("列数过多", ex.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16L * 1024 * 1024);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
    }

    [Fact]
    public void XlsxBomb_CellInRow1048576UnderAValidHeader_IsOneRowNotAMillion()
    {
        var file = AttackFiles.Xlsx(AttackFiles.Row(1, Header) + AttackFiles.Row(2, "李青", "女", "2000", "是") + AttackFiles.Row(1_048_576, "王小", "男", "2001", "否"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var table = Xlsx(file, LedgerFiles.Limits);
        Assert.Equal([1, 2, 1_048_576], table.Rows.Select(r => r.Number));
        Assert.Equal("王小", table.Rows[2][0]);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16L * 1024 * 1024);
    }

    [Fact]
    public void ZipBomb_256MBOfWhitespaceInAFewKB_RefusedByTheInflatedSizeAndRatio()
    {
        var bomb = AttackFiles.ZipBomb();
        Assert.InRange(bomb.Length, 1, 2 * 1024 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<SheetRejectedException>(() => Xlsx(bomb, LedgerFiles.Limits));
        Assert.Equal(413, ex.Status);
        Assert.Contains("解压后过大", ex.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64L * 1024 * 1024);
    }

    [Fact]
    public void Xlsx_TooManyEntries_Refused()
    {
        var parts = Enumerable.Range(0, 300).Select(i => ($"xl/media/x{i}.xml", "<x/>")).ToArray();
        var ex = Assert.Throws<SheetRejectedException>(() => Xlsx(Files.Zip([("xl/workbook.xml", "<workbook/>"), .. parts])));
        Assert.Contains("文件过多", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xlsx_RowsOverTheLimit_RefusedWhileReading()
    {
        var rows = string.Concat(Enumerable.Range(1, 30).Select(i => AttackFiles.Row(i, "x" + i)));
        var ex = Assert.Throws<SheetRejectedException>(() => Xlsx(AttackFiles.Xlsx(rows), new SheetLimits { MaxRows = 10 }));
        Assert.Contains("行数过多", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xlsx_CellOverTheLimit_Refused()
    {
        var ex = Assert.Throws<SheetRejectedException>(() => Xlsx(AttackFiles.Xlsx(AttackFiles.Row(3, new string('长', 5000)))));
        Assert.Contains("第 3 行", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xlsx_SharedStringsNumbersAndBlankRows_ReadAsExcelShowsThem()
    {
        var sheet = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
            + "<row r=\"2\"><c r=\"A2\" s=\"1\"/></row>"
            + "<row r=\"4\"><c r=\"A4\"><v>13812345678</v></c><c r=\"B4\"><v>2001</v></c><c r=\"C4\" t=\"b\"><v>1</v></c><c r=\"D4\"><v>0.5</v></c></row>";
        var table = Xlsx(AttackFiles.Xlsx(sheet, ["姓名", "出生 年份"]));
        Assert.Equal([1, 4], table.Rows.Select(r => r.Number));
        Assert.Equal(["姓名", null, "出生 年份"], table.Rows[0].Cells);
        Assert.Equal(["13812345678", "2001", "true", "0.5"], table.Rows[1].Cells);
    }

    [Fact]
    public void Xlsx_NotAZipOrBrokenXml_UnreadableNot500()
    {
        Assert.Equal(422, Assert.Throws<SheetRejectedException>(() => Xlsx("PK\u0003\u0004 not really"u8.ToArray())).Status);
        Assert.Equal(422, Assert.Throws<SheetRejectedException>(() => Xlsx(AttackFiles.Xlsx("<row r=\"1\"><c><v>1</c></row>"))).Status);
    }

    [Fact]
    public void Xlsx_Dtd_Refused()
    {
        var file = Files.Zip(("xl/workbook.xml", "<workbook/>"), ("xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>"));
        Assert.Equal(422, Assert.Throws<SheetRejectedException>(() => Xlsx(file)).Status);
    }

    [Fact]
    public void Csv_GbkBytes_DecodedAsGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gbk = Encoding.GetEncoding("GBK").GetBytes(string.Join(',', Header) + "\r\n李青,女,2000,是,,,,,否\r\n");
        var table = Csv(gbk);
        Assert.Equal("姓名", table.Rows[0][0]);
        Assert.Equal("李青", table.Rows[1][0]);
    }

    [Fact]
    public void Csv_Utf8WithBomQuotesAndLineBreaks_ReadWithLineNumbers()
    {
        var csv = Encoding.UTF8.GetBytes("\uFEFF姓名,备注\r\n\r\n\"张,三\",\"第一行\n第二行\"\r\n李四,\"说\"\"好\"\"\"\r\n");
        var table = Csv(csv);
        Assert.Equal([1, 3, 5], table.Rows.Select(r => r.Number));
        Assert.Equal(["张,三", "第一行\n第二行"], table.Rows[1].Cells);
        Assert.Equal("说\"好\"", table.Rows[2][1]);
    }

    [Fact]
    public void Csv_MillionShortLines_RefusedAtTheRowLimit()
    {
        var csv = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a\n", 1_000_000)));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<SheetRejectedException>(() => Csv(csv, LedgerFiles.Limits));
        Assert.Contains("行数过多", ex.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64L * 1024 * 1024);
    }

    [Fact]
    public void Csv_WideRowAndLongField_Refused()
    {
        Assert.Contains("列数过多", Assert.Throws<SheetRejectedException>(() => Csv(Encoding.UTF8.GetBytes(string.Join(',', Enumerable.Range(0, 100)) + "\n"))).Message, StringComparison.Ordinal);
        Assert.Equal(413, Assert.Throws<SheetRejectedException>(() => Csv(Encoding.UTF8.GetBytes("a,\"" + new string('x', 100_000) + "\"\n"))).Status);
    }

    [Fact]
    public void Header_TitleRowSynonymsAndFullWidth_Matched()
    {
        var table = Xlsx(AttackFiles.Xlsx(
            AttackFiles.Row(1, "某某村团员青年台账（2026 年）") + AttackFiles.Row(2, "序号", "* 姓 名", "手机号") + AttackFiles.Row(3, "1", "李青", "13812345678")));
        SheetColumn[] columns = [new("姓名", Required: true), new("联系电话", false, "手机号", "电话")];
        Assert.Null(SheetHeader.Find(table, columns, titleRows: 0));
        var header = SheetHeader.Find(table, columns, titleRows: 2)!;
        Assert.Equal(2, header.Row.Number);
        Assert.Equal("13812345678", header.Value(header.DataRows.Single(), "联系电话"));
        Assert.Equal("李青", header.Value(header.DataRows.Single(), "姓名"));
    }

    [Fact]
    public void LedgerFiles_TemplateRoundTrip_StillReads()
    {
        var csv = Encoding.UTF8.GetBytes(string.Join(',', Header) + "\r\n李青,女,2000,是,13812345678,本科,村委会,,否\r\n");
        var sheet = LedgerFiles.Read(new MemoryStream([.. Encoding.UTF8.GetPreamble(), .. csv]), "csv");
        Assert.Empty(sheet.Errors);
        Assert.Equal(new LedgerRow(null, "李青", "女", 2000, true, "13812345678", "本科", "村委会", null, false), sheet.People.Single().Person);
    }
}
