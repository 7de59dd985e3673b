using System.Security.Cryptography;
using System.Text;
using Azure;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Workflow;

/// <param name="Activity">A further activity of the approved step (its submission id, version 3); null for the step's own submission.</param>
public sealed record ReviewRequest(int Year, string VillageId, string Step, ReviewDecision? Decision, string? Comment, bool Exemplary, string Actor, string? IdempotencyKey, string? Activity = null);

public sealed record ReviewResult(string? ReviewId, int Status, string? Title = null, ValidationErrors? Errors = null)
{
    public bool Accepted => ReviewId is not null;
}

/// <summary>
/// A town reviewer's decision on a submitted step: the review (with its comment) is stored, then the
/// orchestration hears its id. A return needs a comment; an outstanding-case mark only goes with approval. Its intent
/// (<see cref="SubmissionRepair.NoteReviewAsync"/>) stays until the projection shows the review, so a lost event is re-sent.
/// </summary>
public sealed class ReviewService(StorageClients storage, ChecklistDefinitions definitions, ChecklistReader reader, TimeProvider clock, SubmissionRepair repair, ILogger<ReviewService> log)
{
    public const int MaxCommentLength = 500;

    public async Task<ReviewResult> ReviewAsync(ReviewRequest request, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        if (definitions.Find(request.Year)?.Find(request.Step) is null)
        {
            return new ReviewResult(null, 404, $"没有名为 {request.Step} 的步骤");
        }

        var errors = new ValidationErrors();
        var kind = request.Decision switch
        {
            ReviewDecision.Approve => CommandKind.Approve,
            ReviewDecision.Return => CommandKind.Return,
            _ => (CommandKind?)null,
        };
        if (kind is null)
        {
            errors.Add("decision", "审核结果只能是“通过”(approve)或“退回”(return)");
        }

        var comment = request.Comment?.Trim() ?? "";
        if (kind == CommandKind.Return && comment.Length == 0)
        {
            errors.Add("comment", "退回时请写明需要修改的地方");
        }

        if (comment.Length > MaxCommentLength)
        {
            errors.Add("comment", $"意见最多 {MaxCommentLength} 个字");
        }
        else if (comment.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors.Add("comment", "意见含有不可见的控制字符，请删除后再提交");
        }

        if (request.Exemplary && kind == CommandKind.Return)
        {
            errors.Add("exemplary", "退回的材料不能推荐为优秀典型");
        }

        if (errors.Count > 0)
        {
            errors.Status = 422;
            return new ReviewResult(null, 422, "审核内容有误", errors);
        }

        var activity = string.IsNullOrWhiteSpace(request.Activity) ? null : request.Activity.Trim();
        var step = await reader.StepAsync(request.Year, request.VillageId, request.Step, cancellationToken);
        if (step is null)
        {
            return new ReviewResult(null, 404, "找不到该村这一年度的清单");
        }

        // A review of a further activity: the step is approved and the activity is waiting (its own status decides).
        StepStatus? status = activity is null
            ? step.Value.Status
            : step.Value.Further.FirstOrDefault(f => f.SubmissionId == activity)?.Status;
        if (status is null)
        {
            return new ReviewResult(null, 404, "找不到这次活动的提交");
        }

        if (await ChecklistInstances.RefusalAsync(client, request.Year, request.VillageId, cancellationToken) is { } refusal)
        {
            return new ReviewResult(null, refusal.Status, refusal.Title);
        }

        var id = ReviewId(request);
        var table = storage.Table(TableNames.Checklists);
        var pk = Keys.Checklist(request.Year, request.VillageId);
        var existing = await table.GetEntityIfExistsAsync<ReviewEntity>(pk, Keys.Review(id), cancellationToken: cancellationToken);
        if (!existing.HasValue && !ChecklistRules.Allows(status.Value, kind!.Value))
        {
            return new ReviewResult(null, 409, activity is null ? ChecklistRules.RefusalReason(status.Value, kind.Value) : ChecklistRules.NoSuchActivity);
        }

        // The intent first: if the event below is lost (or this process dies after the row), the repair sends it again
        // until the projection shows the review, and removes the intent then. A retry notes it again (harmless).
        await repair.NoteReviewAsync(request.Year, request.VillageId, request.Step, request.Actor, id, cancellationToken);
        var at = existing.HasValue ? existing.Value!.At : clock.GetUtcNow();
        if (!existing.HasValue)
        {
            try
            {
                await table.AddEntityAsync(
                    new ReviewEntity { PartitionKey = pk, RowKey = Keys.Review(id), Step = request.Step, Decision = request.Decision!.Value.ToWire(), Comment = comment, Exemplary = request.Exemplary, By = request.Actor, At = at, Activity = activity },
                    cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // The same review raced us; its row stands.
            }
        }

        await client.RaiseEventAsync(
            WorkflowNames.InstanceId(request.Year, request.VillageId),
            WorkflowNames.CommandEvent,
            new ChecklistCommand(id, kind!.Value, request.Step, request.Actor, at, request.Exemplary, activity),
            cancellationToken);
        log.LogInformation("Step {Step} of {VillageId} {Year} reviewed: {Decision} (activity {Activity})", request.Step, request.VillageId, request.Year, request.Decision, activity ?? "-");
        return new ReviewResult(id, 200);
    }

    private static string ReviewId(ReviewRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.IdempotencyKey))
        {
            return "r" + Guid.NewGuid().ToString("N")[..31];
        }

        // A further activity's review hashes its activity too: the same key on two activities makes two reviews.
        var target = string.IsNullOrWhiteSpace(request.Activity) ? request.Step : $"{request.Step}|{request.Activity.Trim()}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"review|{request.Year}|{request.VillageId}|{target}|{request.IdempotencyKey}"));
        return "r" + Convert.ToHexStringLower(hash.AsSpan(0, 15));
    }
}
