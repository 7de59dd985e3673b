using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Auth;
using YouthLeague.Committees;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>Town committees: quarterly exchange meetings (pages) and exports (.xlsx/.csv). The logic is in shared/Committees.</summary>
public sealed class CommitteeFunctions(MeetingPages meetings, CommitteeExports exports, Access access)
{
    [Function("MeetingPage")]
    public Task<IActionResult> Meeting(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "towns/{townId}/meetings/{quarter}")] HttpRequest req, string townId, string quarter) =>
        meetings.PackAsync(req, townId, quarter);

    [Function("MeetingRecord")]
    public Task<IActionResult> Record(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "towns/{townId}/meetings/{quarter}")] HttpRequest req, string townId, string quarter) =>
        meetings.RecordAsync(req, townId, quarter);

    [Function("ExportAssessment")]
    public Task<IActionResult> Assessment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports/{year}/assessment.{format}")] HttpRequest req, string year, string format) =>
        ExportAsync(req, year, format, "assessment", (y, towns, _) => exports.AssessmentAsync(y, towns, req.HttpContext.RequestAborted));

    [Function("ExportVolunteering")]
    public Task<IActionResult> Volunteering(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports/{year}/volunteering.{format}")] HttpRequest req, string year, string format) =>
        ExportAsync(req, year, format, "volunteering", (y, towns, _) => exports.VolunteeringAsync(y, towns, req.HttpContext.RequestAborted));

    [Function("ExportLedgerRollup")]
    public Task<IActionResult> Ledger(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports/{year}/ledger.{format}")] HttpRequest req, string year, string format) =>
        ExportAsync(req, year, format, "ledger", (y, towns, who) => exports.LedgerAsync(y, towns, who, req.HttpContext.RequestAborted));

    [Function("ExportMeetingPack")]
    public async Task<IActionResult> MeetingPack(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports/{year}/meeting.xlsx")] HttpRequest req, string year)
    {
        var who = await access.RequireAsync(req, CommitteeScope.IsCommittee, "只有镇街和市级用户可以导出");
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var (towns, denied) = CommitteeScope.Resolve(who.Principal!, req.Query["town"].ToString());
        if (denied is not null)
        {
            return denied;
        }

        if (!Routes.TryYear(year, out var y) || towns is not { Length: 1 } || !MeetingRules.IsQuarter(req.Query["quarter"].ToString(), out var q))
        {
            return Problems.BadRequest("请用 town 和 quarter（1–4）指定镇街和季度");
        }

        var bytes = await exports.MeetingPackAsync(y, towns[0], q, req.HttpContext.RequestAborted);
        return bytes is null
            ? Problems.NotFound("找不到该镇街或年度")
            : new FileContentResult(bytes, Sheet.XlsxType) { FileDownloadName = $"meeting-{y}-{towns[0]}-q{q}.xlsx" };
    }

    /// <summary>Town reviewers get their town, the city all towns or one with ?town=.</summary>
    private async Task<IActionResult> ExportAsync(HttpRequest req, string year, string format, string name, Func<int, string[]?, Principal, Task<Sheet?>> build)
    {
        var who = await access.RequireAsync(req, CommitteeScope.IsCommittee, "只有镇街和市级用户可以导出");
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        if (!Routes.TryYear(year, out var y) || !Sheet.IsFormat(format))
        {
            return Problems.NotFound("没有该年度的清单或这种文件格式（xlsx、csv）");
        }

        var (towns, denied) = CommitteeScope.Resolve(who.Principal!, req.Query["town"].ToString());
        if (denied is not null)
        {
            return denied;
        }

        var sheet = await build(y, towns, who.Principal!);
        return sheet is null
            ? Problems.NotFound("没有该年度的清单")
            : new FileContentResult(sheet.Write(format), format == "csv" ? Sheet.CsvType : Sheet.XlsxType)
            {
                FileDownloadName = $"{name}-{y}{(towns is { Length: 1 } ? "-" + towns[0] : "")}.{format}",
            };
    }
}
