namespace YouthLeague.Sheets;

/// <summary>A column a sheet is expected to have: its name as in the template and other names people give it.</summary>
public sealed record SheetColumn(string Name, bool Required = false, params string[] Synonyms)
{
    public bool Matches(string? heading) =>
        SheetHeader.Normalize(heading) is { Length: > 0 } h && (h == SheetHeader.Normalize(Name) || Synonyms.Any(s => SheetHeader.Normalize(s) == h));
}

/// <summary>
/// Where the header of a sheet is and which column holds what: the header is the first row (within
/// <c>titleRows</c> rows above it that are tolerated, such as "某某村团员青年台账") that names every required column,
/// by its name or a synonym, ignoring spaces, full-width forms and a "*" marking a required column.
/// </summary>
public sealed record SheetHeader(SheetRow Row, IReadOnlyDictionary<string, int> Columns, IReadOnlyList<SheetRow> DataRows)
{
    public static SheetHeader? Find(SheetTable table, IReadOnlyList<SheetColumn> columns, int titleRows = 0)
    {
        foreach (var (row, at) in table.Rows.Take(titleRows + 1).Select((r, i) => (r, i)))
        {
            var map = new Dictionary<string, int>();
            foreach (var column in columns)
            {
                for (var i = 0; i < row.Cells.Count; i++)
                {
                    if (column.Matches(row.Cells[i]) && !map.ContainsValue(i))
                    {
                        map[column.Name] = i;
                        break;
                    }
                }
            }

            if (columns.Where(c => c.Required).All(c => map.ContainsKey(c.Name)))
            {
                return new SheetHeader(row, map, table.Rows.Skip(at + 1).ToList());
            }
        }

        return null;
    }

    /// <summary>The value of a named column in a data row, trimmed; null if the sheet has no such column or the cell is empty.</summary>
    public string? Value(SheetRow row, string column) => Columns.TryGetValue(column, out var i) ? row[i]?.Trim() : null;

    internal static string Normalize(string? heading)
    {
        if (string.IsNullOrWhiteSpace(heading))
        {
            return "";
        }

        var s = heading.Normalize(System.Text.NormalizationForm.FormKC); // full-width letters, digits and brackets to their usual forms
        return string.Concat(s.Where(c => !char.IsWhiteSpace(c) && c != '*')).ToLowerInvariant();
    }
}
