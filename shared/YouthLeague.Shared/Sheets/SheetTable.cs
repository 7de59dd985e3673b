namespace YouthLeague.Sheets;

/// <summary>One row of a sheet that holds a value: its number as the person sees it (1-based line or Excel row) and its cells by column.</summary>
public sealed record SheetRow(int Number, IReadOnlyList<string?> Cells)
{
    public string? this[int column] => column >= 0 && column < Cells.Count ? Cells[column] : null;

    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);
}

/// <summary>The rows of a sheet that hold a value, in order; blank rows are left out (their numbers are skipped).</summary>
public sealed record SheetTable(IReadOnlyList<SheetRow> Rows);
