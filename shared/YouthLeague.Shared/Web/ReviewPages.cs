using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Towns;
using YouthLeague.Web.Pages;
using YouthLeague.Workflow;

namespace YouthLeague.Web;

/// <summary>A town reviewer's queue (oldest first, one query), one submission to approve or return, and batch approval.</summary>
public sealed class ReviewPages(Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, ChecklistProjection projection, ChecklistReader reader, ReviewService reviews, DirectoryService directory, Notifications.NotificationDispatcher dispatcher, ChecklistDefinitions definitions)
{
    /// <summary>Undelivered robot messages listed on the queue page (the count shows them all).</summary>
    public const int FailedShown = 20;

    public async Task<IActionResult> QueueAsync(HttpRequest req, string townId, string? notice = null)
    {
        var who = await access.RequireAsync(req, p => p.MayReviewTown(townId));
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var queue = await projection.ReviewQueueAsync(year, townId, req.HttpContext.RequestAborted);
        var names = (await directory.VillagesAsync(townId, req.HttpContext.RequestAborted)).ToDictionary(v => v.Id, v => v.Name);
        var notices = await support.NoticesAsync(req, who.Principal!.Username, $"/towns/{townId}/reviews");
        var failed = await dispatcher.FailedAsync(townId, req.HttpContext.RequestAborted);
        return await renderer.PageAsync<ReviewQueuePage, ReviewQueueModel>(new(
            await support.ChromeAsync(req, who.Principal),
            townId,
            year,
            notice,
            notices,
            failed.Count,
            failed.Take(FailedShown).Select(n => new FailedNotice(names.GetValueOrDefault(n.VillageId, n.PartitionKey), n.Text, n.FailureReason)).ToList(),
            queue.Select(q => new QueueItem(q.VillageId, names.GetValueOrDefault(q.VillageId, q.VillageId), q.Step, q.SubmittedAt, definitions.Find(year)?.Find(q.Step)?.Title ?? q.Step, q.Activity)).ToList()));
    }

    public async Task<IActionResult> ApproveSelectedAsync(HttpRequest req, string townId, DurableTaskClient client)
    {
        var who = await access.RequireAsync(req, p => p.MayReviewTown(townId));
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var (form, unreadable) = await pageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var approved = 0;
        foreach (var item in form["item"].Select(i => i?.Split('|')).Where(p => p is { Length: 2 or 3 }))
        {
            var village = await directory.FindVillageAsync(item![0], req.HttpContext.RequestAborted);
            if (village is null || village.TownId != townId)
            {
                continue;
            }

            var result = await reviews.ReviewAsync(new ReviewRequest(year, village.Id, item[1], ReviewDecision.Approve, null, false, who.Principal!.Username, null, item.Length == 3 ? item[2] : null), client, req.HttpContext.RequestAborted);
            approved += result.Accepted ? 1 : 0;
        }

        return new RedirectResult($"/towns/{townId}/reviews?year={year}&approved={approved}");
    }

    public async Task<IActionResult> ReviewFormAsync(HttpRequest req, string villageId, string stepKey, string? error = null, int status = 200, string? activity = null)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Review);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var view = await reader.ReadAsync(year, villageId, req.HttpContext.RequestAborted);
        var step = view?.Steps.FirstOrDefault(s => s.Key == stepKey);

        // ?activity= names a further activity of the approved step (its submission id); without it, the step's own submission.
        var activityId = activity ?? req.Query["activity"].ToString();
        var further = activityId.Length > 0 ? step?.FurtherActivities.FirstOrDefault(a => a.Submission.Id == activityId) : null;
        var submission = activityId.Length > 0 ? further?.Submission : step?.Submissions.LastOrDefault();
        if (step is null || submission is null)
        {
            return await pageAccess.NotFoundAsync(who, "没有可审核的提交");
        }

        return await renderer.PageAsync<ReviewPage, ReviewModel>(
            new(await support.ChromeAsync(req, who.Principal!), villageId, who.Village!.Name, who.Village.TownId, year, step, submission, error, further), status);
    }

    public async Task<IActionResult> ReviewAsync(HttpRequest req, string villageId, string stepKey, DurableTaskClient client)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Review);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var (form, unreadable) = await pageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        // The form token makes a double tap on 通过 one review: the second post carries the same token, so the same review id.
        var token = form[PageSupport.FormTokenField].ToString();
        var activity = form["activity"].ToString();
        var result = await reviews.ReviewAsync(
            new ReviewRequest(year, villageId, stepKey, ReviewDecisions.TryParse(form["decision"].ToString()), form["comment"].ToString(), form["exemplary"] == "true", who.Principal!.Username, token.Length is > 0 and <= 64 ? "form-" + token : null, activity.Length > 0 ? activity : null),
            client,
            req.HttpContext.RequestAborted);
        if (result.Accepted)
        {
            return new RedirectResult($"/towns/{who.Village!.TownId}/reviews?year={year}");
        }

        var message = result.Errors?.Values.SelectMany(v => v).FirstOrDefault() ?? result.Title;
        return await ReviewFormAsync(req, villageId, stepKey, message, result.Status, activity);
    }
}
