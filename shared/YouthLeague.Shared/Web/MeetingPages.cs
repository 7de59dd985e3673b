using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Committees;
using YouthLeague.Web.Pages;

namespace YouthLeague.Web;

/// <summary>
/// A town's quarterly exchange meeting (季度交流会): the pack to print or show on a phone, and the form that
/// records the meeting. The town's reviewer and the dispatch offices covering the town see and record; the city sees
/// (read-only: the meeting is the town's, the city receives its recommendations). Works without JavaScript; prints
/// as a clean document. A stale form (opened on an older version of the record) gets 409 with the newer record shown.
/// </summary>
public sealed class MeetingPages(Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, MeetingService meetings, ChecklistDefinitions definitions)
{
    public const string DateField = "date";
    public const string AttendeesField = "attendees";
    public const string MinutesField = "minutes";
    public const string RecommendedField = "recommended";
    public const string VersionField = "version";
    public const string AttendanceField = "attendance";

    /// <summary>"att-{villageId}" = present | absent; "reason-{villageId}" the reason of an absence.</summary>
    public const string AttendancePrefix = "att-";
    public const string ReasonPrefix = "reason-";
    public const string Present = "present";
    public const string Absent = "absent";

    public async Task<IActionResult> PackAsync(HttpRequest req, string townId, string quarter)
    {
        var who = await access.RequireAsync(req, p => p.SeesTown(townId));
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        return await RenderAsync(req, who.Principal!, townId, quarter, null, null, 200);
    }

    public async Task<IActionResult> RecordAsync(HttpRequest req, string townId, string quarter)
    {
        var who = await access.RequireAsync(req, p => p.RecordsMeetingsOf(townId), "只有本镇街的审核人员和下派办可以填写会议记录");
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        if (!MeetingRules.IsQuarter(quarter, out var q))
        {
            return await pageAccess.NotFoundAsync(who, "没有这个季度");
        }

        var (form, unreadable) = await pageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var year = support.YearOf(req);
        var attendance = form.Keys.Where(k => k.StartsWith(AttendancePrefix, StringComparison.Ordinal)).ToDictionary(
            k => k[AttendancePrefix.Length..],
            k => new AttendanceMark(form[k].ToString() switch { Present => true, Absent => false, _ => null }, form[ReasonPrefix + k[AttendancePrefix.Length..]].ToString()));
        var input = new MeetingInput(form[DateField].ToString(), form[AttendeesField].ToString(), form[MinutesField].ToString(), form[RecommendedField].Select(r => r ?? "").ToList(), attendance, form[VersionField].ToString());
        var result = await meetings.RecordAsync(year, townId, q, input, form[PageSupport.FormTokenField].ToString(), who.Principal!.Username, req.HttpContext.RequestAborted);
        if (result.Ok)
        {
            return new RedirectResult($"/towns/{townId}/meetings/{q}?year={year}&saved=1#record");
        }

        return await RenderAsync(req, who.Principal!, townId, quarter, input, result.Errors, result.Status, result.Title);
    }

    private async Task<IActionResult> RenderAsync(HttpRequest req, Principal who, string townId, string quarter, MeetingInput? input, ValidationErrors? errors, int status, string? error = null)
    {
        var year = support.YearOf(req);
        var pack = MeetingRules.IsQuarter(quarter, out var q) ? await meetings.PackAsync(year, townId, q, req.HttpContext.RequestAborted) : null;
        if (pack is null)
        {
            return await pageAccess.RefusalAsync(new AccessResult(who, Problems.NotFound("找不到该镇街的季度交流会")));
        }

        var titles = definitions.For(year).Steps.ToDictionary(s => s.Key, s => s.Title);
        var kept = input ?? (pack.Record is { } r
            ? new MeetingInput(r.Date, r.Attendees, r.Minutes, r.Recommended, (r.Attendance ?? []).ToDictionary(a => a.VillageId, a => new AttendanceMark(a.Present, a.Reason)))
            : new MeetingInput("", "", "", []));
        return await renderer.PageAsync<MeetingPage, MeetingModel>(
            new(await support.ChromeAsync(req, who), pack, titles, who.RecordsMeetingsOf(townId), req.Query["saved"] == "1" && status == 200, kept, errors, error),
            status);
    }
}
