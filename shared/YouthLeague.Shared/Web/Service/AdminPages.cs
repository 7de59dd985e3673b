using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using YouthLeague.Audit;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Org;
using YouthLeague.Years;

namespace YouthLeague.Web.Service;

/// <summary>
/// The city's administration pages besides the year page: the index, the organisation (towns, villages, the org
/// sheet import with its preview), invites, the audit log and next year's definition. Thin handlers over the same
/// services as the API (docs/pages.md).
/// </summary>
public sealed class AdminPages(
    OrgService org, InviteSheet invites, AuditLog audit, YearService years, Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, TimeProvider clock)
{
    private const string Denied = "只有市级管理员可以进入管理页面";

    public async Task<IActionResult> HomeAsync(HttpRequest req)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        return await renderer.PageAsync<AdminHomePage, AdminHomeModel>(new(await support.ChromeAsync(req, who.Principal!), ChinaTime.Year(clock.GetUtcNow())));
    }

    // ---- Organisation: towns and villages one by one ----

    public async Task<IActionResult> OrgAsync(HttpRequest req, string? message = null, string? error = null, int status = 200)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var (towns, villages) = await org.ExistingAsync(req.HttpContext.RequestAborted);
        message ??= req.Query["done"].ToString() is { Length: > 0 } done ? done : null;
        return await renderer.PageAsync<OrgAdminPage, OrgAdminModel>(new(await support.ChromeAsync(req, who.Principal!), towns, villages, message, error), status);
    }

    public async Task<IActionResult> OrgActAsync(HttpRequest req, DurableTaskClient client)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var (form, refusal) = await pageAccess.ReadFormAsync(req);
        if (refusal is not null)
        {
            return refusal;
        }

        var ct = req.HttpContext.RequestAborted;
        var actor = who.Principal!;
        string Field(string name) => form![name].ToString().Trim();
        var (outcome, done) = Field(PageSupport.IntentField) switch
        {
            "add-town" => (await org.AddTownAsync(actor, Field("name"), ct), "已添加镇街"),
            "rename-town" => (await org.RenameTownAsync(actor, Field("town"), Field("name"), ct), "镇街已改名"),
            "add-village" => (await org.AddVillageAsync(actor, Field("town"), Field("name"), client, ct), "已添加村（社区）"),
            "rename-village" => (await org.RenameVillageAsync(actor, Field("village"), Field("name"), ct), "村（社区）已改名"),
            "close-village" => (await org.CloseVillageAsync(actor, Field("village"), Field("mergedInto"), ct), "已撤并，该村的历史记录保留"),
            _ => (new OrgOutcome(400, "未知的操作"), ""),
        };

        // After a change, a redirect: refreshing the page does not post it again.
        return outcome.Ok
            ? new RedirectResult("/admin/org?done=" + Uri.EscapeDataString(done))
            : await OrgAsync(req, error: outcome.Title ?? "操作失败", status: outcome.Status);
    }

    // ---- The org sheet: upload → preview → apply all or nothing ----

    public async Task<IActionResult> ImportFormAsync(HttpRequest req)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var applied = req.Query["applied"].ToString();
        return await renderer.PageAsync<OrgImportPage, OrgImportModel>(
            new(await support.ChromeAsync(req, who.Principal!), null, null, null, applied.Length > 0 ? $"已导入：{applied}" : null, null));
    }

    /// <summary>
    /// "preview" reads the uploaded sheet and shows what it would change, with every row's error; the sheet travels
    /// in the preview's form (base64, at most <see cref="OrgUpload.MaxBytes"/>), so "apply" imports exactly what was
    /// previewed, checked again whole; any error and nothing is applied.
    /// </summary>
    public async Task<IActionResult> ImportAsync(HttpRequest req, DurableTaskClient client)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var chrome = await support.ChromeAsync(req, who.Principal!);
        var ct = req.HttpContext.RequestAborted;
        MemoryStream? content;
        string kind;
        string? applyToken = null;
        if (req.HasFormContentType && req.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            // The upload: always a preview first.
            var upload = await OrgUpload.ReadAsync(req);
            if (upload.Content is null)
            {
                return await renderer.PageAsync<OrgImportPage, OrgImportModel>(new(chrome, null, null, null, null, upload.Title), upload.Status);
            }

            (content, kind) = (upload.Content, upload.Kind);
        }
        else
        {
            var (form, refusal) = await pageAccess.ReadFormAsync(req);
            if (refusal is not null)
            {
                return refusal;
            }

            (content, kind) = FromPreview(form!["sheet"].ToString(), form["kind"].ToString());
            if (content is null || form[PageSupport.IntentField].ToString() != "apply")
            {
                return await renderer.PageAsync<OrgImportPage, OrgImportModel>(new(chrome, null, null, null, null, "预览已失效，请重新选择文件"), 400);
            }

            var token = form[PageSupport.FormTokenField].ToString();
            applyToken = token.Length is > 0 and <= 64 ? "page-" + token : "";
        }

        await using (content)
        {
            var apply = applyToken is not null;
            var sheet = apply ? null : Convert.ToBase64String(content.ToArray());
            var (status, result) = await org.ImportAsync(who.Principal!, content, kind, dryRun: !apply, applyToken, client, ct);
            if (status != 200)
            {
                return await renderer.PageAsync<OrgImportPage, OrgImportModel>(
                    new(chrome, result, null, null, null, $"表格有 {result.Errors.Count} 处错误，未导入任何内容；请改正后重新上传"), status);
            }

            if (apply)
            {
                var summary = $"新增镇街 {result.Added.Towns.Count} 个、村 {result.Added.Villages.Count} 个、账户 {result.Added.Accounts.Count} 个，变更 {result.Changed.Count} 个，撤并 {result.Closed.Count} 个";
                return new RedirectResult("/admin/org/import?applied=" + Uri.EscapeDataString(summary));
            }

            return await renderer.PageAsync<OrgImportPage, OrgImportModel>(new(chrome, result, sheet, kind, null, null));
        }
    }

    private static (MemoryStream? Content, string Kind) FromPreview(string base64, string kind)
    {
        if (kind is not ("csv" or "xlsx") || base64.Length == 0 || base64.Length > (OrgUpload.MaxBytes + 2) / 3 * 4)
        {
            return (null, "");
        }

        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var n) && n > 0 ? (new MemoryStream(bytes, 0, n, writable: false), kind) : (null, "");
    }

    // ---- Invites ----

    public async Task<IActionResult> InvitesAsync(HttpRequest req, string? message = null, string? link = null, string? error = null, int status = 200)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var pending = await invites.PendingAsync(who.Principal!, null, req.HttpContext.RequestAborted);
        return await renderer.PageAsync<InvitesPage, InvitesModel>(new(await support.ChromeAsync(req, who.Principal!), pending, message, link, error), status);
    }

    public async Task<IActionResult> ReissueAsync(HttpRequest req)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var (form, refusal) = await pageAccess.ReadFormAsync(req);
        if (refusal is not null)
        {
            return refusal;
        }

        var username = form!["username"].ToString();
        var (status, title, link) = await invites.ReissueAsync(who.Principal!, username, $"{req.Scheme}://{req.Host}", req.HttpContext.RequestAborted);
        return link is null
            ? await InvitesAsync(req, error: title, status: status)
            : await InvitesAsync(req, message: $"已为 {username} 重新发放邀请链接（7 天内有效，只显示这一次）：", link: link);
    }

    // ---- Audit ----

    public async Task<IActionResult> AuditAsync(HttpRequest req)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, "只有市级管理员可以查看操作记录");
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var today = ChinaTime.Today(clock.GetUtcNow());
        var (range, error) = AuditRange.Parse(req.Query["from"].ToString(), req.Query["to"].ToString(), today);
        var shown = range ?? new AuditRange(today.AddDays(-30), today);
        var actions = range is null ? [] : await audit.ListAsync(shown.From, shown.To, req.HttpContext.RequestAborted);
        return await renderer.PageAsync<AuditPage, AuditModel>(new(await support.ChromeAsync(req, who.Principal!), shown, actions, error), range is null ? 400 : 200);
    }

    // ---- Next year's definition: start from this year's, edit, preview, publish ----

    public async Task<IActionResult> DefinitionAsync(HttpRequest req, string year)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        if (!Routes.TryYear(year, out var y))
        {
            return await pageAccess.NotFoundAsync(who, "年份无效");
        }

        var message = req.Query["done"].ToString() is { Length: > 0 } done ? done : null;
        return await DefinitionPageAsync(req, who.Principal!, y, null, [], message, 200);
    }

    public async Task<IActionResult> DefinitionActAsync(HttpRequest req, string year)
    {
        var who = await access.RequireAsync(req, p => p.IsCity, Denied);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        if (!Routes.TryYear(year, out var y))
        {
            return await pageAccess.NotFoundAsync(who, "年份无效");
        }

        var (form, refusal) = await pageAccess.ReadFormAsync(req);
        if (refusal is not null)
        {
            return refusal;
        }

        var ct = req.HttpContext.RequestAborted;
        var actor = who.Principal!.Username;
        var json = form!["definition"].ToString();
        switch (form[PageSupport.IntentField].ToString())
        {
            case "preview":
                var (definition, errors) = DefinitionJson.Read(json, y);
                return await DefinitionPageAsync(req, who.Principal!, y, json, errors, definition is null ? null : "预览如下（尚未保存）", errors.Count > 0 ? 422 : 200, definition);
            case "save":
                var (saved, _) = await years.SaveDraftAsync(actor, y, json, ct);
                return saved.Ok
                    ? new RedirectResult($"/admin/years/{y}/definition?done=" + Uri.EscapeDataString("草稿已保存"))
                    : await DefinitionPageAsync(req, who.Principal!, y, json, [saved.Title ?? "未能保存", .. saved.Errors ?? []], null, saved.Status);
            case "publish":
                var published = await years.PublishAsync(actor, y, ct);
                return published.Ok
                    ? new RedirectResult($"/admin/years/{y}/definition?done=" + Uri.EscapeDataString("已发布"))
                    : await DefinitionPageAsync(req, who.Principal!, y, null, [published.Title ?? "未能发布", .. published.Errors ?? []], null, published.Status);
            default:
                return await DefinitionPageAsync(req, who.Principal!, y, json, ["未知的操作"], null, 400);
        }
    }

    private async Task<IActionResult> DefinitionPageAsync(
        HttpRequest req, Principal who, int year, string? json, IReadOnlyList<string> errors, string? message, int status, ChecklistDefinition? preview = null)
    {
        var ct = req.HttpContext.RequestAborted;
        var shown = await years.DefinitionAsync(year, ct);
        var row = await years.FindAsync(year, ct);
        var text = json ?? (shown is null ? "" : DefinitionJson.Write(shown.Definition));
        return await renderer.PageAsync<DefinitionEditPage, DefinitionEditModel>(
            new(await support.ChromeAsync(req, who), year, text, preview ?? (json is null ? shown?.Definition : null), shown?.Source ?? "", shown?.Status ?? YearStatus.Draft, row?.OpenedAt is not null, errors, message),
            status);
    }
}
