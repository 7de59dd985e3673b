using YouthLeague.Checklist;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

public sealed record StepColumn(string Key, string Title);

/// <summary>One village's step on the town matrix: overdue shows as such whatever its status.</summary>
public sealed record TownCell(string Step, StepStatus Status, bool Overdue);

public sealed record TownRow(string VillageId, string VillageName, IReadOnlyList<TownCell> Cells);

/// <summary>The matrix filter as asked in the query string: a step key, a status (or "overdue"); empty means all.</summary>
public sealed record TownFilter(string Step, string Status)
{
    public const string Overdue = "overdue";
}

/// <summary>A town's year: totals, the quarterly chart, the village × step matrix with its filter.</summary>
public sealed record TownModel(
    PageChrome Chrome,
    string TownId,
    string TownName,
    int Year,
    int Villages,
    int StepsApproved,
    int StepsSubmitted,
    int StepsOverdue,
    IReadOnlyList<int> QuarterApproved,
    int StepsInYear,
    IReadOnlyList<StepColumn> AllSteps,
    IReadOnlyList<StepColumn> Columns,
    TownFilter Filter,
    IReadOnlyList<TownRow> Rows,
    bool Reviews = true);

/// <summary>A town on the city page; <see cref="Steps"/> is villages × the year's steps.</summary>
/// <param name="Meetings">Each quarter's exchange meeting: held (its date), missed, open, not yet.</param>
public sealed record CityTown(string Id, string Name, int Approved, int Steps, int Submitted, int Overdue, IReadOnlyList<Notifications.QuarterMeeting>? Meetings = null)
{
    public double Percent => Steps == 0 ? 0 : 100.0 * Approved / Steps;
}

public sealed record RecommendedCase(string TownName, string VillageId, string VillageName, string Step, string StepTitle, int Quarter, string MeetingDate);

public sealed record CityModel(PageChrome Chrome, int Year, IReadOnlyList<RecommendedCase> Recommended, IReadOnlyList<CityTown> Towns, bool Administers = true);
