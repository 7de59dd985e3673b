using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Years;

namespace YouthLeague.Web.Service;

/// <summary>The city's year page: thin handlers over YearService and StuckChecklists.</summary>
public sealed class YearAdminPages(YearService years, StuckChecklists stuck, ClosingDates closingDates, ChecklistDefinitions definitions, PageAccess pageAccess, PageSupport support, PageRenderer renderer)
{
    private const string Denied = "只有市级管理员可以进入管理页面";

    public Task<IActionResult> ShowAsync(HttpRequest req, string year, DurableTaskClient client, string? message = null, string? error = null, int status = 200) =>
        pageAccess.HandleAsync(req, p => p.IsCity, Denied, page => ShowAsync(req, page, client, message, error, status), year);

    private async Task<IActionResult> ShowAsync(HttpRequest req, PageRequest page, DurableTaskClient client, string? message, string? error, int status)
    {
        var y = page.Year;

        var ct = req.HttpContext.RequestAborted;
        var shown = await years.DefinitionAsync(y, ct);
        var view = await years.ViewAsync(y, client, ct);
        var stuckList = view.OpenedAt is null ? [] : await stuck.ListAsync(y, client, ct);
        var change = view.OpenedAt is null ? null : await closingDates.LastChangeAsync(y, client, ct);
        return await renderer.PageAsync<YearAdminPage, YearAdminModel>(
            new(await support.ChromeAsync(req, page.Principal), view, shown?.Definition, shown?.Source ?? "", stuckList, message, error, change), status);
    }

    public Task<IActionResult> ActAsync(HttpRequest req, string year, DurableTaskClient client) =>
        pageAccess.HandleAsync(req, p => p.IsCity, Denied, page => ActAsync(req, year, page, client), year, readForm: true);

    private async Task<IActionResult> ActAsync(HttpRequest req, string year, PageRequest page, DurableTaskClient client)
    {
        var (y, form) = (page.Year, page.Form);
        var ct = req.HttpContext.RequestAborted;
        var actor = page.Principal.Username;
        switch (form!["intent"].ToString())
        {
            case "publish":
                var published = await years.PublishAsync(actor, y, ct);
                return published.Ok
                    ? await ShowAsync(req, year, client, "已发布")
                    : await ShowAsync(req, year, client, error: string.Join("；", [published.Title, .. published.Errors ?? []]), status: published.Status);
            case "open":
                DateOnly? closesOn = DateOnly.TryParseExact(form["closesOn"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var c) ? c : null;
                var (outcome, result) = await years.OpenAsync(actor, y, client, closesOn, ct);
                return outcome.Ok
                    ? await ShowAsync(req, year, client, $"已开始为 {result!.Started} 个村开启清单（{result.AlreadyRunning} 个已在进行）")
                    : await ShowAsync(req, year, client, error: string.Join("；", [outcome.Title, .. outcome.Errors ?? []]), status: outcome.Status);
            case "closes-on":
                if (!DateOnly.TryParseExact(form["closesOn"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var newDate))
                {
                    return await ShowAsync(req, year, client, error: "请选择新的收尾截止日期", status: 400);
                }

                var (changed, run) = await closingDates.ChangeAsync(actor, y, newDate, client, ct);
                return !changed.Ok
                    ? await ShowAsync(req, year, client, error: string.Join("；", [changed.Title, .. changed.Errors ?? []]), status: changed.Status)
                    : await ShowAsync(req, year, client, run is null ? "收尾截止日期没有变化" : $"收尾截止日期已改为 {newDate:yyyy-MM-dd}，正在通知各村的清单");
            case "restart":
                var village = form["village"].ToString();
                if (!Routes.IsId(village) || definitions.Find(y) is not { } definition)
                {
                    return await ShowAsync(req, year, client, error: "找不到该村", status: 404);
                }

                var (status, title) = await stuck.RestartAsync(actor, y, village, client, definition.Steps.Select(s => s.Key).ToList(), ct);
                return status == 202 ? await ShowAsync(req, year, client, $"{village} 已重启") : await ShowAsync(req, year, client, error: title, status: status);
            default:
                return await ShowAsync(req, year, client, error: "未知的操作", status: 400);
        }
    }
}
