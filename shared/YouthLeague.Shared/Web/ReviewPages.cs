using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Web;

/// <summary>A town reviewer's queue (oldest first, one query), one submission to approve or return, and batch approval.</summary>
public sealed class ReviewPages(Access access, ChecklistProjection projection, ChecklistReader reader, ReviewService reviews, DirectoryService directory, ChecklistPages checklistPages, Notifications.NotificationDispatcher dispatcher)
{
    public async Task<IActionResult> QueueAsync(HttpRequest req, string townId, string? notice = null)
    {
        var who = await access.RequireAsync(req, p => p.IsCity || p.ReviewsTown(townId));
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklistPages.YearOf(req);
        var queue = await projection.ReviewQueueAsync(year, townId, req.HttpContext.RequestAborted);
        var names = (await directory.VillagesAsync(townId, req.HttpContext.RequestAborted)).ToDictionary(v => v.Id, v => v.Name);
        var sb = new StringBuilder("<h1>待审核（").Append(queue.Count).Append("）</h1>");
        if (notice is not null)
        {
            sb.Append("<p class=\"ok\" role=\"status\">").Append(Html.E(notice)).Append("</p>");
        }

        sb.Append(await checklistPages.NoticesAsync(req, who.Principal!.Username, $"/towns/{townId}/reviews"));
        var failed = await dispatcher.FailedAsync(townId, req.HttpContext.RequestAborted);
        if (failed.Count > 0)
        {
            sb.Append("<div class=\"card overdue\" id=\"failed-notices\"><h2>未能送达的提醒（").Append(failed.Count).Append("）</h2><p class=\"muted\">群机器人多次发送失败，请电话联系：</p><ul>");
            foreach (var n in failed.Take(20))
            {
                sb.Append("<li>").Append(Html.E(names.GetValueOrDefault(n.VillageId, n.PartitionKey))).Append("：").Append(Html.E(n.Text)).Append("</li>");
            }

            sb.Append("</ul></div>");
        }

        if (queue.Count == 0)
        {
            sb.Append("<div class=\"card\"><p>没有等待审核的材料。</p></div>");
        }
        else
        {
            sb.Append("<form method=\"post\" action=\"/towns/").Append(Html.E(townId)).Append("/reviews?year=").Append(year).Append("\">")
              .Append(Html.Hidden(Access.AntiforgeryField, ChecklistPages.Antiforgery(req)));
            foreach (var (villageId, step, at) in queue)
            {
                sb.Append("<div class=\"card\"><label><input type=\"checkbox\" name=\"item\" value=\"").Append(Html.E(villageId + "|" + step)).Append("\" style=\"width:auto\"> ")
                  .Append(Html.E(names.GetValueOrDefault(villageId, villageId))).Append(" · ").Append(Html.E(step)).Append("</label>")
                  .Append("<p class=\"muted\">提交于 ").Append(at.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
                  .Append(" · <a href=\"/villages/").Append(Html.E(villageId)).Append("/steps/").Append(Html.E(step)).Append("/review?year=").Append(year).Append("\">查看并审核</a></p></div>");
            }

            sb.Append("<button>批量通过所选</button></form>");
        }

        return Html.Page("待审核", sb.ToString(), user: who.Principal!.Username, antiforgery: ChecklistPages.Antiforgery(req));
    }

    public async Task<IActionResult> ApproveSelectedAsync(HttpRequest req, string townId, DurableTaskClient client)
    {
        var who = await access.RequireAsync(req, p => p.IsCity || p.ReviewsTown(townId));
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklistPages.YearOf(req);
        var (form, unreadable) = await PageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var approved = 0;
        foreach (var item in form["item"].Select(i => i?.Split('|')).Where(p => p is { Length: 2 }))
        {
            var village = await directory.FindVillageAsync(item![0], req.HttpContext.RequestAborted);
            if (village is null || village.TownId != townId)
            {
                continue;
            }

            var result = await reviews.ReviewAsync(new ReviewRequest(year, village.Id, item[1], "approve", null, false, who.Principal!.Username, null), client, req.HttpContext.RequestAborted);
            approved += result.Accepted ? 1 : 0;
        }

        return Html.Redirect($"/towns/{townId}/reviews?year={year}&approved={approved}");
    }

    public async Task<IActionResult> ReviewFormAsync(HttpRequest req, string villageId, string stepKey, string? error = null, int status = 200)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Review);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklistPages.YearOf(req);
        var view = await reader.ReadAsync(year, villageId, req.HttpContext.RequestAborted);
        var step = view?.Steps.FirstOrDefault(s => s.Key == stepKey);
        var last = step?.Submissions.LastOrDefault();
        if (step is null || last is null)
        {
            return PageAccess.Refusal(who with { Denied = Problems.NotFound("没有可审核的提交") });
        }

