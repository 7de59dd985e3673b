using YouthLeague.Ledger;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

/// <summary>Why an import was refused: the title and each row's problem (row 0: the file as a whole).</summary>
public sealed record ImportFailure(string Title, IReadOnlyList<RowError> Errors);

/// <summary>
/// The register: phones already masked unless the caller may see them; <see cref="Snapshot"/> is a handed-in version
/// (read-only); <see cref="Editable"/> only for the village's secretary on the live register.
/// </summary>
public sealed record LedgerModel(
    PageChrome Chrome,
    string VillageId,
    string VillageName,
    int Year,
    bool Snapshot,
    bool Editable,
    bool PhonesMasked,
    string? Done,
    ImportFailure? ImportFailure,
    IReadOnlyList<string> ImportColumns,
    IReadOnlyList<LedgerRow> Rows)
{
    /// <summary>Born after this year: under 14 in the register's year (a guardian's consent is needed).</summary>
    public int MinorsBornAfter => Year - LedgerRules.MinorAge;
}

/// <summary>One person's form: new (<see cref="Editing"/> null) or a change; the values as last typed.</summary>
public sealed record LedgerRowModel(
    PageChrome Chrome,
    string VillageId,
    int Year,
    string? Editing,
    IReadOnlyDictionary<string, string?> Values,
    IReadOnlyList<string> Errors);
