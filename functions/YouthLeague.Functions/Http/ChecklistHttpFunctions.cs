using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Web;
using YouthLeague.Workflow;

namespace YouthLeague.Functions.Http;

public sealed class ChecklistHttpFunctions(ChecklistReader reader, SubmissionService submissions, ReviewService reviews, StorageClients storage, Access access)
{
    [Function("GetChecklist")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/checklists/{year}/{villageId}")] HttpRequest req,
        string year,
        string villageId)
    {
        var (y, who, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Read);
        if (denied is not null)
        {
            return denied;
        }

        var view = await reader.ReadAsync(y, villageId, req.HttpContext.RequestAborted);
        return view is null ? Problems.NotFound("找不到该村这一年度的清单") : new OkObjectResult(view);
    }

    [Function("SubmitStep")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/checklists/{year}/{villageId}/steps/{step}/submissions")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string year,
        string villageId,
        string step)
    {
        var (y, who, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Submit);
        if (denied is not null)
        {
            return denied;
        }

        var form = await SubmissionForms.ReadAsync(req);
        if (form.Problem is not null)
        {
            return form.Problem;
        }

        var result = await submissions.SubmitAsync(
            new SubmissionRequest(y, villageId, step, form.Fields, form.Files, req.Headers["Idempotency-Key"].ToString(), Actor: who!.Principal!.Username, ActorName: who.Village!.Secretary.Name, DispatchingUnit: who.Village.Secretary.DispatchingUnit),
            client,
            req.HttpContext.RequestAborted);
        return result.Accepted
            ? new ObjectResult(new { submissionId = result.SubmissionId, status = "submitted" }) { StatusCode = 202 }
            : Problems.Create(result.Status, result.Title!, result.Errors);
    }

    [Function("ReviewStep")]
    public async Task<IActionResult> Review(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/checklists/{year}/{villageId}/steps/{step}/reviews")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string year,
        string villageId,
        string step)
    {
        var (y, who, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Review);
        if (denied is not null)
        {
            return denied;
        }

        var body = await JsonBodies.ReadAsync<ReviewBody>(req);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var result = await reviews.ReviewAsync(
            new ReviewRequest(y, villageId, step, ReviewDecisions.TryParse(body.Value!.Decision), body.Value.Comment, body.Value.Exemplary ?? false, Actor: who!.Principal!.Username, req.Headers["Idempotency-Key"].ToString(), body.Value.Activity),
            client,
            req.HttpContext.RequestAborted);
        if (!result.Accepted)
        {
            return Problems.Create(result.Status, result.Title!, result.Errors);
        }

        var view = await reader.ReadAsync(y, villageId, req.HttpContext.RequestAborted);
        return new OkObjectResult(view!.Steps.Single(s => s.Key == step));
    }

    [Function("GetEvidence")]
    public async Task<IActionResult> Evidence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/evidence/{year}/{villageId}/{submissionId}/{evidenceId}")] HttpRequest req,
        string year,
        string villageId,
        string submissionId,
        string evidenceId)
    {
        var (y, _, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Read);
        if (denied is not null)
        {
            return denied;
        }

        if (!Routes.IsId(submissionId) || !Routes.IsId(evidenceId))
        {
            return Problems.NotFound("找不到该文件");
        }

        var file = await EvidenceFiles.OpenAsync(storage, y, villageId, submissionId, evidenceId, req.Query["size"] == "thumb", req.HttpContext.RequestAborted);
        if (file is null)
        {
            return Problems.NotFound("找不到该文件");
        }

        // Photos open in the page; documents download (a PDF or Word file never runs in our origin). Never the client's file name.
        var kind = file.Value.Kind;
        req.HttpContext.Response.Headers.ContentDisposition = $"{(EvidenceKinds.IsPhoto(kind) ? "inline" : "attachment")}; filename=\"{evidenceId}.{EvidenceKinds.Extension(kind)}\"";
        return new FileStreamResult(file.Value.Content, EvidenceKinds.ContentType(kind));
    }
}
