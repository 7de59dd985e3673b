using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Announcements;
using YouthLeague.Auth;
using YouthLeague.Towns;
using YouthLeague.Web.Pages;

namespace YouthLeague.Web;

/// <summary>
/// 通知公告 as pages: the sender's page (form and what the office sent), one announcement (opening it marks the
/// recipient's copy read; the sender's office sees who has read it), its PDF. The logic is in Announcements/.
/// </summary>
public sealed class AnnouncementPages(Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, AnnouncementService announcements, DirectoryService directory)
{
    private static bool Sends(Principal p) => p.IsCity || p.Role == Roles.Town;

    public async Task<IActionResult> ListAsync(HttpRequest req)
    {
        var who = await access.RequireAsync(req, Sends, "只有市级和镇街可以发布通知公告");
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        return await RenderListAsync(req, who.Principal!, req.Query["sent"] == "1" ? "已发布" : null, null, 200);
    }

    public async Task<IActionResult> SendAsync(HttpRequest req)
    {
        var who = await access.RequireAsync(req, Sends, "只有市级和镇街可以发布通知公告");
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var (form, unreadable) = await pageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var file = form.Files.GetFile("pdf");
        if (file is { Length: > AnnouncementService.MaxPdfBytes })
        {
            return await RenderListAsync(req, who.Principal!, null, $"附件不能超过 {AnnouncementService.MaxPdfBytes / 1024 / 1024} MB", 413, form);
        }

        await using var pdf = file is { Length: > 0 } ? file.OpenReadStream() : null;
        var input = new AnnouncementInput(form["title"].ToString(), form["text"].ToString(), [.. form["towns"].Select(t => t ?? "")], form["all"] == "1", form["push"] == "1", pdf);
        var result = await announcements.SendAsync(who.Principal!, input, req.HttpContext.RequestAborted);
        return result.Ok
            ? new RedirectResult($"{AnnouncementService.Link(result.Id!)}?sent=1")
            : await RenderListAsync(req, who.Principal!, null, result.Title, result.Status, form);
    }

    public async Task<IActionResult> ShowAsync(HttpRequest req, string id)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var a = await announcements.FindAsync(id, req.HttpContext.RequestAborted);
        if (a is null || !AnnouncementService.MayRead(who.Principal!, a))
        {
            return await pageAccess.NotFoundAsync(who, "找不到这条通知公告");
        }

        if (AnnouncementService.Recipients(a).Contains(who.Principal!.Username))
        {
            await announcements.MarkReadAsync(who.Principal.Username, a.RowKey, req.HttpContext.RequestAborted);
        }

        var readers = AnnouncementService.IsSenderSide(who.Principal, a) ? await announcements.ReadersAsync(a, req.HttpContext.RequestAborted) : null;
        var sender = a.SenderScope == "city" ? "市级" : (await directory.TownsAsync(req.HttpContext.RequestAborted)).FirstOrDefault(t => t.Id == a.SenderScope)?.Name ?? a.SenderScope;
        return await renderer.PageAsync<AnnouncementPage, AnnouncementModel>(new(
            await support.ChromeAsync(req, who.Principal), a.RowKey, a.Title, a.Text, sender, a.SentAt, a.Attachment.Length > 0, readers));
    }

    public async Task<IActionResult> AttachmentAsync(HttpRequest req, string id)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var a = await announcements.FindAsync(id, req.HttpContext.RequestAborted);
        var content = a is not null && AnnouncementService.MayRead(who.Principal!, a) ? await announcements.AttachmentAsync(a, req.HttpContext.RequestAborted) : null;
        if (content is null)
        {
            return await pageAccess.NotFoundAsync(who, "找不到这个附件");
        }

        req.HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"announcement-{a!.RowKey}.pdf\"";
        return new FileStreamResult(content, "application/pdf");
    }

    private async Task<IActionResult> RenderListAsync(HttpRequest req, Principal who, string? notice, string? error, int status, IFormCollection? form = null)
    {
        var towns = who.IsCity ? (await directory.TownsAsync(req.HttpContext.RequestAborted)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList() : [];
        var sent = (await announcements.SentByAsync(who, req.HttpContext.RequestAborted))
            .Select(a => new AnnouncementSummary(a.RowKey, a.Title, a.SentAt, AnnouncementService.Recipients(a).Count, a.Attachment.Length > 0, a.Pushed)).ToList();
        return await renderer.PageAsync<AnnouncementsPage, AnnouncementsModel>(
            new(await support.ChromeAsync(req, who), who.IsCity, towns, sent, notice, error, form?["title"].ToString() ?? "", form?["text"].ToString() ?? ""),
            status);
    }
}
