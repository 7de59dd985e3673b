using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Web;
using YouthLeague.Years;

namespace YouthLeague.Functions.Http;

/// <summary>A year's checklist definition, its opening, and its stuck checklists (city administrators).</summary>
public sealed class YearFunctions(YearService years, StuckChecklists stuck, ClosingDates closingDates, ChecklistDefinitions definitions, Access access)
{
    [Function("GetYearDefinition")]
    public async Task<IActionResult> GetDefinition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/years/{year}/definition")] HttpRequest req, string year)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        if (!Routes.TryYear(year, out var y))
        {
            return Problems.NotFound("年份无效");
        }

        var shown = await years.DefinitionAsync(y, req.HttpContext.RequestAborted);
        if (shown is null)
        {
            return Problems.NotFound($"{y} 年度还没有清单定义");
        }

        req.HttpContext.Response.Headers["X-YL-Definition-Source"] = shown.Source;
        req.HttpContext.Response.Headers["X-YL-Year-Status"] = shown.Status;
        return new ContentResult { Content = DefinitionJson.Write(shown.Definition), ContentType = "application/json; charset=utf-8", StatusCode = 200 };
    }

    [Function("PutYearDefinition")]
    public async Task<IActionResult> PutDefinition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/years/{year}/definition")] HttpRequest req, string year)
    {
        var (y, who, denied) = await CityAsync(req, year);
        if (denied is not null)
        {
            return denied;
        }

        var json = await ReadTextAsync(req, DefinitionJson.MaxChars);
        if (json is null)
        {
            return Problems.Create(413, "清单定义过长");
        }

        var (outcome, definition) = await years.SaveDraftAsync(who!.Username, y, json, req.HttpContext.RequestAborted);
        return outcome.Ok
            ? new ContentResult { Content = DefinitionJson.Write(definition!), ContentType = "application/json; charset=utf-8", StatusCode = 200 }
            : Fail(outcome);
    }

    [Function("PublishYearDefinition")]
    public async Task<IActionResult> Publish(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/years/{year}/definition/publish")] HttpRequest req, string year)
    {
        var (y, who, denied) = await CityAsync(req, year);
        if (denied is not null)
        {
            return denied;
        }

        var outcome = await years.PublishAsync(who!.Username, y, req.HttpContext.RequestAborted);
        return outcome.Ok ? new OkObjectResult(await years.ViewAsync(y, cancellationToken: req.HttpContext.RequestAborted)) : Fail(outcome);
    }

    [Function("OpenYear")]
    public async Task<IActionResult> Open(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/years/{year}/open")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string year)
    {
        var (y, who, closesOn, denied) = await CityWithClosesOnAsync(req, year);
        if (denied is not null)
        {
            return denied;
        }

        var (outcome, result) = await years.OpenAsync(who!.Username, y, client, closesOn, req.HttpContext.RequestAborted);
        return outcome.Ok ? new ObjectResult(result) { StatusCode = 202 } : Fail(outcome);
    }

    /// <summary>Moves the year's closing date after the opening (until the year is closed): body {"closesOn":"yyyy-MM-dd"}.</summary>
    [Function("ChangeClosingDate")]
    public async Task<IActionResult> ChangeClosingDate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/years/{year}/closes-on")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string year)
    {
        var (y, who, closesOn, denied) = await CityWithClosesOnAsync(req, year);
        if (denied is not null || closesOn is null)
        {
            return denied ?? Problems.Create(400, "请求内容无效：需要 closesOn（yyyy-MM-dd）");
        }

        var (outcome, run) = await closingDates.ChangeAsync(who!.Username, y, closesOn.Value, client, req.HttpContext.RequestAborted);
        return outcome.Ok
            ? new ObjectResult(new { closesOn = closesOn.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), revision = run?.Revision, changed = run is not null }) { StatusCode = outcome.Status }
            : Fail(outcome);
    }

    [Function("GetYear")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/years/{year}")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string year)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        if (!Routes.TryYear(year, out var y))
        {
            return Problems.NotFound("年份无效");
        }

        return new OkObjectResult(await years.ViewAsync(y, client, req.HttpContext.RequestAborted));
    }

    [Function("ListStuckChecklists")]
    public async Task<IActionResult> Stuck(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/years/{year}/stuck")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string year)
    {
        var (y, _, denied) = await CityAsync(req, year);
        return denied ?? new OkObjectResult(await stuck.ListAsync(y, client, req.HttpContext.RequestAborted));
    }

    [Function("RestartStuckChecklist")]
    public async Task<IActionResult> Restart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/years/{year}/stuck/{villageId}/restart")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string year,
        string villageId)
    {
        var (y, who, denied) = await CityAsync(req, year);
        if (denied is not null)
        {
            return denied;
        }

        if (!Routes.IsId(villageId) || definitions.Find(y) is not { } definition)
        {
            return Problems.NotFound("找不到该村这一年度的清单");
        }

        var (status, title) = await stuck.RestartAsync(who!.Username, y, villageId, client, definition.Steps.Select(s => s.Key).ToList(), req.HttpContext.RequestAborted);
        return status == 202 ? new ObjectResult(new { villageId, restarted = true }) { StatusCode = 202 } : Problems.Create(status, title!);
    }

    private async Task<(int Year, Principal? Who, IActionResult? Denied)> CityAsync(HttpRequest req, string year)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, "只有市级管理员可以进行此操作");
        if (!who.Allowed)
        {
            return (0, null, who.Denied);
        }

        return Routes.TryYear(year, out var y) ? (y, who.Principal, null) : (0, null, Problems.NotFound("年份无效"));
    }

    private static ObjectResult Fail(YearOutcome outcome) =>
        Problems.Create(outcome.Status, outcome.Title ?? "操作失败", outcome.Errors is { Count: > 0 } e ? new Dictionary<string, string[]> { ["definition"] = [.. e] } : null);

    /// <summary>A city request with the optional {"closesOn":"yyyy-MM-dd"} of its JSON body, or the refusal.</summary>
    private async Task<(int Year, Principal? Who, DateOnly? ClosesOn, IActionResult? Denied)> CityWithClosesOnAsync(HttpRequest req, string year)
    {
        var (y, who, denied) = await CityAsync(req, year);
        var (closesOn, bad) = denied is null ? await ClosesOnAsync(req) : (null, null);
        return (y, who, closesOn, denied ?? bad);
    }

    /// <summary>The optional {"closesOn":"yyyy-MM-dd"} of a JSON body, or the 400 saying what is wrong with it.</summary>
    private static async Task<(DateOnly? ClosesOn, IActionResult? Bad)> ClosesOnAsync(HttpRequest req)
    {
        var body = await ReadTextAsync(req, 1000);
        if (body is null)
        {
            return (null, Problems.Create(413, "请求内容过长"));
        }

        if (body.Length == 0 || req.HasFormContentType)
        {
            return (null, null);
        }

        try
        {
            return JsonDocument.Parse(body).RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("closesOn", out var c) && c.ValueKind == JsonValueKind.String
                ? (DateOnly.ParseExact(c.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture), null)
                : (null, null);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return (null, Problems.Create(400, "请求内容无效：closesOn 应为 yyyy-MM-dd 格式的日期"));
        }
    }

    /// <summary>The body as text, or null when it is longer than <paramref name="maxChars"/>.</summary>
    private static async Task<string?> ReadTextAsync(HttpRequest req, int maxChars)
    {
        using var reader = new StreamReader(req.Body, System.Text.Encoding.UTF8);
        var buffer = new char[maxChars + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await reader.ReadAsync(buffer.AsMemory(read), req.HttpContext.RequestAborted)) > 0)
        {
            read += n;
        }

        return read > maxChars ? null : new string(buffer, 0, read);
    }
}
