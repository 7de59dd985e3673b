using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Audit;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Committees;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>The administrative audit log (city administrators): JSON and a workbook to export.</summary>
public sealed class AuditFunctions(AuditLog audit, Access access, TimeProvider clock)
{
    [Function("ListAudit")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/audit")] HttpRequest req)
    {
        var (range, denied) = await RangeAsync(req);
        return denied ?? new OkObjectResult((await audit.ListAsync(range.From, range.To, req.HttpContext.RequestAborted)).Select(a => new
        {
            a.At,
            a.Actor,
            a.Action,
            actionName = AuditLog.ActionNames.GetValueOrDefault(a.Action, a.Action),
            a.Target,
            a.Detail,
        }));
    }

    [Function("ExportAudit")]
    public async Task<IActionResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/audit.xlsx")] HttpRequest req)
    {
        var (range, denied) = await RangeAsync(req);
        if (denied is not null)
        {
            return denied;
        }

        var rows = (await audit.ListAsync(range.From, range.To, req.HttpContext.RequestAborted))
            .Select(a => (IReadOnlyList<object?>)[ChinaTime.ToChina(a.At).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), a.Actor, AuditLog.ActionNames.GetValueOrDefault(a.Action, a.Action), a.Target, a.Detail])
            .ToList();
        var sheet = new Sheet("操作记录", ["时间（北京时间）", "操作人", "操作", "对象", "说明"], rows);
        return new FileContentResult(sheet.ToXlsx(), Sheet.XlsxType) { FileDownloadName = $"audit-{range.From:yyyyMMdd}-{range.To:yyyyMMdd}.xlsx" };
    }

    private async Task<((DateOnly From, DateOnly To) Range, IActionResult? Denied)> RangeAsync(HttpRequest req)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, "只有市级管理员可以查看操作记录");
        if (!who.Allowed)
        {
            return (default, who.Denied);
        }

        var (range, error) = AuditRange.Parse(req.Query["from"].ToString(), req.Query["to"].ToString(), ChinaTime.Today(clock.GetUtcNow()));
        return range is null ? (default, Problems.Create(400, error!)) : ((range.From, range.To), null);
    }
}
