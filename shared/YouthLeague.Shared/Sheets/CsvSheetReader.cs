using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace YouthLeague.Sheets;

/// <summary>A .csv through CsvHelper's parser: comma-separated, RFC 4180 quoting, every bound checked per record.</summary>
internal static class CsvSheetReader
{
    public static SheetTable Read(Stream content, SheetLimits limits)
    {
        var text = TextDecoding.Decode(ReadBounded(content, limits));
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            Delimiter = ",",
            // Blank lines come through as records so that line numbers stay right; they are skipped below.
            IgnoreBlankLines = false,
            TrimOptions = TrimOptions.None,
            MaxFieldSize = limits.MaxCellChars,
            BadDataFound = null,
            DetectColumnCountChanges = false,
        };

        var rows = new List<SheetRow>();
        var cells = 0;
        var nextLine = 1;
        try
        {
            using var parser = new CsvParser(new StringReader(text), configuration);
            while (parser.Read())
            {
                var line = nextLine;
                nextLine = parser.RawRow + 1;
                var record = parser.Record ?? [];
                var last = record.Length - 1;
                while (last >= 0 && string.IsNullOrEmpty(record[last]))
                {
                    last--;
                }

                if (last < 0)
                {
                    continue;
                }

                if (last >= limits.MaxColumns)
                {
                    throw SheetRejectedException.TooLarge(SheetReader.TooManyColumns(limits));
                }

                cells += last + 1;
                if (rows.Count >= limits.MaxRows || cells > limits.MaxCells)
                {
                    throw SheetRejectedException.TooLarge(SheetReader.TooManyRows(limits));
                }

                var row = new SheetRow(line, record[..(last + 1)]);
                if (!row.IsBlank)
                {
                    rows.Add(row);
                }
            }
        }
        catch (MaxFieldSizeException)
        {
            throw SheetRejectedException.TooLarge($"表格中有一格内容过长（每格最多 {limits.MaxCellChars} 字）");
        }
        catch (CsvHelperException)
        {
            throw SheetRejectedException.Unreadable("CSV 格式不正确（可能有未闭合的引号），请用模板另存后再导入");
        }

        return new SheetTable(rows);
    }

    private static byte[] ReadBounded(Stream content, SheetLimits limits)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = content.Read(buffer)) > 0)
        {
            if (copy.Length + n > limits.MaxUncompressedBytes)
            {
                throw SheetRejectedException.TooLarge("文件过大，无法导入");
            }

            copy.Write(buffer, 0, n);
        }

        return copy.ToArray();
    }
}
