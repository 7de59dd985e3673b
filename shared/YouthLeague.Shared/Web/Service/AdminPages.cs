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
    OrgService org, InviteSheet invites, AuditLog audit, YearService years, PageAccess pageAccess, PageSupport support, PageRenderer renderer, TimeProvider clock)
{
    private const string Denied = "只有市级管理员可以进入管理页面";

    public async Task<IActionResult> HomeAsync(HttpRequest req)
    {
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, Denied);
        if (page is null)
        {
            return refusal!;
        }

        return await renderer.PageAsync<AdminHomePage, AdminHomeModel>(new(await support.ChromeAsync(req, page.Principal), ChinaTime.Year(clock.GetUtcNow())));
    }

    // ---- Organisation: towns and villages one by one ----

    public async Task<IActionResult> OrgAsync(HttpRequest req, string? message = null, string? error = null, int status = 200)
    {
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, Denied);
        if (page is null)
        {
            return refusal!;
        }

        var (towns, villages) = await org.ExistingAsync(req.HttpContext.RequestAborted);
        message ??= req.Query["done"].ToString() is { Length: > 0 } done ? done : null;
        return await renderer.PageAsync<OrgAdminPage, OrgAdminModel>(new(await support.ChromeAsync(req, page.Principal), towns, villages, message, error), status);
    }

    public async Task<IActionResult> OrgActAsync(HttpRequest req, DurableTaskClient client)
    {
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, Denied, readForm: true);
        if (page is null)
        {
            return refusal!;
        }

        var form = page.Form;

        var ct = req.HttpContext.RequestAborted;
        var actor = page.Principal;
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
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, Denied);
        if (page is null)
        {
            return refusal!;
        }

        var applied = req.Query["applied"].ToString();
        return await renderer.PageAsync<OrgImportPage, OrgImportModel>(
            new(await support.ChromeAsync(req, page.Principal), null, null, null, applied.Length > 0 ? $"已导入：{applied}" : null, null));
    }

    /// <summary>
    /// "preview" reads the uploaded sheet and shows what it would change, with every row's error; the sheet travels
    /// in the preview's form (base64, at most <see cref="OrgUpload.MaxBytes"/>), so "apply" imports exactly what was
    /// previewed, checked again whole; any error and nothing is applied.
    /// </summary>
    public async Task<IActionResult> ImportAsync(HttpRequest req, DurableTaskClient client)
    {
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, Denied);
        if (page is null)
        {
            return refusal!;
        }

        var chrome = await support.ChromeAsync(req, page.Principal);
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
            var (form, unreadable) = await pageAccess.ReadFormAsync(req);
            if (unreadable is not null)
            {
                return unreadable;
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
            var (status, result) = await org.ImportAsync(page.Principal, content, kind, dryRun: !apply, applyToken, client, ct);
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
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, Denied);
        if (page is null)
        {
            return refusal!;
        }

        var pending = await invites.PendingAsync(page.Principal, null, req.HttpContext.RequestAborted);
        return await renderer.PageAsync<InvitesPage, InvitesModel>(new(await support.ChromeAsync(req, page.Principal), pending, message, link, error), status);
    }

    public async Task<IActionResult> ReissueAsync(HttpRequest req)
    {
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, Denied, readForm: true);
        if (page is null)
        {
            return refusal!;
        }

        var form = page.Form;

        var username = form!["username"].ToString();
        var (status, title, link) = await invites.ReissueAsync(page.Principal, username, $"{req.Scheme}://{req.Host}", req.HttpContext.RequestAborted);
        return link is null
            ? await InvitesAsync(req, error: title, status: status)
            : await InvitesAsync(req, message: $"已为 {username} 重新发放邀请链接（7 天内有效，只显示这一次）：", link: link);
    }

    // ---- Audit ----

    public async Task<IActionResult> AuditAsync(HttpRequest req)
    {
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, "只有市级管理员可以查看操作记录");
        if (page is null)
        {
            return refusal!;
        }

        var today = ChinaTime.Today(clock.GetUtcNow());
        var (range, error) = AuditRange.Parse(req.Query["from"].ToString(), req.Query["to"].ToString(), today);
        var shown = range ?? new AuditRange(today.AddDays(-30), today);
        var actions = range is null ? [] : await audit.ListAsync(shown.From, shown.To, req.HttpContext.RequestAborted);
        return await renderer.PageAsync<AuditPage, AuditModel>(new(await support.ChromeAsync(req, page.Principal), shown, actions, error), range is null ? 400 : 200);
    }

    // ---- Next year's definition: start from this year's, edit, preview, publish ----

    public async Task<IActionResult> DefinitionAsync(HttpRequest req, string year)
    {
        var (page, refusal) = await pageAccess.RequireAsync(req, p => p.IsCity, Denied, year);
        if (page is null)
        {
            return refusal!;
        }

        var y = page.Year;

        var message = req.Query["done"].ToString() is { Length: > 0 } done ? done : null;
        return await DefinitionPageAsync(req, page.Principal, y, null, [], message, 200);
    }

    public Task<IActionResult> DefinitionActAsync(HttpRequest req, string year) =>
        pageAccess.HandleAsync(req, p => p.IsCity, Denied, page => DefinitionActAsync(req, page), year, readForm: true);

    private async Task<IActionResult> DefinitionActAsync(HttpRequest req, PageRequest page)
    {
        var (y, form) = (page.Year, page.Form);
        var ct = req.HttpContext.RequestAborted;
        var actor = page.Principal.Username;
        var intent = form![PageSupport.IntentField].ToString();
        if (form.ContainsKey("base"))
        {
            return await DefinitionFormAsync(req, page.Principal, y, form, intent);
        }

        var json = form["definition"].ToString();
        switch (intent)
        {
            case "preview":
                var (definition, errors) = DefinitionJson.Read(json, y);
                return await DefinitionPageAsync(req, page.Principal, y, json, errors, definition is null ? null : "预览如下（尚未保存）", errors.Count > 0 ? 422 : 200, definition);
            case "save":
                var (saved, _) = await years.SaveDraftAsync(actor, y, json, ct);
                return saved.Ok
                    ? new RedirectResult($"/admin/years/{y}/definition?done=" + Uri.EscapeDataString("草稿已保存"))
                    : await DefinitionPageAsync(req, page.Principal, y, json, [saved.Title ?? "未能保存", .. saved.Errors ?? []], null, saved.Status);
            case "publish":
                var published = await years.PublishAsync(actor, y, ct);
                return published.Ok
                    ? new RedirectResult($"/admin/years/{y}/definition?done=" + Uri.EscapeDataString("已发布"))
                    : await DefinitionPageAsync(req, page.Principal, y, null, [published.Title ?? "未能发布", .. published.Errors ?? []], null, published.Status);
            default:
                return await DefinitionPageAsync(req, page.Principal, y, json, ["未知的操作"], null, 400);
        }
    }

    /// <summary>
    /// The definition's form posted: laid over the JSON it was drawn from; a button that adds, removes or moves a step or
    /// field shows the form again (nothing saved); preview and save check it whole, with the form's own messages first.
    /// </summary>
    private async Task<IActionResult> DefinitionFormAsync(HttpRequest req, Principal who, int year, IFormCollection form, string intent)
    {
        var (root, errors) = DefinitionForm.Apply(form);
        if (root is null)
        {
            return await DefinitionPageAsync(req, who, year, null, errors, null, 400);
        }

        if (DefinitionForm.Restructure(root, intent, year))
        {
            return await DefinitionPageAsync(req, who, year, DefinitionJson.Normalize(root), [], "已调整，尚未保存", 200);
        }

        var json = DefinitionJson.Normalize(root);
        if (errors.Count > 0 || intent is not ("form-preview" or "form-save"))
        {
            return await DefinitionPageAsync(req, who, year, json, errors.Count > 0 ? errors : ["未知的操作"], null, errors.Count > 0 ? 422 : 400);
        }

        if (intent == "form-preview")
        {
            var (definition, problems) = DefinitionJson.Read(json, year);
            return await DefinitionPageAsync(req, who, year, json, problems, definition is null ? null : "预览如下（尚未保存）", problems.Count > 0 ? 422 : 200, definition);
        }

        var (saved, _) = await years.SaveDraftAsync(who.Username, year, json, req.HttpContext.RequestAborted);
        return saved.Ok
            ? new RedirectResult($"/admin/years/{year}/definition?done=" + Uri.EscapeDataString("草稿已保存"))
            : await DefinitionPageAsync(req, who, year, json, [saved.Title ?? "未能保存", .. saved.Errors ?? []], null, saved.Status);
    }

    private async Task<IActionResult> DefinitionPageAsync(
        HttpRequest req, Principal who, int year, string? json, IReadOnlyList<string> errors, string? message, int status, ChecklistDefinition? preview = null)
    {
        var ct = req.HttpContext.RequestAborted;
        var shown = await years.DefinitionAsync(year, ct);
        var row = await years.FindAsync(year, ct);
        var stored = row is { DefinitionJson.Length: > 0 } ? row.DefinitionJson : shown is null ? "" : DefinitionJson.Write(shown.Definition);
        var text = json ?? stored;

        // The form shows what was posted when it is a JSON object (a draft with mistakes comes back as typed), else what is stored.
        var formRoot = DefinitionJson.TryParseObject(text) ?? DefinitionJson.TryParseObject(stored);
        return await renderer.PageAsync<DefinitionEditPage, DefinitionEditModel>(
            new(await support.ChromeAsync(req, who), year, text, preview ?? (json is null ? shown?.Definition : null), shown?.Source ?? "", shown?.Status ?? YearStatus.Draft, row?.OpenedAt is not null, errors, message,
                formRoot is null ? null : DefinitionForm.View(formRoot)),
            status);
    }
}
