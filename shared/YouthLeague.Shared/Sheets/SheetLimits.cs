namespace YouthLeague.Sheets;

/// <summary>
/// What an uploaded sheet may hold, enforced while it is read, so that the work a file causes is bounded by these
/// numbers and not by what the file claims (a cell in row 1,048,576, a zip entry that inflates to gigabytes).
/// </summary>
public sealed record SheetLimits
{
    /// <summary>Rows that hold at least one value (blank rows are skipped and not counted), header and title rows included.</summary>
    public int MaxRows { get; init; } = 2_000;

    /// <summary>The highest column that may hold a value (64 = column BL).</summary>
    public int MaxColumns { get; init; } = 64;

    /// <summary>The longest cell, in characters.</summary>
    public int MaxCellChars { get; init; } = 2_000;

    /// <summary>Entries in the .xlsx zip (Excel and WPS write 10 to 30).</summary>
    public int MaxZipEntries { get; init; } = 200;

    /// <summary>Bytes the .xlsx may inflate to, all entries together, counted as they are inflated.</summary>
    public long MaxUncompressedBytes { get; init; } = 40L * 1024 * 1024;

    /// <summary>Inflated ÷ compressed size an entry may reach once it is over <see cref="RatioCheckedFrom"/> bytes.</summary>
    public int MaxCompressionRatio { get; init; } = 100;

    public long RatioCheckedFrom { get; init; } = 1024 * 1024;

    /// <summary>Shared strings of an .xlsx (distinct texts), and the characters they hold together.</summary>
    public int MaxSharedStrings { get; init; } = 200_000;

    public long MaxSharedStringChars { get; init; } = 4L * 1024 * 1024;

    /// <summary>Cells with a value, all rows together.</summary>
    public int MaxCells => MaxRows * MaxColumns;

    public static SheetLimits Default { get; } = new();
}

/// <summary>A sheet refused while reading: a Chinese message for the person who sent it and the HTTP status that fits.</summary>
public sealed class SheetRejectedException(int status, string message) : Exception(message)
{
    /// <summary>413 for a sheet over a limit, 422 for one that cannot be read.</summary>
    public int Status { get; } = status;

    public static SheetRejectedException TooLarge(string message) => new(413, message);

    public static SheetRejectedException Unreadable(string message) => new(422, message);
}
