using System.Globalization;

namespace YouthLeague.Notifications;

/// <summary>
/// Where a notice leads: the page on which its recipient acts (every path here is a page of both hosts). Robots get
/// the same path made absolute with <c>YouthLeague:PublicBaseUrl</c> (<see cref="Absolute"/>).
/// </summary>
public static class NoticeLinks
{
    /// <summary>The step's form, for the village's secretary.</summary>
    public static string StepForm(int year, string villageId, string step) => $"/villages/{villageId}/steps/{step}?year={Y(year)}";

    /// <summary>The town page filtered to villages with late items, for the town's reviewer.</summary>
    public static string TownOverdue(int year, string townId) => $"/towns/{townId}?year={Y(year)}&status=overdue";

    /// <summary>The town's review queue.</summary>
    public static string ReviewQueue(int year, string townId) => $"/towns/{townId}/reviews?year={Y(year)}";

    /// <summary>The quarter's exchange meeting page (pack and record form).</summary>
    public static string Meeting(int year, string townId, int quarter) => $"/towns/{townId}/meetings/{quarter.ToString(CultureInfo.InvariantCulture)}?year={Y(year)}";

    /// <summary>The notices page.</summary>
    public const string Notices = "/notices";

    /// <summary>An absolute URL for a message that leaves the site; the path as it is when no base URL is configured.</summary>
    public static string Absolute(Uri? baseUrl, string path) =>
        baseUrl is null || path.Length == 0 ? path : baseUrl.GetLeftPart(UriPartial.Authority) + path;

    private static string Y(int year) => year.ToString(CultureInfo.InvariantCulture);
}
