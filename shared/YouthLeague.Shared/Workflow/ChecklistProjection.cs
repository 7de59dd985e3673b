using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Notifications;
using YouthLeague.Progress;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Workflow;

/// <summary>
/// Writes what the orchestration decided into the tables pages read. Every write is an upsert keyed
/// by ids from the command, so a replayed activity leaves the same rows, once.
/// </summary>
public sealed class ChecklistProjection(StorageClients storage, ChecklistDefinitions definitions, DirectoryService directory, Outbox outbox, TownProgressStore progress, SubmissionRepair repair)
{
    private TableClient Checklists => storage.Table(TableNames.Checklists);

    public async Task ApplyAsync(ChecklistChange change, CancellationToken cancellationToken = default)
    {
        var state = change.State;
        var pk = Keys.Checklist(state.Year, state.VillageId);
        var command = change.Command;

        // A review's comment lives in its own row (written before the orchestration heard of it): the audit row carries it too.
        var review = command.Kind == CommandKind.Submit
            ? null
            : (await Checklists.GetEntityIfExistsAsync<ReviewEntity>(pk, Keys.Review(command.Id), cancellationToken: cancellationToken)) is { HasValue: true } r ? r.Value : null;
        var batch = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpsertMerge, Header(state, change.TownId, version: null)),
            new(TableTransactionActionType.UpsertReplace, new AuditEntity
            {
                PartitionKey = pk,
                RowKey = Keys.Audit(command.Id),
                Step = command.Step,
                Kind = command.Kind.ToString().ToLowerInvariant(),
                Actor = command.Actor,
                At = command.At,
                From = change.From.ToWire(),
                To = change.To.ToWire(),
                Outcome = change.Outcome.ToString().ToLowerInvariant(),
                Reason = change.Reason,
                Comment = review?.Comment,
                Exemplary = command.Kind == CommandKind.Approve ? command.Exemplary : null,
            }),
        };
        if (state.Steps.TryGetValue(command.Step, out var step))
        {
            batch.Add(new(TableTransactionActionType.UpsertReplace, StepRow(pk, command.Step, step)));
        }

        // Different partitions, each write an idempotent upsert: all at once (one round trip's wait, not four).
        var writes = new List<Task>
        {
            Checklists.SubmitTransactionAsync(batch, cancellationToken),
            progress.WriteAsync(state, change.TownId, cancellationToken),
        };
        if (change.Outcome == Outcome.Applied)
        {
            writes.Add(UpdateReviewQueueAsync(change, cancellationToken));
            if (command.Kind == CommandKind.Approve && command.Activity is null && command.Exemplary && step is not null)
            {
                writes.Add(WriteCaseAsync(change, step, review, cancellationToken));
            }
            else if (command.Kind == CommandKind.Approve && command.Activity is { } activity && step?.Further.FirstOrDefault(f => f.SubmissionId == activity) is { } approved)
            {
                // Every approved further activity gets a row beside the cases (it counts in the meeting pack); an exemplary one is a candidate.
                writes.Add(WriteCaseAsync(change, step, review, cancellationToken, approved));
            }
        }

        await Task.WhenAll(writes);

        // The submission or review is on its checklist (applied, or refused with its reason): its intent is no longer
        // needed. After the writes, so that an intent is never gone before what shows the command; best effort (the
        // repair removes one left behind when it finds the audit row).
        await repair.ForgetAsync(command.Id);
    }

    /// <summary>An approval marked exemplary becomes a candidate case of the town, with a copy of the submission (one query per meeting pack).</summary>
    /// <param name="activity">An approved further activity: its row counts it, and it is a candidate only when marked exemplary.</param>
    private async Task WriteCaseAsync(ChecklistChange change, StepState step, ReviewEntity? review, CancellationToken cancellationToken, FurtherActivity? activity = null)
    {
        var state = change.State;
        var submissionId = activity?.SubmissionId ?? step.Submissions.LastOrDefault() ?? "";
        var submission = await Checklists.GetEntityIfExistsAsync<SubmissionEntity>(Keys.Checklist(state.Year, state.VillageId), Keys.Submission(submissionId), cancellationToken: cancellationToken);
        await storage.Table(TableNames.TownProgress).UpsertEntityAsync(
            new Committees.CaseEntity
            {
                PartitionKey = Committees.CaseEntity.Partition(state.Year, change.TownId),
                RowKey = Committees.CaseEntity.Row(state.VillageId, change.Command.Step, activity?.SubmissionId),
                VillageId = state.VillageId,
                Step = change.Command.Step,
                SubmissionId = submissionId,
                Activity = activity?.SubmissionId,
                Candidate = activity is null || activity.Exemplary,
                ReviewId = change.Command.Id,
                Comment = review?.Comment ?? "",
                ReviewedBy = change.Command.Actor,
                ApprovedAt = activity is null ? step.ApprovedAt ?? change.Command.At : change.Command.At,
                FieldsJson = submission.HasValue ? submission.Value!.FieldsJson : "{}",
                EvidenceJson = submission.HasValue ? submission.Value!.EvidenceJson : "[]",
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Partition "{year}-{townId}-queue" of TownProgress: one row per step waiting for review, oldest first by RowKey.</summary>
    public static string QueuePartition(int year, string townId) => Keys.Town(year, townId) + "-queue";

    /// <summary>"{villageId}|{step}" for the step's own submission, "{villageId}|{step}|{submissionId}" for a further activity.</summary>
    public static string QueueRow(string villageId, string step, string? activity = null) =>
        activity is null ? $"{villageId}|{step}" : $"{villageId}|{step}|{activity}";

    private async Task UpdateReviewQueueAsync(ChecklistChange change, CancellationToken cancellationToken)
    {
        var table = storage.Table(TableNames.TownProgress);
        var pk = QueuePartition(change.State.Year, change.TownId);
        var command = change.Command;

        // A further activity (version 3): handed in to an approved step, or a review naming it; the step stays approved.
        var further = command.Kind == CommandKind.Submit && change.From == StepStatus.Approved;
        var activity = further ? command.Id : command.Activity;
        var rk = QueueRow(change.State.VillageId, command.Step, activity);
        if (change.To == StepStatus.Submitted || further)
        {
            var row = new TableEntity(pk, rk) { ["VillageId"] = change.State.VillageId, ["Step"] = command.Step, ["SubmissionId"] = command.Id, ["SubmittedAt"] = command.At };
            if (further)
            {
                row["Activity"] = command.Id;
            }

            await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            try
            {
                await table.DeleteEntityAsync(pk, rk, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Not queued (a replay already removed it).
            }
        }
    }

    /// <summary>The quarter's snapshot, written once: a replay finds the row and leaves it as it was.</summary>
    public async Task RecordQuarterAsync(QuarterlyReview review, CancellationToken cancellationToken = default)
    {
        var definition = definitions.For(review.State.Year);
        var snapshot = new SnapshotEntity
        {
            PartitionKey = Keys.Town(review.State.Year, review.TownId),
            RowKey = Keys.Snapshot(review.Quarter, review.State.VillageId),
            VillageId = review.State.VillageId,
            Quarter = review.Quarter,
            AsOf = review.AsOf.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            StepsJson = JsonSerializer.Serialize(review.State.Steps.ToDictionary(s => s.Key, s => s.Value.Status.ToWire())),
            Approved = review.State.Steps.Values.Count(s => s.Status == StepStatus.Approved),
            Overdue = definition.Steps.Count(d => ChecklistRules.IsOverdue(StatusOf(review.State, d.Key), d.Due, review.AsOf)),
        };
        // Three partitions (snapshot, town progress, the secretary's outbox): written side by side, the reminders in one batch.
        async Task SnapshotAsync()
        {
            try
            {
                await storage.Table(TableNames.Snapshots).AddEntityAsync(snapshot, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Already recorded by an earlier attempt of this activity.
            }
        }

        async Task RemindAsync()
        {
            // Reminders for the village's current secretary (looked up now: a rotation mid-year reaches the new one).
            var village = await directory.FindVillageAsync(review.State.VillageId, cancellationToken);
            if (village is not null)
            {
                await outbox.QueueQuarterAsync(review, definition, village.Secretary.Username, cancellationToken);
            }
        }

        await Task.WhenAll(SnapshotAsync(), progress.WriteAsync(review.State, review.TownId, cancellationToken), RemindAsync());
    }

    public async Task<AssessmentResult> CloseAsync(YearClose close, CancellationToken cancellationToken = default)
    {
        var result = Assessment.Score(close.State, definitions.For(close.State.Year), close.Calendar);
        var header = Header(close.State, close.TownId, version: null);
        header.Score = result.Score;
        header.Closed = true;
        await Checklists.UpsertEntityAsync(header, TableUpdateMode.Merge, cancellationToken);
        return result;
    }

    /// <summary>The steps of a town waiting for review, oldest first (one query).</summary>
    /// <summary>The steps and further activities (<c>Activity</c>: its submission id) of a town waiting for review, oldest first (one query).</summary>
    public async Task<IReadOnlyList<(string VillageId, string Step, DateTimeOffset SubmittedAt, string? Activity)>> ReviewQueueAsync(int year, string townId, CancellationToken cancellationToken = default)
    {
        var list = new List<(string, string, DateTimeOffset, string?)>();
        await foreach (var row in storage.Table(TableNames.TownProgress).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {QueuePartition(year, townId)}"), cancellationToken: cancellationToken))
        {
            list.Add((row.GetString("VillageId"), row.GetString("Step"), row.GetDateTimeOffset("SubmittedAt") ?? DateTimeOffset.MinValue, row.GetString("Activity")));
        }

        return list.OrderBy(x => x.Item3).ToList();
    }

    private static StepStatus StatusOf(ChecklistState state, string step) =>
        state.Steps.TryGetValue(step, out var s) ? s.Status : StepStatus.NotStarted;

    private static ChecklistEntity Header(ChecklistState state, string townId, int? version)
    {
        var header = new ChecklistEntity
        {
            PartitionKey = Keys.Checklist(state.Year, state.VillageId),
            RowKey = ChecklistEntity.Row,
            Year = state.Year,
            VillageId = state.VillageId,
            TownId = townId,
            Status = state.Status.ToWire(),
        };
        if (version is { } v)
        {
            header.Version = v;
        }

        return header;
    }

    private static StepEntity StepRow(string pk, string key, StepState s) => new()
    {
        PartitionKey = pk,
        RowKey = Keys.Step(key),
        Step = key,
        Status = s.Status.ToWire(),
        SubmissionIds = JsonSerializer.Serialize(s.Submissions),
        ReturnedRounds = s.ReturnedRounds,
        FirstSubmittedAt = s.FirstSubmittedAt,
        ApprovedAt = s.ApprovedAt,
        Exemplary = s.Exemplary,
        LastReviewId = s.LastReviewId,
        FurtherJson = s.Further.Count == 0 ? null : JsonSerializer.Serialize(s.Further, Json.Options),
    };
}
