using System.Text.Json;
using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Workflow;

/// <summary>Reads a village-year's checklist from its projection: one partition query, whatever its history.</summary>
public sealed class ChecklistReader(StorageClients storage, ChecklistDefinitions definitions, TimeProvider clock)
{
    /// <summary>The checklist as the orchestration last projected it.</summary>
    public Task<ChecklistView?> ReadAsync(int year, string villageId, CancellationToken cancellationToken = default) =>
        ReadAsync(year, villageId, withInFlight: false, cancellationToken);

    /// <summary>
    /// The checklist as projected; <paramref name="withInFlight"/> also shows what was handed in and not projected yet
    /// (for the village's own page): a submission record is written before the 202, the orchestration puts it on the
    /// step a moment later. A record that is neither on its step nor refused (no audit row) is on its way: it shows as
    /// the orchestration will apply it, marked <see cref="StepView.InFlight"/>. The record is kept and its event re-sent
    /// until it arrives (<see cref="SubmissionRepair"/>), so what shows is what will stand; a second one racing it is
    /// refused by the orchestration and does not show.
    /// </summary>
    public async Task<ChecklistView?> ReadAsync(int year, string villageId, bool withInFlight, CancellationToken cancellationToken)
    {
        var definition = definitions.Find(year);
        if (definition is null)
        {
            return null;
        }

        var pk = Keys.Checklist(year, villageId);
        ChecklistEntity? header = null;
        var steps = new Dictionary<string, StepEntity>();
        var submissions = new Dictionary<string, SubmissionEntity>();
        var reviews = new Dictionary<string, ReviewEntity>();
        var audited = new HashSet<string>(StringComparer.Ordinal);
        var table = storage.Table(TableNames.Checklists);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk}"), cancellationToken: cancellationToken))
        {
            var rk = row.RowKey;
            if (rk == ChecklistEntity.Row)
            {
                header = Map<ChecklistEntity>(row);
            }
            else if (rk.StartsWith(StepEntity.Prefix, StringComparison.Ordinal))
            {
                var s = Map<StepEntity>(row);
                steps[s.Step] = s;
            }
            else if (rk.StartsWith(SubmissionEntity.Prefix, StringComparison.Ordinal))
            {
                submissions[rk[SubmissionEntity.Prefix.Length..]] = Map<SubmissionEntity>(row);
            }
            else if (rk.StartsWith(ReviewEntity.Prefix, StringComparison.Ordinal))
            {
                reviews[rk[ReviewEntity.Prefix.Length..]] = Map<ReviewEntity>(row);
            }
            else if (rk.StartsWith(AuditEntity.Prefix, StringComparison.Ordinal))
            {
                audited.Add(rk[AuditEntity.Prefix.Length..]);
            }
        }

        if (header is null)
        {
            return null;
        }

        var version = header.Version ?? 1;
        var today = ChinaTime.Today(clock.GetUtcNow());
        var views = definition.Steps.Select(d =>
        {
            steps.TryGetValue(d.Key, out var s);
            var status = s is null ? StepStatus.NotStarted : StepStatusNames.Parse(s.Status);
            var ids = s is null ? [] : JsonSerializer.Deserialize<List<string>>(s.SubmissionIds) ?? [];
            var subs = ids.Where(submissions.ContainsKey).Select(id => SubmissionOf(year, villageId, id, submissions[id])).ToList();
            ReviewView? last = ReviewOf(s?.LastReviewId, reviews);
            var furtherRows = FurtherOf(s);
            var further = furtherRows
                .Where(f => submissions.ContainsKey(f.SubmissionId))
                .Select(f => new ActivityView(SubmissionOf(year, villageId, f.SubmissionId, submissions[f.SubmissionId]), f.Status, ReviewOf(f.ReviewId, reviews), f.Exemplary))
                .ToList();
            var inFlight = false;
            if (withInFlight)
            {
                var known = ids.Concat(furtherRows.Select(f => f.SubmissionId)).ToHashSet(StringComparer.Ordinal);
                var arriving = submissions
                    .Where(x => x.Value.Step == d.Key && !known.Contains(x.Key) && !audited.Contains(x.Key))
                    .OrderBy(x => x.Value.SubmittedAt)
                    .Select(x => SubmissionOf(year, villageId, x.Key, x.Value))
                    .ToList();
                if (arriving.Count > 0 && ChecklistRules.Allows(status, CommandKind.Submit))
                {
                    // The rules the orchestration applies: the first to arrive is applied (the rest are refused: the step
                    // is then waiting for review).
                    (status, subs, inFlight) = (StepStatus.Submitted, [.. subs, arriving[0]], true);
                }
                else if (arriving.Count > 0 && status == StepStatus.Approved && version >= ChecklistRun.FurtherActivitiesVersion)
                {
                    // Each one handed in to an approved step is a further activity of its own.
                    further = [.. further, .. arriving.Select(a => new ActivityView(a, StepStatus.Submitted, null, false, InFlight: true))];
                }
            }

            return new StepView(
                d.Key,
                d.Title,
                d.Help,
                status,
                d.Due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ChecklistRules.IsOverdue(status, d.Due, today),
                s?.ReturnedRounds ?? 0,
                s?.Exemplary ?? false,
                d.Fields.Select(f => new FieldView(f.Name, f.Label, f.Type, f.Required, f.Min, f.Max, f.Options)).ToList(),
                new EvidenceRuleView(d.Evidence.Kinds, d.Evidence.Min, d.Evidence.Max, d.Evidence.MaxBytes),
                subs,
                last,
                further,
                inFlight);
        }).ToList();

