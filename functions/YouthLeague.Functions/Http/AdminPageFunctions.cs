using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Web.Service;

namespace YouthLeague.Functions.Http;

/// <summary>The city's administration pages (Chinese, plain forms); the logic lives in shared/Web/Service.</summary>
public sealed class AdminPageFunctions(YearAdminPages years, AdminPages admin)
{
    [Function("AdminHomePage")]
    public Task<IActionResult> Home([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin")] HttpRequest req) => admin.HomeAsync(req);

    [Function("YearAdminPage")]
    public Task<IActionResult> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/years/{year}")] HttpRequest req, [DurableClient] DurableTaskClient client, string year) =>
        years.ShowAsync(req, year, client);

    [Function("YearAdminSubmit")]
    public Task<IActionResult> Act(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/years/{year}")] HttpRequest req, [DurableClient] DurableTaskClient client, string year) =>
        years.ActAsync(req, year, client);

    [Function("OrgAdminPage")]
    public Task<IActionResult> Org([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/org")] HttpRequest req) => admin.OrgAsync(req);

    [Function("OrgAdminSubmit")]
    public Task<IActionResult> OrgAct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/org")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        admin.OrgActAsync(req, client);

    [Function("OrgImportPage")]
    public Task<IActionResult> ImportForm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/org/import")] HttpRequest req) => admin.ImportFormAsync(req);

    [Function("OrgImportSubmit")]
    public Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/org/import")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        admin.ImportAsync(req, client);

    [Function("InvitesPage")]
    public Task<IActionResult> Invites([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/invites")] HttpRequest req) => admin.InvitesAsync(req);

    [Function("InvitesReissue")]
    public Task<IActionResult> Reissue([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/invites")] HttpRequest req) => admin.ReissueAsync(req);

    [Function("AuditPage")]
    public Task<IActionResult> Audit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/audit")] HttpRequest req) => admin.AuditAsync(req);

    [Function("DefinitionPage")]
    public Task<IActionResult> Definition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/years/{year}/definition")] HttpRequest req, string year) =>
        admin.DefinitionAsync(req, year);

    [Function("DefinitionSubmit")]
    public Task<IActionResult> DefinitionAct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/years/{year}/definition")] HttpRequest req, string year) =>
        admin.DefinitionActAsync(req, year);
}
