using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Committees;

/// <param name="FurtherApproved">Further activities of approved steps (version 3) approved by the pack's date.</param>
public sealed record PackVillage(string Id, string Name, IReadOnlyDictionary<string, string> Steps, IReadOnlyList<string> Overdue, int FurtherApproved = 0)
{
    public int Approved => Steps.Values.Count(s => s == "approved");

    /// <summary>Every approved activity: each approved step's own and every approved further one.</summary>
    public int Activities => Approved + FurtherApproved;

    public int Submitted => Steps.Values.Count(s => s == "submitted");
}

/// <param name="RecommendedBefore">Quarters whose meetings already recommended this case (each meeting's recommendation counts).</param>
public sealed record Candidate(
    string Key,
    string VillageId,
    string VillageName,
    string Step,
    string StepTitle,
    string Comment,
    DateTimeOffset ApprovedAt,
    IReadOnlyList<(string Label, string Value)> Fields,
    IReadOnlyList<EvidenceView> Evidence,
    IReadOnlyList<int>? RecommendedBefore = null);

/// <param name="Version">1 for the first save, +1 for each correction; a form opened on an older version gets 409.</param>
public sealed record MeetingRecord(
    int Quarter,
    string Date,
    string Attendees,
    string Minutes,
    IReadOnlyList<string> Recommended,
    string RecordedBy,
    DateTimeOffset RecordedAt,
    IReadOnlyList<Attendance>? Attendance = null,
    IReadOnlyList<string>? Agenda = null,
    int Version = 1);

/// <summary>Everything a town's quarterly exchange meeting needs, read from projections.</summary>
public sealed record MeetingPack(
    int Year,
    int Quarter,
    Town Town,
    DateOnly AsOf,
    bool FromSnapshot,
    IReadOnlyList<PackVillage> Villages,
    IReadOnlyList<Candidate> Candidates,
    MeetingRecord? Record,
    int Queries,
    IReadOnlyList<RollEntry>? Roll = null);

public sealed record MeetingResult(int Status, string? Title = null, ValidationErrors? Errors = null)
{
    public bool Ok => Status == 200;
}

/// <summary>
/// Quarterly exchange meetings of a town (季度交流会): the generated pack (progress at the quarter, overdue list,
/// outstanding-case candidates with their evidence) and the record of the meeting (date, attendees, minutes,
/// cases recommended to the city). A pack costs 5 table queries whatever the number of villages: towns, the
/// town's villages, the quarter's snapshots, the town's meeting records, its candidate cases (and approved further
/// activities, counted per village, in the same partition); 6 before the
/// quarter's first snapshot (the live progress partition is read instead).
/// </summary>
public sealed class MeetingService(StorageClients storage, Progress.TownProgressStore progress, DirectoryService directory, ChecklistDefinitions definitions, TimeProvider clock, ILogger<MeetingService> log)
{
    private TableClient Meetings => storage.Table(TableNames.Meetings);

