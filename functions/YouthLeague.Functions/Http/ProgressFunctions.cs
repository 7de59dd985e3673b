using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Committees;
using YouthLeague.Progress;
using YouthLeague.Towns;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

public sealed class ProgressFunctions(ProgressService progress, DirectoryService directory, ChecklistDefinitions definitions, Access access)
{
    [Function("GetProgress")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/progress/{year}")] HttpRequest req, string year)
    {
        var (report, denied) = await ReportAsync(req, year);
        return denied ?? new OkObjectResult(new
        {
            towns = report!.Towns.Select(t => new { t.Id, t.Name, villages = t.Villages, t.StepsApproved, t.StepsSubmitted, t.StepsOverdue }),
            villages = report.Villages.Select(v => new { v.Id, v.TownId, v.Name, v.Steps }),
        });
    }

    [Function("ExportProgress")]
    public async Task<IActionResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports/{year}/progress.xlsx")] HttpRequest req, string year)
    {
        var (report, denied) = await ReportAsync(req, year);
        if (denied is not null)
        {
            return denied;
        }

        // The towns and the villages' secretaries in one range query (of the report's town when it covers one).
        var (towns, villages) = await directory.TownsAndVillagesAsync(report!.Towns.Count == 1 ? report.Towns[0].Id : null, req.HttpContext.RequestAborted);
        return new FileContentResult(
            ProgressWorkbook.Build(report, definitions.For(report.Year), towns.ToDictionary(t => t.Id, t => t.Name), villages.ToDictionary(v => v.Id, v => v.Secretary)),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        {
            FileDownloadName = $"progress-{report.Year}.xlsx",
        };
    }

    /// <summary>Town reviewers see their town; city staff all towns, or one with ?town=.</summary>
    private async Task<(ProgressReport? Report, IActionResult? Denied)> ReportAsync(HttpRequest req, string year)
    {
        var who = await access.RequireAsync(req, CommitteeScope.IsCommittee, "只有镇街和市级用户可以查看进度");
        if (!who.Allowed)
        {
            return (null, who.Denied);
        }

        if (!Routes.TryYear(year, out var y))
        {
            return (null, Problems.NotFound("没有该年度的清单"));
        }

        var (scope, denied) = CommitteeScope.Resolve(who.Principal!, req.Query["town"].ToString());
        if (denied is not null)
        {
            return (null, denied);
        }

        var report = await progress.ReportAsync(y, scope, req.HttpContext.RequestAborted);
        return report is null ? (null, Problems.NotFound("没有该年度的清单")) : (report, null);
    }
}