        return new ChecklistView(villageId, year, header.Status, header.TownId, header.Score, views, version);
    }

    private static ReviewView? ReviewOf(string? reviewId, Dictionary<string, ReviewEntity> reviews) =>
        reviewId is not null && reviews.TryGetValue(reviewId, out var r) && ReviewDecisions.TryParse(r.Decision) is { } decision
            ? new ReviewView(decision, r.Comment, r.By, r.At, r.Exemplary)
            : null;

    /// <summary>The step row's further activities (version 3), oldest first; none for a row written before them.</summary>
    public static IReadOnlyList<FurtherActivity> FurtherOf(StepEntity? row) =>
        row?.FurtherJson is { Length: > 0 } json ? JsonSerializer.Deserialize<List<FurtherActivity>>(json, Json.Options) ?? [] : [];

    /// <summary>The step as last projected: its status and further activities (null without a checklist).</summary>
    public async Task<(StepStatus Status, IReadOnlyList<FurtherActivity> Further)?> StepAsync(int year, string villageId, string step, CancellationToken cancellationToken = default) =>
        await HeaderAndRowAsync(year, villageId, step, cancellationToken) is var (_, row) ? (StatusOf(row), FurtherOf(row)) : null;

    /// <summary>The checklist's header and the step's status as last projected (null without a checklist).</summary>
    public async Task<(ChecklistEntity Header, StepStatus Status)?> HeaderAndStepAsync(int year, string villageId, string step, CancellationToken cancellationToken = default) =>
        await HeaderAndRowAsync(year, villageId, step, cancellationToken) is var (header, row) ? (header, StatusOf(row)) : null;

    /// <summary>The step's current status as last projected (notStarted when there is no row; null without a checklist).</summary>
    public async Task<StepStatus?> StepStatusAsync(int year, string villageId, string step, CancellationToken cancellationToken = default) =>
        await HeaderAndRowAsync(year, villageId, step, cancellationToken) is var (_, row) ? StatusOf(row) : null;

    /// <summary>The checklist's header and the step's row, read side by side (one round trip's wait; null without a header).</summary>
    private async Task<(ChecklistEntity Header, StepEntity? Row)?> HeaderAndRowAsync(int year, string villageId, string step, CancellationToken cancellationToken)
    {
        var table = storage.Table(TableNames.Checklists);
        var headerTask = table.GetEntityIfExistsAsync<ChecklistEntity>(Keys.Checklist(year, villageId), ChecklistEntity.Row, cancellationToken: cancellationToken);
        var rowTask = table.GetEntityIfExistsAsync<StepEntity>(Keys.Checklist(year, villageId), Keys.Step(step), cancellationToken: cancellationToken);
        await Task.WhenAll(headerTask, rowTask);
        var (header, row) = (await headerTask, await rowTask);
        return header.HasValue ? (header.Value!, row.HasValue ? row.Value : null) : null;
    }

    private static StepStatus StatusOf(StepEntity? row) => row is null ? StepStatus.NotStarted : StepStatusNames.Parse(row.Status);

    private static SubmissionView SubmissionOf(int year, string villageId, string id, SubmissionEntity e)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(e.FieldsJson) ?? [];
        var evidence = (JsonSerializer.Deserialize<List<EvidenceItem>>(e.EvidenceJson, Json.Options) ?? [])
            .Select(x => new EvidenceView(x.Id, x.Kind, x.Bytes, EvidenceUrls.Of(year, villageId, id, x.Id), x.Thumbnail is null ? null : EvidenceUrls.Of(year, villageId, id, x.Id) + "?size=thumb"))
            .ToList();
        return new SubmissionView(id, e.SubmittedAt, e.By, fields, evidence, e.ByName, e.DispatchingUnit);
    }

    private static T Map<T>(TableEntity row) where T : EntityBase, new()
    {
        // Typed read of an untyped row: the SDK's own converter would need a second query per type.
        var entity = new T { PartitionKey = row.PartitionKey, RowKey = row.RowKey, Timestamp = row.Timestamp, ETag = row.ETag };
        foreach (var p in typeof(T).GetProperties().Where(p => p.CanWrite && row.ContainsKey(p.Name)))
        {
            var value = row[p.Name];
            var target = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            p.SetValue(entity, value is null || target.IsInstanceOfType(value) ? value : Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture));
        }

        return entity;
    }
}

public static class EvidenceUrls
{
    public static string Of(int year, string villageId, string submissionId, string evidenceId) =>
        $"/api/evidence/{year}/{villageId}/{submissionId}/{evidenceId}";
}

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
