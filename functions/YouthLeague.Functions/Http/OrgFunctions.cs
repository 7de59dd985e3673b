using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Auth;
using YouthLeague.Committees;
using YouthLeague.Org;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>The city's organisation: the org sheet import, towns and villages one by one, invite links.</summary>
public sealed class OrgFunctions(OrgService org, InviteSheet invites, Access access)
{
    public sealed record NameBody(string? Name, string? TownId);

    public sealed record CloseBody(string? MergedInto);

    [Function("ImportOrg")]
    public async Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/org/import")] HttpRequest req,
        [DurableClient] DurableTaskClient client)
    {
        var who = await City(req);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var upload = await OrgUpload.ReadAsync(req);
        if (upload.Content is null)
        {
            return Problems.Create(upload.Status, upload.Title!);
        }

        await using var content = upload.Content;
        var dryRun = string.Equals(req.Query["dryRun"], "true", StringComparison.OrdinalIgnoreCase);
        var (status, result) = await org.ImportAsync(who.Principal!, content, upload.Kind, dryRun, req.Headers["Idempotency-Key"].ToString(), client, req.HttpContext.RequestAborted);
        if (status == 422)
        {
            // A problem document that also carries the whole preview, so a client shows every row's error at once.
            return new ObjectResult(new
            {
                type = "about:blank",
                title = $"表格有 {result.Errors.Count} 处错误，未导入任何内容",
                status = 422,
                result.Added,
                result.Changed,
                result.Closed,
                result.Unchanged,
                result.Errors,
            })
            { StatusCode = 422, ContentTypes = { "application/problem+json" } };
        }

        return new OkObjectResult(result);
    }

    [Function("ExportInvites")]
    public async Task<IActionResult> ExportInvites(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/org/invites.xlsx")] HttpRequest req)
    {
        var who = await access.RequireAsync(req, p => p.Role is Roles.City or Roles.Town);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var town = req.Query["town"].ToString();
        if (who.Principal!.Role == Roles.Town && town.Length > 0 && town != who.Principal.TownId)
        {
            return Problems.Create(403, "只能导出本镇街的邀请链接");
        }

        var lines = await invites.IssueAsync(who.Principal, who.Principal.Role == Roles.Town ? who.Principal.TownId : town, BaseUrl(req), req.HttpContext.RequestAborted);
        return new FileContentResult(InviteSheet.Sheet(lines).ToXlsx(), Sheet.XlsxType) { FileDownloadName = "invites.xlsx" };
    }

    [Function("ReissueInvite")]
    public async Task<IActionResult> Reissue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/org/invites/{username}")] HttpRequest req, string username)
    {
        var who = await access.RequireAsync(req, p => p.Role is Roles.City or Roles.Town);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var (status, title, link) = await invites.ReissueAsync(who.Principal!, username, BaseUrl(req), req.HttpContext.RequestAborted);
        return link is null ? Problems.Create(status, title!) : new OkObjectResult(new { username, inviteUrl = link });
    }

    [Function("AddTown")]
    public async Task<IActionResult> AddTown(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/org/towns")] HttpRequest req)
    {
        var (who, body, denied) = await CityBodyAsync<NameBody>(req);
        return denied ?? Respond(await org.AddTownAsync(who!, body!.Name, req.HttpContext.RequestAborted));
    }

    [Function("RenameTown")]
    public async Task<IActionResult> RenameTown(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/org/towns/{townId}")] HttpRequest req, string townId)
    {
        var (who, body, denied) = await CityBodyAsync<NameBody>(req);
        return denied ?? Respond(await org.RenameTownAsync(who!, townId, body!.Name, req.HttpContext.RequestAborted));
    }

    [Function("AddVillage")]
    public async Task<IActionResult> AddVillage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/org/villages")] HttpRequest req,
        [DurableClient] DurableTaskClient client)
    {
        var (who, body, denied) = await CityBodyAsync<NameBody>(req);
        return denied ?? Respond(await org.AddVillageAsync(who!, body!.TownId, body.Name, client, req.HttpContext.RequestAborted));
    }

    [Function("RenameVillage")]
    public async Task<IActionResult> RenameVillage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/org/villages/{villageId}")] HttpRequest req, string villageId)
    {
        var (who, body, denied) = await CityBodyAsync<NameBody>(req);
        return denied ?? Respond(await org.RenameVillageAsync(who!, villageId, body!.Name, req.HttpContext.RequestAborted));
    }

    [Function("CloseVillage")]
    public async Task<IActionResult> CloseVillage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/org/villages/{villageId}/close")] HttpRequest req, string villageId)
    {
        var (who, body, denied) = await CityBodyAsync<CloseBody>(req, allowEmpty: true);
        return denied ?? Respond(await org.CloseVillageAsync(who!, villageId, body?.MergedInto, req.HttpContext.RequestAborted));
    }

    private Task<AccessResult> City(HttpRequest req) => access.RequireAsync(req, p => p.IsCity, "只有市级管理员可以管理组织架构");

    private async Task<(Principal? Who, T? Body, IActionResult? Denied)> CityBodyAsync<T>(HttpRequest req, bool allowEmpty = false)
        where T : class
    {
        var who = await City(req);
        if (!who.Allowed)
        {
            return (null, null, who.Denied);
        }

        if (allowEmpty && req.ContentLength is null or 0)
        {
            return (who.Principal, null, null);
        }

        var body = await JsonBodies.ReadAsync<T>(req);
        return body.Problem is not null ? (null, null, body.Problem) : (who.Principal, body.Value, null);
    }

    private static IActionResult Respond(OrgOutcome outcome) =>
        outcome.Ok ? new ObjectResult(outcome.Body) { StatusCode = outcome.Status } : Problems.Create(outcome.Status, outcome.Title ?? "操作失败");

    private static string BaseUrl(HttpRequest req) => $"{req.Scheme}://{req.Host}";
}
