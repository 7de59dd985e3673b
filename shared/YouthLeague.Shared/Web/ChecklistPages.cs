using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Web.Pages;
using YouthLeague.Workflow;

namespace YouthLeague.Web;

/// <summary>
/// A first secretary's pages: the village's six steps as cards, and one form per step built from the checklist
/// definition. Plain form posts with a redirect after success: they work without JavaScript, on a 390-px screen.
/// </summary>
public sealed class ChecklistPages(Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, ChecklistReader reader, SubmissionService submissions, ChecklistDefinitions definitions, Drafts drafts)
{
    public async Task<IActionResult> VillageAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Read);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        // What was just handed in shows at once (the page after the submission's redirect), before the orchestration projects it.
        var view = await reader.ReadAsync(year, villageId, withInFlight: true, req.HttpContext.RequestAborted);
        var mine = who.Principal!.IsSecretaryOf(villageId);
        var submitted = req.Query["submitted"].ToString() is { Length: > 0 } done ? definitions.Find(year)?.Find(done)?.Title : null;
        var notices = view is not null && mine ? await support.NoticesAsync(req, who.Principal.Username, $"/villages/{villageId}") : NoticeList.None;
        var plan = PlanFeed.PlanItems(await reader.ReadAsync(year - 1, villageId, req.HttpContext.RequestAborted)); // last year's plan is this year's
        return await renderer.PageAsync<VillagePage, VillageModel>(
            new(await support.ChromeAsync(req, who.Principal), villageId, who.Village!.Name, year, mine, submitted, notices, view?.Steps, definitions.Find(year)?.Scoring, plan, view?.TakesFurtherActivities ?? false));
    }

    public async Task<IActionResult> StepFormAsync(HttpRequest req, string villageId, string stepKey)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var step = await StepAsync(req, year, villageId, stepKey);
        if (step is null)
        {
            return await pageAccess.NotFoundAsync(who, "找不到该步骤");
        }

        // A saved draft comes back first; else, on a return, the previous answer fills the form, so nothing is typed twice.
        var draft = await drafts.FindAsync(year, villageId, stepKey, req.HttpContext.RequestAborted);
        // An approved step's form records a further activity: it starts empty (a new activity, not the approved answer).
        var further = step.Status == StepStatus.Approved;
        var previous = further ? null : step.Submissions.LastOrDefault()?.Fields;
        var values = draft?.Fields ?? (previous ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        var note = draft is null ? null
            : (req.Query["draft"] == "saved" ? "草稿已保存。" : "已恢复您的草稿。")
              + $"（{Dates.ShortMinute(draft.SavedAt)} 保存；照片和文件不存入草稿，提交时再选择）";
        if (further)
        {
            note = "本项已完成，这里记录又一次活动（单独审核，计入志愿服务汇总和交流会材料）。" + note;
        }
        return await FormAsync(req, who, year, villageId, step, values, null, null, 200, note);
    }

    public async Task<IActionResult> SubmitFormAsync(HttpRequest req, string villageId, string stepKey, DurableTaskClient client)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var form = await SubmissionForms.ReadAsync(req);
        var step = await StepAsync(req, year, villageId, stepKey);
        if (step is null)
        {
            return await pageAccess.NotFoundAsync(who, "找不到该步骤");
        }

        if (form.Problem is not null)
        {
            return await FormAsync(req, who, year, villageId, step, new Dictionary<string, string?>(), (form.Problem.Value as ProblemDetails)?.Title ?? "表单无法读取，请重试", null, form.Problem.StatusCode ?? 400);
        }

        var values = form.Fields.Where(f => f.Key is not (Access.AntiforgeryField or PageSupport.FormTokenField or PageSupport.IntentField)).ToDictionary(f => f.Key, f => f.Value);
        if (req.Form[PageSupport.IntentField] == "draft" && definitions.Find(year)?.Find(stepKey) is { } definition)
        {
            await drafts.SaveAsync(year, villageId, definition, values, who.Principal!.Username, req.HttpContext.RequestAborted);
            return new RedirectResult($"/villages/{villageId}/steps/{stepKey}?year={year}&draft=saved");
        }

        // After the fourth quarter SubmissionService refuses a first submission or a further activity (409), from the header it reads anyway.
        var token = req.Form[PageSupport.FormTokenField].ToString();
        var result = await submissions.SubmitAsync(
            new SubmissionRequest(year, villageId, stepKey, values, form.Files, token.Length > 0 ? "form-" + token : null, who.Principal!.Username, who.Village!.Secretary.Name, who.Village.Secretary.DispatchingUnit), client, req.HttpContext.RequestAborted);
        if (result.Accepted)
        {
            await drafts.DeleteAsync(year, villageId, stepKey, req.HttpContext.RequestAborted);
            return new RedirectResult($"/villages/{villageId}?year={year}&submitted={stepKey}#step-{stepKey}");
        }

        return await FormAsync(req, who, year, villageId, step, values, result.Title, result.Errors, result.Status);
    }

    private async Task<StepView?> StepAsync(HttpRequest req, int year, string villageId, string stepKey) =>
        (await reader.ReadAsync(year, villageId, req.HttpContext.RequestAborted))?.Steps.FirstOrDefault(s => s.Key == stepKey);

    private async Task<ContentResult> FormAsync(HttpRequest req, AccessResult who, int year, string villageId, StepView step, IReadOnlyDictionary<string, string?> values, string? error, ValidationErrors? errors, int status, string? note = null)
    {
        // The practical-matter form offers last year's plan items and this year's forum needs as starting points.
        var suggestions = step.Key == PlanFeed.PracticalMatterStep
            ? PlanFeed.PracticalMatterCandidates(await reader.ReadAsync(year - 1, villageId, req.HttpContext.RequestAborted), await reader.ReadAsync(year, villageId, req.HttpContext.RequestAborted))
            : null;
        return await renderer.PageAsync<StepFormPage, StepFormModel>(new(await support.ChromeAsync(req, who.Principal!), villageId, year, step, values, error, errors, note, suggestions), status);
    }
}
