using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>通知公告 pages. The logic is in shared/Web/AnnouncementPages and shared/Announcements.</summary>
public sealed class AnnouncementFunctions(AnnouncementPages announcements)
{
    [Function("AnnouncementsPage")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "announcements")] HttpRequest req) => announcements.ListAsync(req);

    [Function("AnnouncementSend")]
    public Task<IActionResult> Send(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "announcements")] HttpRequest req) => announcements.SendAsync(req);

    [Function("AnnouncementPage")]
    public Task<IActionResult> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "announcements/{id}")] HttpRequest req, string id) => announcements.ShowAsync(req, id);

    [Function("AnnouncementAttachment")]
    public Task<IActionResult> Attachment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "announcements/{id}/attachment")] HttpRequest req, string id) => announcements.AttachmentAsync(req, id);
}
