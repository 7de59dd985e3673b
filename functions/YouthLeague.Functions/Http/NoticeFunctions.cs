using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Auth;
using YouthLeague.Notifications;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

public sealed class NoticeFunctions(Outbox outbox, NotificationDispatcher dispatcher, Access access)
{
    /// <summary>The caller's own notices (the in-app channel), newest first.</summary>
    [Function("ListNotices")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/notices")] HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var notices = await outbox.ForAsync(who.Principal!.Username, req.HttpContext.RequestAborted);
        return new OkObjectResult(notices.OrderByDescending(n => n.QueuedAt).Select(n => new { id = n.RowKey, n.Reason, n.Period, n.Text, n.Link, n.Status, n.QueuedAt, n.Read }));
    }

    /// <summary>Marks the caller's notices read (the page's "全部标为已读" posts here too, with its anti-forgery token).</summary>
    [Function("MarkNoticesRead")]
    public async Task<IActionResult> MarkRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/notices/read")] HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var changed = await outbox.MarkAllReadAsync(who.Principal!.Username, req.HttpContext.RequestAborted);
        return Routes.LocalPath(req.Query["back"].ToString()) is { } back ? new RedirectResult(back) : new OkObjectResult(new { marked = changed });
    }

    /// <summary>Notifications to a town's people that the robot could not deliver, for its reviewer to follow up.</summary>
    [Function("ListFailedNotifications")]
    public async Task<IActionResult> Failed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/towns/{townId}/notifications/failed")] HttpRequest req, string townId)
    {
        var who = await access.RequireAsync(req, p => p.SeesTown(townId));
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var failed = await dispatcher.FailedAsync(townId, req.HttpContext.RequestAborted);
        return new OkObjectResult(failed.Select(n => new { recipient = n.PartitionKey, n.VillageId, n.Reason, n.Period, n.Text, n.QueuedAt, failure = n.FailureReason }));
    }
}

/// <summary>The notices page and its mark-read form. The logic is in shared/Web/NoticePages.</summary>
public sealed class NoticePageFunctions(NoticePages notices)
{
    [Function("NoticesPage")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notices")] HttpRequest req) => notices.ListAsync(req);

    [Function("NoticesMarkRead")]
    public Task<IActionResult> MarkRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "notices/read")] HttpRequest req) => notices.MarkReadAsync(req);
}
