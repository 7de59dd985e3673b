using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Notifications;
using YouthLeague.Web.Pages;

namespace YouthLeague.Web;

/// <summary>The notices page (the in-app channel): every notice of the signed-in person, newest first, paged; mark read.</summary>
public sealed class NoticePages(Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, Outbox outbox)
{
    public const int PageSize = 20;

    public async Task<IActionResult> ListAsync(HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var page = int.TryParse(req.Query["page"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 10_000 ? p : 1;
        var (items, total, unread) = await outbox.PageAsync(who.Principal!.Username, page, PageSize, req.HttpContext.RequestAborted);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        var chrome = await support.ChromeAsync(req, who.Principal);
        return await renderer.PageAsync<NoticesPage, NoticesModel>(new(
            chrome,
            [.. items.Select(n => new NoticeItem(n.RowKey, n.Text, n.Link, n.Read, n.QueuedAt))],
            Math.Min(page, pages),
            pages,
            total,
            unread,
            req.Query["read"] == "1" ? "已标为已读" : null));
    }

    /// <summary>Marks one notice read (form field <c>id</c>), or all of them; back to the page it came from.</summary>
    public async Task<IActionResult> MarkReadAsync(HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var (form, unreadable) = await pageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var id = form["id"].ToString();
        if (id.Length > 0)
        {
            await outbox.MarkReadAsync(who.Principal!.Username, id, req.HttpContext.RequestAborted);
        }
        else
        {
            await outbox.MarkAllReadAsync(who.Principal!.Username, req.HttpContext.RequestAborted);
        }

        var page = int.TryParse(form["page"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 10_000 ? p : 1;
        return new RedirectResult($"/notices?page={page.ToString(CultureInfo.InvariantCulture)}&read=1");
    }
}
