using CsvHelper;

namespace YouthLeague.Sheets;

/// <summary>A .csv through CsvHelper: comma-separated, RFC 4180 quoting, every bound checked per record.</summary>
internal static class CsvSheetReader
{
    public static SheetTable Read(Stream content, SheetLimits limits)
    {
        var text = TextDecoding.Decode(ReadBounded(content, limits));
        var options = CsvReaderOptions.Default with
        {
            HasHeader = false,
            Separator = ',',
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            TrimWhitespace = false,
            AllowLineBreaksInQuotes = true,
            IncludeValuesInExceptions = false,
            MaxRecordSize = limits.MaxColumns * limits.MaxCellChars * 3,
        };

        var rows = new List<SheetRow>();
        var cells = 0;
        try
        {
            using var reader = CsvReader.Create(new StringReader(text), options);
            while (reader.Read())
            {
                var line = (int)Math.Min(reader.LineNumber, int.MaxValue);
                var last = reader.FieldCount - 1;
                while (last >= 0 && reader.IsEmpty(last))
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

                if (rows.Count >= limits.MaxRows)
                {
                    throw SheetRejectedException.TooLarge(SheetReader.TooManyRows(limits));
                }

                var values = new string?[last + 1];
                for (var i = 0; i <= last; i++)
                {
                    values[i] = reader.GetString(i);
                    SheetReader.CheckCell(values[i] ?? "", limits, line);
                }

                cells += last + 1;
                if (cells > limits.MaxCells)
                {
                    throw SheetRejectedException.TooLarge(SheetReader.TooManyRows(limits));
                }

                var row = new SheetRow(line, values);
                if (!row.IsBlank)
                {
                    rows.Add(row);
                }
            }
        }
        catch (CsvFormatException)
        {
            throw SheetRejectedException.Unreadable("CSV 格式不正确（可能有未闭合的引号或过长的一行），请用模板另存后再导入");
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
