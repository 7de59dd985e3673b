using YouthLeague.Web.Components;

namespace YouthLeague.Web.Service;

public sealed record SetupModel(PageChrome Chrome, string? Error, IReadOnlyList<string> Problems, string? Username);

/// <summary>The city's page for one year: its status and opening progress, its definition as secretaries will see it, stuck checklists.</summary>
public sealed record YearAdminModel(
    PageChrome Chrome,
    Years.YearView Year,
    YouthLeague.Checklist.ChecklistDefinition? Definition,
    string DefinitionSource,
    IReadOnlyList<Years.StuckChecklist> Stuck,
    string? Message,
    string? Error,
    Years.ClosingDateStatus? ClosingChange = null);

/// <summary>The city's administration index: every admin page, one link each.</summary>
public sealed record AdminHomeModel(PageChrome Chrome, int Year);

/// <summary>Towns and villages as stored (closed villages included, marked), with the result of the last change.</summary>
public sealed record OrgAdminModel(PageChrome Chrome, IReadOnlyList<Org.ExistingTown> Towns, IReadOnlyList<Org.ExistingVillage> Villages, string? Message, string? Error);

/// <summary>
/// The org sheet import: the upload form, or a preview (what would be added, changed and closed, every row's error)
/// with the sheet itself (base64) for "apply".
/// </summary>
public sealed record OrgImportModel(PageChrome Chrome, Org.OrgImportResult? Preview, string? Sheet, string? Kind, string? Message, string? Error);

/// <summary>Accounts waiting for their invite, and a link just re-issued (shown once).</summary>
public sealed record InvitesModel(PageChrome Chrome, IReadOnlyList<Org.InviteSheet.Pending> Pending, string? Message, string? Link, string? Error);

public sealed record AuditModel(PageChrome Chrome, Audit.AuditRange Range, IReadOnlyList<Audit.AdminAction> Actions, string? Error);

/// <summary>A year's definition on its form (and as editable JSON), its preview as a secretary will see it, and what was wrong with the last try.</summary>
public sealed record DefinitionEditModel(
    PageChrome Chrome,
    int Year,
    string Json,
    YouthLeague.Checklist.ChecklistDefinition? Preview,
    string Source,
    string Status,
    bool Opened,
    IReadOnlyList<string> Errors,
    string? Message,
    Years.DefinitionFormView? Form = null);
