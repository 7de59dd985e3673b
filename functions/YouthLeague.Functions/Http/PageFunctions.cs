using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>People's pages (HTML). The logic is in shared/Web.</summary>
public sealed class PageFunctions(ChecklistPages checklists, DashboardPages dashboards, ReviewPages reviews)
{
    [Function("VillagePage")]
    public Task<IActionResult> Village(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "villages/{villageId}")] HttpRequest req, string villageId) => checklists.VillageAsync(req, villageId);

    [Function("StepFormPage")]
    public Task<IActionResult> StepForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "villages/{villageId}/steps/{step}")] HttpRequest req, string villageId, string step) =>
        checklists.StepFormAsync(req, villageId, step);

    [Function("StepFormSubmit")]
    public Task<IActionResult> StepFormSubmit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "villages/{villageId}/steps/{step}")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string villageId,
        string step) => checklists.SubmitFormAsync(req, villageId, step, client);

    [Function("TownPage")]
    public Task<IActionResult> Town(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "towns/{townId}")] HttpRequest req, string townId) => dashboards.TownAsync(req, townId);

    [Function("CityPage")]
    public Task<IActionResult> City(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "city")] HttpRequest req) => dashboards.CityAsync(req);

    [Function("ReviewQueuePage")]
    public Task<IActionResult> ReviewQueue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "towns/{townId}/reviews")] HttpRequest req, string townId) =>
        reviews.QueueAsync(req, townId, req.Query["approved"].ToString() is { Length: > 0 } n ? $"已批量通过 {n} 项" : null);

    [Function("ReviewQueueApprove")]
    public Task<IActionResult> ReviewQueueApprove(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "towns/{townId}/reviews")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string townId) => reviews.ApproveSelectedAsync(req, townId, client);

    [Function("ReviewPage")]
    public Task<IActionResult> Review(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "villages/{villageId}/steps/{step}/review")] HttpRequest req, string villageId, string step) =>
        reviews.ReviewFormAsync(req, villageId, step);

    [Function("ReviewSubmit")]
    public Task<IActionResult> ReviewSubmit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "villages/{villageId}/steps/{step}/review")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string villageId,
        string step) => reviews.ReviewAsync(req, villageId, step, client);
}

/// <summary>The register as pages (list, one person's form, import, a person's consent photo). The logic is in shared/Web/LedgerPages.</summary>
public sealed class LedgerPageFunctions(LedgerPages ledger)
{
    [Function("LedgerPage")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "villages/{villageId}/ledger")] HttpRequest req, string villageId) => ledger.ListAsync(req, villageId);

    [Function("LedgerRowPage")]
    public Task<IActionResult> RowForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "villages/{villageId}/ledger/row")] HttpRequest req, string villageId) => ledger.RowFormAsync(req, villageId);

    [Function("LedgerRowSubmit")]
    public Task<IActionResult> RowSubmit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "villages/{villageId}/ledger/row")] HttpRequest req, string villageId) => ledger.RowSubmitAsync(req, villageId);

    [Function("LedgerImportPage")]
    public Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "villages/{villageId}/ledger/import")] HttpRequest req, string villageId) => ledger.ImportAsync(req, villageId);

    [Function("LedgerConsentPhotoUpload")]
    public Task<IActionResult> ConsentPhotoUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "villages/{villageId}/ledger/consent-photo")] HttpRequest req, string villageId) => ledger.ConsentPhotoUploadAsync(req, villageId);

    [Function("LedgerConsentPhoto")]
    public Task<IActionResult> ConsentPhoto(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "villages/{villageId}/ledger/consent-photo")] HttpRequest req, string villageId) => ledger.ConsentPhotoAsync(req, villageId);
}

/// <summary>The stylesheet, the upload script and the icon (embedded in shared/Web/Static), for every page of both hosts.</summary>
public sealed class StaticFileFunctions
{
    [Function("StaticFile")]
    public static IActionResult File(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "static/{file}")] HttpRequest req, string file)
    {
        var (asset, current) = StaticAssets.Find(file);
        if (asset is null)
        {
            return new NotFoundResult();
        }

        // Only the current hash is cached for long; an old one (a page from before a deployment) gets today's file, revalidated.
        req.HttpContext.Response.Headers.CacheControl = current ? StaticAssets.LongLivedCaching : "no-cache";
        return new FileContentResult(asset.Content, asset.ContentType);
    }

    /// <summary>Browsers ask for /favicon.ico where a page names no icon (a JSON answer opened in a tab, for one).</summary>
    [Function("Favicon")]
    public static IActionResult Favicon(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "favicon.ico")] HttpRequest req) => new RedirectResult(StaticAssets.Icon.Url, permanent: false);
}
