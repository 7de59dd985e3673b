namespace YouthLeague.Sheets;

/// <summary>
/// Reads an uploaded .xlsx (first sheet) or .csv into rows, within <see cref="SheetLimits"/>: the limits are
/// checked while reading, so a hostile file stops being read as soon as it goes over one
/// (<see cref="SheetRejectedException"/>). The caller matches the header (<see cref="SheetHeader"/>).
/// </summary>
public static class SheetReader
{
    /// <param name="kind">"xlsx" or "csv" (as <c>EvidenceKinds.Detect</c> tells them apart: by the bytes).</param>
    public static SheetTable Read(Stream content, string kind, SheetLimits? limits = null)
    {
        limits ??= SheetLimits.Default;
        return kind switch
        {
            "xlsx" => XlsxSheetReader.Read(content, limits),
            "csv" => CsvSheetReader.Read(content, limits),
            _ => throw SheetRejectedException.Unreadable("只能读取 .xlsx 或 .csv 文件"),
        };
    }

    internal static void CheckCell(string value, SheetLimits limits, int row)
    {
        if (value.Length > limits.MaxCellChars)
        {
            throw SheetRejectedException.TooLarge($"第 {row} 行有一格内容过长（每格最多 {limits.MaxCellChars} 字）");
        }
    }

    internal static string TooManyRows(SheetLimits limits) => $"表格行数过多：最多 {limits.MaxRows} 行（含表头）";

    internal static string TooManyColumns(SheetLimits limits) => $"表格列数过多：最多 {limits.MaxColumns} 列，请删除多余的列后再导入";
}
