using YouthLeague.Checklist;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

/// <summary>A village's year: its steps as cards (null: the year's checklist has not started).</summary>
public sealed record VillageModel(
    PageChrome Chrome,
    string VillageId,
    string VillageName,
    int Year,
    bool Mine,
    string? JustSubmitted,
    NoticeList Notices,
    IReadOnlyList<StepView>? Steps,
    AssessmentRubric? Rubric = null,
    IReadOnlyList<string>? ThisYearsPlan = null,
    bool FurtherActivities = false);

/// <summary>One step's form: the values to show (a draft, the previous answer, what was just sent) and what was wrong.</summary>
public sealed record StepFormModel(
    PageChrome Chrome,
    string VillageId,
    int Year,
    StepView Step,
    IReadOnlyDictionary<string, string?> Values,
    string? Error,
    ValidationErrors? Errors,
    string? Note,
    IReadOnlyList<string>? Suggestions = null);
