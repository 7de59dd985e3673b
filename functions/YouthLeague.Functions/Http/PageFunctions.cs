using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>People's pages (HTML). The logic is in shared/Web.</summary>
public sealed class PageFunctions(ChecklistPages checklists, DashboardPages dashboards)
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
}
