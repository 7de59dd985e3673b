using System.Globalization;
using System.Text;
using CsvHelper;

namespace YouthLeague.Web;

/// <summary>CSV as Excel in China opens it: RFC 4180 (CsvHelper), CRLF, UTF-8 with BOM so Chinese shows, formula-safe.</summary>
public static class Csv
{
    // Our own formula guard below (CsvHelper's injection option is left off): it keeps numbers such as -5 as they are.
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.None };

    public static byte[] Write(IEnumerable<IEnumerable<string?>> rows)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Options, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                foreach (var field in row)
                {
                    csv.WriteField(Guard(field));
                }

                csv.EndRecord();
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A leading =, +, - or @ would make Excel run the cell as a formula: prefix it so it stays text (numbers stay numbers).</summary>
    public static string Guard(string? value)
    {
        var v = value ?? "";
        return v.Length > 0 && v[0] is '=' or '+' or '-' or '@' && !double.TryParse(v, CultureInfo.InvariantCulture, out _) ? "'" + v : v;
    }

    /// <summary>The ledger import's reader (Ledger/LedgerFiles.cs), until that import has its own bounded reader.</summary>
    public static List<List<string>> Read(TextReader reader)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\r' or '\n')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(ch);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        return rows;
    }
}
