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
    string? Error);
