using YouthLeague.Ledger;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

/// <summary>Why an import was refused: the title and each row's problem (row 0: the file as a whole).</summary>
public sealed record ImportFailure(string Title, IReadOnlyList<RowError> Errors);

/// <summary>
/// The register: phones already masked unless the caller may see them; <see cref="Snapshot"/> is a handed-in version
/// (read-only); <see cref="Editable"/> only for the village's secretary on the live register. <see cref="ShowConsent"/>:
/// the consent records are shown (the village's secretary and its town reviewers only; the rows carry none otherwise).
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
    IReadOnlyList<LedgerRow> Rows,
    bool ShowConsent = false,
    DateOnly? Today = null,
    IReadOnlySet<string>? ConsentPhotos = null)
{
    /// <summary>The person has a consent photo the caller may see (only given to those who may: see <see cref="ShowConsent"/>).</summary>
    public bool HasConsentPhoto(LedgerRow r) => ShowConsent && !r.Redacted && r.Id is not null && ConsentPhotos?.Contains(r.Id) == true;

    /// <summary>The day the age rule is applied on (today in the current year).</summary>
    public DateOnly On => LedgerRules.ReferenceDate(Year, Today ?? new DateOnly(Year, 12, 31));

    public bool IsMinor(LedgerRow r) => !r.Redacted && LedgerRules.IsMinor(r, On);
}

/// <summary>One person's form: new (<see cref="Editing"/> null) or a change; the values as last typed; whether the person has a consent photo.</summary>
public sealed record LedgerRowModel(
    PageChrome Chrome,
    string VillageId,
    int Year,
    string? Editing,
    IReadOnlyDictionary<string, string?> Values,
    IReadOnlyList<string> Errors,
    bool HasConsentPhoto = false,
    string? Done = null);

/// <summary>
/// An import's preview: who is new, who changes (before → after), how many are unchanged, the ignored columns.
/// <see cref="Token"/> confirms it (null: nothing to apply, or the sheet has errors).
/// </summary>
public sealed record LedgerImportModel(
    PageChrome Chrome,
    string VillageId,
    string VillageName,
    int Year,
    LedgerImportPlan Plan,
    string? Token,
    string? Title);
