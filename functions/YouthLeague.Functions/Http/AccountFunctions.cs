using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Auth;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>Account management: city staff manage town reviewers, town reviewers manage their villages' secretaries.</summary>
public sealed class AccountFunctions(AccountService accounts, Access access)
{
    public sealed record CreateBody(string? Username, string? Role, string? Scope, string? DisplayName);

    public sealed record SecretaryBody(string? Username, string? DisplayName, string? DispatchingUnit = null);

    public sealed record GrantBody(bool? Granted);

    [Function("CreateAccount")]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/accounts")] HttpRequest req)
    {
        var who = await access.RequireAsync(req, p => p.Role is Roles.City or Roles.Town);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var body = await JsonBodies.ReadAsync<CreateBody>(req);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var b = body.Value!;
        return Respond(req, await accounts.CreateAsync(who.Principal!, b.Username ?? "", b.Role ?? "", b.Scope ?? "", b.DisplayName ?? "", req.HttpContext.RequestAborted));
    }

    [Function("ResetAccount")]
    public async Task<IActionResult> Reset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/accounts/{username}/reset")] HttpRequest req, string username)
    {
        var who = await access.RequireAsync(req, p => p.Role is Roles.City or Roles.Town);
        return who.Allowed ? Respond(req, await accounts.ResetAsync(who.Principal!, username, req.HttpContext.RequestAborted)) : who.Denied!;
    }

    [Function("DisableAccount")]
    public async Task<IActionResult> Disable(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/accounts/{username}/disable")] HttpRequest req, string username)
    {
        var who = await access.RequireAsync(req, p => p.Role is Roles.City or Roles.Town);
        return who.Allowed ? Respond(req, await accounts.DisableAsync(who.Principal!, username, req.HttpContext.RequestAborted)) : who.Denied!;
    }

    /// <summary>The city lets a dispatch office (下派办) review its scope's steps, or takes that back.</summary>
    [Function("GrantOfficeReview")]
    public async Task<IActionResult> GrantReview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/accounts/{username}/review-grant")] HttpRequest req, string username)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, "只有市级管理员可以授予审核权限");
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var body = await JsonBodies.ReadAsync<GrantBody>(req);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (body.Value!.Granted is not { } granted)
        {
            return Problems.Create(422, "请说明是否授予审核权限", new Dictionary<string, string[]> { ["granted"] = ["granted 应为 true 或 false"] });
        }

        return Respond(req, await accounts.GrantReviewAsync(who.Principal!, username, granted, req.HttpContext.RequestAborted));
    }

    [Function("ReassignSecretary")]
    public async Task<IActionResult> Reassign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/villages/{villageId}/secretary")] HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Review);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var body = await JsonBodies.ReadAsync<SecretaryBody>(req);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        // A rotation names the successor's unit or leaves it empty: the predecessor's unit is never carried over to the successor
        // (docs/committees.md). The org import keeps its own path (it sets the unit from the sheet).
        return Respond(req, await accounts.ReassignSecretaryAsync(who.Principal!, villageId, body.Value!.Username ?? "", body.Value.DisplayName ?? "", body.Value.DispatchingUnit ?? "", req.HttpContext.RequestAborted));
    }

    private static ObjectResult Respond(HttpRequest req, AccountChange change)
    {
        if (!change.Ok)
        {
            return Problems.Create(change.Status, change.Title ?? "操作失败", change.Errors);
        }

        var invite = change.InviteToken is null ? null : PublicOrigin.Url(req, "/invite/" + change.InviteToken);
        return new ObjectResult(new { inviteUrl = invite }) { StatusCode = change.Status };
    }
}