        var sb = new StringBuilder("<p><a href=\"/towns/").Append(Html.E(who.Village!.TownId)).Append("/reviews?year=").Append(year).Append("\">← 待审核列表</a></p>")
            .Append("<div class=\"card\"><h1>").Append(Html.E(who.Village.Name)).Append(" · ").Append(Html.E(step.Title)).Append("</h1>")
            .Append("<p><span class=\"chip\">").Append(StepStatusNames.Parse(step.Status).ToChinese()).Append("</span></p>").Append(Html.Error(error)).Append("<dl>");
        foreach (var f in step.Fields.Where(f => last.Fields.ContainsKey(f.Name)))
        {
            sb.Append("<dt>").Append(Html.E(f.Label)).Append("</dt><dd>").Append(Html.E(last.Fields[f.Name])).Append("</dd>");
        }

        sb.Append(ChecklistPages.RegisterSnapshot(who.Village.Id, year, last.Fields)).Append("</dl>");
        foreach (var e in last.Evidence)
        {
            sb.Append("<a href=\"").Append(Html.E(e.Url)).Append("\">")
              .Append(e.ThumbnailUrl is null ? $"附件 {Html.E(e.Id)}" : $"<img src=\"{Html.E(e.ThumbnailUrl)}\" alt=\"照片 {Html.E(e.Id)}\" style=\"max-width:100%\">").Append("</a> ");
        }

        if (step.Status == "submitted")
        {
            sb.Append("<form method=\"post\" action=\"/villages/").Append(Html.E(villageId)).Append("/steps/").Append(Html.E(stepKey)).Append("/review?year=").Append(year).Append("\">")
              .Append(Html.Hidden(Access.AntiforgeryField, ChecklistPages.Antiforgery(req)))
              .Append("<label for=\"comment\">审核意见（退回时必填）</label><textarea id=\"comment\" name=\"comment\" rows=\"3\" maxlength=\"500\"></textarea>")
              .Append("<label><input type=\"checkbox\" name=\"exemplary\" value=\"true\" style=\"width:auto\"> 推荐为优秀典型</label>")
              .Append("<button name=\"decision\" value=\"approve\">通过</button><button name=\"decision\" value=\"return\" style=\"background:#57606a\">退回修改</button></form>");
        }

        sb.Append("</div>");
        return Html.Page(step.Title, sb.ToString(), status, who.Principal!.Username, ChecklistPages.Antiforgery(req));
    }

    public async Task<IActionResult> ReviewAsync(HttpRequest req, string villageId, string stepKey, DurableTaskClient client)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Review);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklistPages.YearOf(req);
        var (form, unreadable) = await PageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var result = await reviews.ReviewAsync(
            new ReviewRequest(year, villageId, stepKey, form["decision"].ToString(), form["comment"].ToString(), form["exemplary"] == "true", who.Principal!.Username, form[ChecklistPages.FormTokenField].ToString() is { Length: > 0 } t ? t : null),
            client,
            req.HttpContext.RequestAborted);
        if (result.Accepted)
        {
            return Html.Redirect($"/towns/{who.Village!.TownId}/reviews?year={year}");
        }

        var message = result.Errors?.Values.SelectMany(v => v).FirstOrDefault() ?? result.Title;
        return await ReviewFormAsync(req, villageId, stepKey, message, result.Status);
    }
}