    public async Task<MeetingPack?> PackAsync(int year, string townId, int quarter, CancellationToken cancellationToken = default)
    {
        var definition = definitions.Find(year);
        var town = definition is null ? null : (await directory.TownsAsync(cancellationToken)).FirstOrDefault(t => t.Id == townId);
        if (town is null)
        {
            return null;
        }

        var queries = 2;
        var directoryVillages = await directory.VillagesAsync(townId, cancellationToken);
        var names = directoryVillages.ToDictionary(v => v.Id, v => v.Name);
        var roll = directoryVillages.Where(v => !v.Closed).OrderBy(v => v.Name, StringComparer.Ordinal)
            .Select(v => new RollEntry(v.Id, v.Name, v.Secretary.Name, v.Secretary.Username)).ToList();
        var today = ChinaTime.Today(clock.GetUtcNow());

        // Progress as the quarter's snapshots froze it; before its first snapshot, as it stands today.
        var villages = new List<PackVillage>();
        var asOf = today;
        queries++;
        await foreach (var row in storage.Table(TableNames.Snapshots).QueryAsync<SnapshotEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(year, townId)} and RowKey ge {$"q{quarter}-"} and RowKey lt {$"q{quarter}."}"), cancellationToken: cancellationToken))
        {
            var day = DateOnly.FromDateTime(row.AsOf);
            asOf = villages.Count == 0 || day > asOf ? day : asOf;
            var steps = JsonSerializer.Deserialize<Dictionary<string, string>>(row.StepsJson) ?? [];
            villages.Add(Village(definition!, row.VillageId, names, s => steps.GetValueOrDefault(s), day));
        }

        var fromSnapshot = villages.Count > 0;
        if (!fromSnapshot)
        {
            queries++;
            foreach (var row in await progress.TownAsync(year, townId, cancellationToken))
            {
                villages.Add(Village(definition!, row.VillageId, names, s => row.StatusOf(s).ToWire(), today));
            }
        }

        // Meeting records of every quarter: this one's, and what earlier meetings already recommended.
        queries++;
        var records = new Dictionary<int, MeetingRecord>();
        await foreach (var m in Meetings.QueryAsync<MeetingEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(year, townId)} and RowKey ge {"q"} and RowKey lt {"r"}"), cancellationToken: cancellationToken))
        {
            records[m.Quarter] = ToRecord(m);
        }

        // A case may be recommended again at a later meeting: each meeting's recommendation counts (docs/committees.md).
        var earlier = records.Where(r => r.Key < quarter)
            .SelectMany(r => r.Value.Recommended.Select(k => (Key: k, Quarter: r.Key)))
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)g.Select(x => x.Quarter).Order().ToList());
        var quarterEnd = ChinaTime.QuarterLastDay(year, quarter);
        var candidates = new List<Candidate>();
        var further = new Dictionary<string, int>();
        queries++;
        await foreach (var c in storage.Table(TableNames.TownProgress).QueryAsync<CaseEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {CaseEntity.Partition(year, townId)}"), cancellationToken: cancellationToken))
        {
            // The fourth meeting sees the whole year (approvals after the year's end included).
            if (quarter < 4 && ChinaTime.Today(c.ApprovedAt) > quarterEnd)
            {
                continue;
            }

            // An approved further activity counts; it is a candidate only when marked exemplary.
            if (c.Activity is not null)
            {
                further[c.VillageId] = further.GetValueOrDefault(c.VillageId) + 1;
            }

            if (!(c.Candidate ?? true))
            {
                continue;
            }

            var step = definition!.Find(c.Step);
            var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(c.FieldsJson) ?? [];
            var evidence = (JsonSerializer.Deserialize<List<EvidenceItem>>(c.EvidenceJson, Json.Options) ?? [])
                .Select(x => new EvidenceView(x.Id, x.Kind, x.Bytes, EvidenceUrls.Of(year, c.VillageId, c.SubmissionId, x.Id), x.Thumbnail is null ? null : EvidenceUrls.Of(year, c.VillageId, c.SubmissionId, x.Id) + "?size=thumb"))
                .ToList();
            candidates.Add(new Candidate(
                c.RowKey,
                c.VillageId,
                names.GetValueOrDefault(c.VillageId, c.VillageId),
                c.Step,
                step?.Title ?? c.Step,
                c.Comment,
                c.ApprovedAt,
                (step?.Fields ?? []).Where(f => fields.ContainsKey(f.Name)).Select(f => (f.Label, fields[f.Name])).ToList(),
                evidence,
                earlier.GetValueOrDefault(c.RowKey, [])));
        }

        return new MeetingPack(
            year,
            quarter,
            town,
            asOf,
            fromSnapshot,
            villages.Select(v => v with { FurtherApproved = further.GetValueOrDefault(v.Id) }).OrderBy(v => v.Id, StringComparer.Ordinal).ToList(),
            candidates.OrderBy(c => c.ApprovedAt).ToList(),
            records.GetValueOrDefault(quarter),
            queries,
            roll);
    }

    /// <summary>
    /// Records (or corrects) the meeting. The same form token again changes nothing (a double tap, a reload); another
    /// token replaces the record, ETag-checked so two editors cannot both win. Nothing is written unless all is valid.
    /// </summary>
    public async Task<MeetingResult> RecordAsync(int year, string townId, int quarter, MeetingInput input, string? formToken, string actor, CancellationToken cancellationToken = default)
    {
        var pack = await PackAsync(year, townId, quarter, cancellationToken);
        if (pack is null)
        {
            return new MeetingResult(404, "找不到该镇街或年度");
        }

        var existing = await Meetings.GetEntityIfExistsAsync<MeetingEntity>(Keys.Town(year, townId), MeetingEntity.Row(quarter), cancellationToken: cancellationToken);
        var token = string.IsNullOrWhiteSpace(formToken) ? Guid.NewGuid().ToString("N") : formToken.Trim();
        if (existing.HasValue && existing.Value!.FormToken == token)
        {
            // Already recorded: only finish what a failure after the record may have left undone (the same rows again).
            var kept = ToRecord(existing.Value).Recommended.ToList();
            await RecommendAsync(year, townId, quarter, existing.Value, kept, await WithdrawnAsync(year, townId, quarter, kept, cancellationToken), cancellationToken);
            return new MeetingResult(200);
        }

        // A form opened on an older version (or before the first record) cannot overwrite what was saved since.
        var current = existing.HasValue ? VersionOf(existing.Value!) : 0;
        if (existing.HasValue && (!int.TryParse(input.Version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seen) || seen != current))
        {
            var newer = existing.Value!;
            return new MeetingResult(409, $"会议记录已被 {newer.RecordedBy} 于 {ChinaTime.ToChina(newer.RecordedAt):yyyy-MM-dd HH:mm} 修改（第 {current} 版），下面显示的是最新记录；您填写的内容仍在表单中，核对后再保存");
        }

        var recommended = input.Recommended.Distinct(StringComparer.Ordinal).ToList();
        var roll = pack.Roll ?? [];
        var errors = MeetingRules.Validate(year, quarter, input with { Recommended = recommended }, pack.Candidates.Select(c => c.Key).ToHashSet(), ChinaTime.Today(clock.GetUtcNow()), roll);
        if (errors.Count > 0)
        {
            return new MeetingResult(422, "会议记录有误，未保存", errors);
        }

        var stepTitles = definitions.For(year).Steps.ToDictionary(s => s.Key, s => s.Title);
        var agenda = MeetingRules.Agenda(pack, s => stepTitles.GetValueOrDefault(s, s), stepTitles.Count);

        var now = clock.GetUtcNow();
        var entity = new MeetingEntity
        {
            PartitionKey = Keys.Town(year, townId),
            RowKey = MeetingEntity.Row(quarter),
            Quarter = quarter,
            Date = input.Date!.Trim(),
            Attendees = input.Attendees?.Trim() ?? "",
            AttendanceJson = JsonSerializer.Serialize(MeetingRules.Attendances(roll, input)),
            AgendaJson = JsonSerializer.Serialize(agenda),
            Version = current + 1,
            Minutes = input.Minutes!.Trim(),
            RecommendedJson = JsonSerializer.Serialize(recommended),
            RecordedBy = actor,
            RecordedAt = now,
            FormToken = token,
        };
        try
        {
            if (existing.HasValue)
            {
                await Meetings.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await Meetings.AddEntityAsync(entity, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return new MeetingResult(409, "会议记录刚被别人修改过，请刷新后再保存");
        }

        var dropped = await WithdrawnAsync(year, townId, quarter, recommended, cancellationToken);
        await RecommendAsync(year, townId, quarter, entity, recommended, dropped, cancellationToken);
        log.LogInformation("Meeting of {TownId} {Year} Q{Quarter} recorded by {Actor}: {Recommended} cases recommended", townId, year, quarter, actor, recommended.Count);
        return new MeetingResult(200);
    }

    /// <summary>Cases towns recommended to the city this year (one query).</summary>
    public async Task<IReadOnlyList<RecommendationEntity>> RecommendedAsync(int year, CancellationToken cancellationToken = default)
    {
        var list = new List<RecommendationEntity>();
        await foreach (var r in Meetings.QueryAsync<RecommendationEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RecommendationEntity.Partition(year)}"), cancellationToken: cancellationToken))
        {
            list.Add(r);
        }

        return list.OrderBy(r => r.TownId, StringComparer.Ordinal).ThenBy(r => r.At).ToList();
    }

    /// <summary>The city's list and each village's audit trail; upserts keyed by the meeting's token, so a retry leaves the same rows.</summary>
    private async Task RecommendAsync(int year, string townId, int quarter, MeetingEntity meeting, List<string> recommended, List<(string Key, string Row)> dropped, CancellationToken cancellationToken)
    {
        var tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(meeting.FormToken)).AsSpan(0, 6));
        var note = $"第{quarter}季度交流会（{meeting.Date}）推荐至市级";
        foreach (var key in recommended)
        {
            var (villageId, step, activity) = Split(key);
            await Meetings.UpsertEntityAsync(
                new RecommendationEntity
                {
                    PartitionKey = RecommendationEntity.Partition(year),
                    RowKey = RecommendationEntity.Row(townId, villageId, step, quarter, activity),
                    TownId = townId,
                    VillageId = villageId,
                    Step = step,
                    Activity = activity,
                    Quarter = quarter,
                    MeetingDate = meeting.Date,
                    RecommendedBy = meeting.RecordedBy,
                    At = meeting.RecordedAt,
                },
                TableUpdateMode.Replace,
                cancellationToken);
            await AuditAsync(year, villageId, step, $"m{quarter}-{tag}-{step}{(activity is null ? "" : "-" + activity)}", "recommend", meeting, note, cancellationToken);
        }

        foreach (var (key, row) in dropped)
        {
            var (villageId, step, activity) = Split(key);
            try
            {
                await Meetings.DeleteEntityAsync(RecommendationEntity.Partition(year), row, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }

            if (recommended.Contains(key, StringComparer.Ordinal))
            {
                continue; // a row of the old shape, replaced by its per-quarter row above: not a withdrawal
            }

            await AuditAsync(year, villageId, step, $"m{quarter}-{tag}-{step}{(activity is null ? "" : "-" + activity)}-withdrawn", "unrecommend", meeting, $"第{quarter}季度交流会记录修改，撤回推荐", cancellationToken);
        }

        await Meetings.UpsertEntityAsync(
            new AuditEntity
            {
                PartitionKey = meeting.PartitionKey,
                RowKey = Keys.Audit($"m{quarter}-{tag}"),
                Kind = "meeting",
                Actor = meeting.RecordedBy,
                At = meeting.RecordedAt,
                Outcome = "applied",
                Comment = $"第{quarter}季度交流会（{meeting.Date}）推荐：" + (recommended.Count == 0 ? "无" : string.Join("，", recommended)),
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    private Task AuditAsync(int year, string villageId, string step, string id, string kind, MeetingEntity meeting, string comment, CancellationToken cancellationToken) =>
        storage.Table(TableNames.Checklists).UpsertEntityAsync(
            new AuditEntity
            {
                PartitionKey = Keys.Checklist(year, villageId),
                RowKey = Keys.Audit(id),
                Step = step,
                Kind = kind,
                Actor = meeting.RecordedBy,
                At = meeting.RecordedAt,
                From = "approved",
                To = "approved",
                Outcome = "applied",
                Comment = comment,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>
    /// Cases on the city's list from this town's meeting of this quarter that the record no longer recommends: read from
    /// the list itself, so a retry after a failed correction finishes the withdrawals too, and another quarter's
    /// recommendation is never withdrawn here.
    /// </summary>
    private async Task<List<(string Key, string Row)>> WithdrawnAsync(int year, string townId, int quarter, List<string> recommended, CancellationToken cancellationToken)
    {
        var withdrawn = new List<(string, string)>();
        await foreach (var r in Meetings.QueryAsync<RecommendationEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {RecommendationEntity.Partition(year)} and TownId eq {townId} and Quarter eq {quarter}"), cancellationToken: cancellationToken))
        {
            var key = r.CandidateKey();
            // Also a row written before recommendations were kept per quarter (row key without the quarter).
            if (!recommended.Contains(key, StringComparer.Ordinal) || r.RowKey != RecommendationEntity.Row(townId, r.VillageId, r.Step, quarter, r.Activity))
            {
                withdrawn.Add((key, r.RowKey));
            }
        }

        return withdrawn;
    }

    /// <summary>A candidate's key: "{villageId}|{step}", or "{villageId}|{step}|{submissionId}" for a further activity.</summary>
    private static (string VillageId, string Step, string? Activity) Split(string key)
    {
        var parts = key.Split('|', 3);
        return (parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
    }

    private static PackVillage Village(ChecklistDefinition definition, string villageId, Dictionary<string, string> names, Func<string, string?> status, DateOnly asOf)
    {
        var steps = definition.Steps.ToDictionary(s => s.Key, s => status(s.Key) ?? StepStatus.NotStarted.ToWire());
        var overdue = definition.Steps.Where(s => ChecklistRules.IsOverdue(StepStatusNames.Parse(steps[s.Key]), s.Due, asOf)).Select(s => s.Key).ToList();
        return new PackVillage(villageId, names.GetValueOrDefault(villageId, villageId), steps, overdue);
    }

    /// <summary>A record written before versions existed is version 1.</summary>
    private static int VersionOf(MeetingEntity m) => Math.Max(m.Version, 1);

    private static MeetingRecord ToRecord(MeetingEntity m) =>
        new(
            m.Quarter,
            m.Date,
            m.Attendees,
            m.Minutes,
            JsonSerializer.Deserialize<List<string>>(m.RecommendedJson) ?? [],
            m.RecordedBy,
            m.RecordedAt,
            JsonSerializer.Deserialize<List<Attendance>>(m.AttendanceJson) ?? [],
            JsonSerializer.Deserialize<List<string>>(m.AgendaJson) ?? [],
            VersionOf(m));
}
