using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Ledger;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>The register of league members and youth. Phones are shown in full only to the village's secretary and its town reviewers.</summary>
public sealed class LedgerFunctions(LedgerService ledger, Access access)
{
    [Function("GetLedger")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/checklists/{year}/{villageId}/ledger")] HttpRequest req, string year, string villageId)
    {
        var (y, who, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Read);
        return denied ?? new OkObjectResult(await ledger.ReadAsync(y, villageId, who!.MaySeePersonalData, req.HttpContext.RequestAborted));
    }

    [Function("ReplaceLedger")]
    public async Task<IActionResult> Replace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/checklists/{year}/{villageId}/ledger")] HttpRequest req, string year, string villageId)
    {
        var (y, _, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Submit);
        if (denied is not null)
        {
            return denied;
        }

        var body = await JsonBodies.ReadAsync<List<LedgerRow>>(req);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        return Respond(await ledger.ReplaceAsync(y, villageId, body.Value!, req.HttpContext.RequestAborted));
    }

    [Function("ImportLedger")]
    public async Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/checklists/{year}/{villageId}/ledger/import")] HttpRequest req, string year, string villageId)
    {
        var (y, _, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Submit);
        if (denied is not null)
        {
            return denied;
        }

        var upload = await LedgerUpload.ReadAsync(req);
        if (upload.Content is null)
        {
            return Problems.Create(upload.Status, upload.Title!);
        }

        await using var content = upload.Content;
        var dryRun = bool.TryParse(req.Query["dryRun"], out var d) && d;
        var result = await ledger.ImportAsync(y, villageId, content, upload.Kind, dryRun, req.HttpContext.RequestAborted);
        var plan = result.Plan;
        var body = new
        {
            title = result.Title,
            dryRun,
            imported = result.Status == 200 && !dryRun ? plan.Added.Count + plan.Changed.Count : 0,
            added = plan.Added,
            changed = plan.Changed,
            unchanged = plan.Unchanged,
            ignoredColumns = plan.IgnoredColumns,
            errors = plan.Errors,
        };
        return result.Status == 200
            ? new OkObjectResult(body)
            : new ObjectResult(body) { StatusCode = result.Status, ContentTypes = { "application/problem+json" } };
    }

    [Function("ExportLedger")]
    public async Task<IActionResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/checklists/{year}/{villageId}/ledger.csv")] HttpRequest req, string year, string villageId)
    {
        var (y, who, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Read);
        if (denied is not null)
        {
            return denied;
        }

        var rows = await ledger.ReadAsync(y, villageId, who!.MaySeePersonalData, req.HttpContext.RequestAborted);
        return new FileContentResult(LedgerFiles.Csv(rows), "text/csv; charset=utf-8") { FileDownloadName = $"ledger-{villageId}-{y}.csv" };
    }

    [Function("LedgerTemplate")]
    public async Task<IActionResult> Template(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/ledger/template.csv")] HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        return who.Allowed ? new FileContentResult(LedgerFiles.Template(), "text/csv; charset=utf-8") { FileDownloadName = "ledger-template.csv" } : who.Denied!;
    }

    private static ObjectResult Respond(LedgerChange change) => change.Status == 200
        ? new OkObjectResult(new { saved = change.Count })
        : new ObjectResult(new { title = change.Title, status = change.Status, errors = change.Errors ?? [] }) { StatusCode = change.Status, ContentTypes = { "application/problem+json" } };
}
