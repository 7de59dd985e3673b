using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Auth;
using YouthLeague.Notifications;

namespace YouthLeague.Functions.Http;

public sealed class NoticeFunctions(Outbox outbox, Access access)
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
        return new OkObjectResult(notices.OrderByDescending(n => n.QueuedAt).Select(n => new { id = n.RowKey, n.Reason, n.Period, n.Text, n.Link, n.Status, n.QueuedAt }));
    }
}
