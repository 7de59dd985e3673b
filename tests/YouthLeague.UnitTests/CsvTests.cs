using System.Text;
using Sylvan.Data.Csv;
using YouthLeague.Web;

namespace YouthLeague.UnitTests;

/// <summary>The CSV the exports write, read back with a reader the app does not use (Sylvan).</summary>
public sealed class CsvTests
{
    private static List<string[]> ReadBack(byte[] bytes)
    {
        using var text = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = false, Delimiter = ',' });
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add(Enumerable.Range(0, csv.RowFieldCount).Select(csv.GetString).ToArray());
        }

        return rows;
    }

    [Fact]
    public void Write_AwkwardValues_ReadBackAsWritten_FormulasKeptAsText()
    {
        string?[][] rows =
        [
            ["姓名", "备注"],
            ["张三, 李四", "他说\"好\""],
            ["两行\r\n文字", null],
            ["=HYPERLINK(\"x\")", "-5"],
            ["@SUM(A1)", "+1"],
            ["-x", "1e3"],
        ];
        var bytes = Csv.Write(rows);

        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.Equal(
            [["姓名", "备注"], ["张三, 李四", "他说\"好\""], ["两行\r\n文字", ""], ["'=HYPERLINK(\"x\")", "-5"], ["'@SUM(A1)", "+1"], ["'-x", "1e3"]],
            ReadBack(bytes));
        Assert.EndsWith("\r\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }
}
