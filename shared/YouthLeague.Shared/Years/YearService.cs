using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using YouthLeague.Audit;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;
using YouthLeague.Workflow;

namespace YouthLeague.Years;

public sealed record YearOutcome(int Status, string? Title = null, IReadOnlyList<string>? Errors = null)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>Where the definition shown for a year comes from.</summary>
public sealed record YearDefinition(ChecklistDefinition Definition, string Source, string Status);

public sealed record YearView(int Year, string Status, int Villages, int Started, string? ClosesOn, DateTimeOffset? OpenedAt, bool Opening);

public sealed record OpenResult(int Total, int Started, int AlreadyRunning);

/// <summary>
/// A year's life: its checklist definition kept in storage (the files in seeds/checklists are the defaults offered),
/// published, then opened for every active village, then its closing window. See docs/workflow.md.
/// </summary>
public sealed class YearService(StorageClients storage, ChecklistDefinitions defaults, DirectoryService directory, AuditLog audit, TimeProvider clock, IConfiguration config)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<int, (DateTimeOffset At, YearEntity? Row, ChecklistDefinition? Published)> cache = new();

    /// <summary>Years whose cached definition is being read again in the background (one read per year at a time).</summary>
    private readonly ConcurrentDictionary<int, byte> refreshing = new();

    private TableClient Table => storage.Table(TableNames.Years);

    public static string OpeningInstanceId(int year) => $"open-year-{year}";

    public async Task<YearEntity?> FindAsync(int year, CancellationToken cancellationToken = default)
    {
        var row = await Table.GetEntityIfExistsAsync<YearEntity>(YearEntity.Partition, Key(year), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// The published definition of a year, for <see cref="ChecklistDefinitions"/> (synchronous: it is read on every page).
    /// Cached briefly; an opened year's definition never changes, so it is cached for good. Only a process's first ask
    /// for a year (or the first after this process changed it) reads storage on the caller's thread; an entry past
    /// <see cref="CacheFor"/> is answered as it stands while one read per year refreshes it in the background, so a
    /// page never blocks a thread on storage for a change another instance made.
    /// </summary>
    public ChecklistDefinition? PublishedDefinition(int year)
    {
        var now = clock.GetUtcNow();
        if (!cache.TryGetValue(year, out var hit))
        {
            var row = Table.GetEntityIfExists<YearEntity>(YearEntity.Partition, Key(year));
            hit = Cached(now, row.HasValue ? row.Value : null);
            cache[year] = hit;
        }
        else if (hit.Row?.OpenedAt is null && now - hit.At > CacheFor && refreshing.TryAdd(year, 0))
        {
            _ = RefreshAsync(year, hit);
        }

        return hit.Published;
    }

    /// <summary>Parsed once per read of the row, not on every call (pages ask several times each).</summary>
    private static (DateTimeOffset At, YearEntity? Row, ChecklistDefinition? Published) Cached(DateTimeOffset at, YearEntity? row) =>
        (at, row, row is { Status: YearStatus.Published } r ? JsonSerializer.Deserialize<ChecklistDefinition>(r.DefinitionJson, DefinitionJson.Options) : null);

    private async Task RefreshAsync(int year, (DateTimeOffset At, YearEntity? Row, ChecklistDefinition? Published) stale)
    {
        try
        {
            await Task.Yield();
            var row = await Table.GetEntityIfExistsAsync<YearEntity>(YearEntity.Partition, Key(year));
            // Only over the entry it refreshes: one this process removed meanwhile (its own change) is read afresh.
            cache.TryUpdate(year, Cached(clock.GetUtcNow(), row.HasValue ? row.Value : null), stale);
        }
        catch (Exception)
        {
            // Storage unreachable or the row unreadable: the entry stands and the next ask past CacheFor tries again.
        }
        finally
        {
            refreshing.TryRemove(year, out _);
        }
    }

    /// <summary>The stored definition, else the default file, else last year's carried forward.</summary>
    public async Task<YearDefinition?> DefinitionAsync(int year, CancellationToken cancellationToken = default)
    {
        var row = await FindAsync(year, cancellationToken);
        if (row is { DefinitionJson.Length: > 0 })
        {
            return new YearDefinition(JsonSerializer.Deserialize<ChecklistDefinition>(row.DefinitionJson, DefinitionJson.Options)!, "stored", await StatusOfAsync(row, cancellationToken));
        }

        if (defaults.Default(year) is { } file)
        {
            return new YearDefinition(file, "default", YearStatus.Draft);
        }

        var previous = await FindAsync(year - 1, cancellationToken);
        var source = previous is { DefinitionJson.Length: > 0 }
            ? JsonSerializer.Deserialize<ChecklistDefinition>(previous.DefinitionJson, DefinitionJson.Options)
            : defaults.Default(year - 1);
        return source is null ? null : new YearDefinition(DefinitionJson.Carry(source, year), "previous-year", YearStatus.Draft);
    }

    public async Task<(YearOutcome Outcome, ChecklistDefinition? Definition)> SaveDraftAsync(string actor, int year, string json, CancellationToken cancellationToken = default)
    {
        var (definition, errors) = DefinitionJson.Read(json, year);
        if (definition is null)
        {
            return (new YearOutcome(422, "清单定义有误，未保存", errors), null);
        }

        var row = await FindAsync(year, cancellationToken);
        if (row?.OpenedAt is not null)
        {
            return (new YearOutcome(409, $"{year} 年度已开启，清单不能再修改"), null);
        }

        row ??= new YearEntity { PartitionKey = YearEntity.Partition, RowKey = Key(year) };
        var wasPublished = row.Status == YearStatus.Published;
        // As submitted (normalised), so parts of the definition this code does not know are kept.
        row.DefinitionJson = DefinitionJson.TryParseObject(json) is { } submitted ? DefinitionJson.Normalize(submitted) : DefinitionJson.Write(definition);
        row.Status = YearStatus.Draft;
        row.PublishedAt = null;
        row.PublishedBy = null;
        if (!await TryWriteAsync(row, cancellationToken))
        {
            return (new YearOutcome(409, "清单刚被他人修改，请刷新后重试"), null);
        }

        cache.TryRemove(year, out _);
        await audit.RecordAsync(actor, AuditLog.Actions.DefinitionSaved, $"{year}", wasPublished ? "已发布的清单改回草稿" : $"{definition.Steps.Count} 个步骤", cancellationToken);
        return (new YearOutcome(200), definition);
    }

    /// <summary>Freezes the definition shown for the year (stored draft or default); checked again first.</summary>
    public async Task<YearOutcome> PublishAsync(string actor, int year, CancellationToken cancellationToken = default)
    {
        var row = await FindAsync(year, cancellationToken);
        if (row?.Status == YearStatus.Published)
        {
            return new YearOutcome(200);
        }

        var shown = await DefinitionAsync(year, cancellationToken);
        if (shown is null)
        {
            return new YearOutcome(404, $"{year} 年度还没有清单定义，请先编辑保存");
        }

        var errors = DefinitionJson.Check(shown.Definition, year);
        if (errors.Count > 0)
        {
            return new YearOutcome(422, "清单定义有误，不能发布", errors);
        }

        row ??= new YearEntity { PartitionKey = YearEntity.Partition, RowKey = Key(year) };
        row.DefinitionJson = shown.Source == "stored" && row.DefinitionJson.Length > 0 ? row.DefinitionJson : DefinitionJson.Write(shown.Definition);
        row.Status = YearStatus.Published;
        row.PublishedAt = clock.GetUtcNow();
        row.PublishedBy = actor;
        if (!await TryWriteAsync(row, cancellationToken))
        {
            return new YearOutcome(409, "清单刚被他人修改，请刷新后重试");
        }

        cache.TryRemove(year, out _);
        await audit.RecordAsync(actor, AuditLog.Actions.DefinitionPublished, $"{year}", $"{shown.Definition.Title}（{shown.Definition.Steps.Count} 个步骤）", cancellationToken);
        return new YearOutcome(200);
    }

    public async Task<YearView> ViewAsync(int year, DurableTaskClient? client = null, CancellationToken cancellationToken = default)
    {
        var row = await FindAsync(year, cancellationToken);
        var villages = (await directory.VillagesAsync(cancellationToken: cancellationToken)).Count(v => !v.Closed);
        var started = row?.OpenedAt is null ? 0 : await CountStartedAsync(year, cancellationToken);
        var opening = false;
        if (client is not null && row?.OpenedAt is not null)
        {
            // Opening while villages wait for their checklist; once every one has it, the orchestration only adds up.
            var instance = started < villages ? await client.GetInstanceAsync(OpeningInstanceId(year), cancellationToken) : null;
            opening = instance?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending;
        }

        return new YearView(year, row is null ? YearStatus.Draft : await StatusOfAsync(row, cancellationToken), villages, started, row?.ClosesOn, row?.OpenedAt, opening);
    }

    /// <summary>
    /// Opens the year for every active village, in the background (an orchestration, so a crash resumes it).
    /// Safe twice: a running opening is left alone, checklists already started are never reset.
    /// </summary>
    public async Task<(YearOutcome Outcome, OpenResult? Result)> OpenAsync(string actor, int year, DurableTaskClient client, DateOnly? closesOn = null, CancellationToken cancellationToken = default)
    {
        var row = await FindAsync(year, cancellationToken);
        if (row is null || row.Status != YearStatus.Published)
        {
            return (new YearOutcome(409, $"请先发布 {year} 年度清单，再开启年度"), null);
        }

        if (closesOn is { } c && CheckClosesOn(year, c) is { } outOfRange)
        {
            return (outOfRange, null);
        }

        if (row.OpenedAt is null)
        {
            var calendar = CalendarFor(year);
            row.OpenedAt = clock.GetUtcNow();
            row.OpenedBy = actor;
            row.CalendarJson = JsonSerializer.Serialize(calendar, Json.Options);
            row.ClosesOn = (closesOn ?? calendar.DefaultClosesOn).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (!await TryWriteAsync(row, cancellationToken))
            {
                // Another request opened it at the same moment: go on with what it wrote.
                row = (await FindAsync(year, cancellationToken))!;
            }

            cache.TryRemove(year, out _);
        }

        var villages = (await directory.VillagesAsync(cancellationToken: cancellationToken)).Where(v => !v.Closed).ToList();
        var started = await StartedVillagesAsync(year, cancellationToken);
        var already = villages.Count(v => started.Contains(v.Id));
        var options = new StartOrchestrationOptions(OpeningInstanceId(year))
            .WithDedupeStatuses(OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending);
        var existing = await client.GetInstanceAsync(OpeningInstanceId(year), cancellationToken);
        if (existing?.RuntimeStatus is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending) && already < villages.Count)
        {
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(YearNames.OpenYearOrchestrator, new YearOpening(year), options, cancellationToken);
            }
            catch (Exception)
            {
                // A concurrent request may have started it; otherwise the failure stands.
                if (!await IsRunningAsync(client, year, cancellationToken))
                {
                    throw;
                }
            }
        }

        await audit.RecordAsync(actor, AuditLog.Actions.YearOpened, $"{year}", $"共 {villages.Count} 个村，已开启 {already} 个，本次开启 {villages.Count - already} 个；收尾截止 {row.ClosesOn}", cancellationToken);
        return (new YearOutcome(202), new OpenResult(villages.Count, villages.Count - already, already));
    }

    /// <summary>A closing date outside 1 January to 30 June of the next year, refused with the reason; null when it fits.</summary>
    public static YearOutcome? CheckClosesOn(int year, DateOnly closesOn) =>
        closesOn < new DateOnly(year + 1, 1, 1) || closesOn > new DateOnly(year + 1, 6, 30)
            ? new YearOutcome(422, "收尾截止日期应在次年 1 月 1 日至 6 月 30 日之间", [$"closesOn: {closesOn:yyyy-MM-dd}"])
            : null;

    /// <summary>The daily timer: opens the current year (China time) once its definition is published.</summary>
    public async Task<bool> OpenCurrentYearIfDueAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        var year = ChinaTime.Year(clock.GetUtcNow());
        var row = await FindAsync(year, cancellationToken);
        if (row is not { Status: YearStatus.Published, OpenedAt: null })
        {
            return false;
        }

        var (outcome, _) = await OpenAsync("timer", year, client, cancellationToken: cancellationToken);
        return outcome.Ok;
    }

    /// <summary>The calendar and closing date of an opened year, for a village added after the opening.</summary>
    public async Task<(ChecklistCalendar Calendar, DateOnly ClosesOn)?> OpenedCalendarAsync(int year, CancellationToken cancellationToken = default)
    {
        var row = await FindAsync(year, cancellationToken);
        if (row?.OpenedAt is null || row.CalendarJson is null)
        {
            return null;
        }

        return (JsonSerializer.Deserialize<ChecklistCalendar>(row.CalendarJson, Json.Options)!, DateOnly.ParseExact(row.ClosesOn!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// True once a village's checklist is past its fourth quarter and in its closing window (version 2 and later; its
    /// own calendar, as its header records it): only resubmissions of returned items are taken.
    /// </summary>
    public static bool InClosingWindow(ChecklistEntity header, DateTimeOffset now) =>
        CalendarOf(header) is { } c && c.Version >= ChecklistRun.ClosingWindowVersion && now >= c.Calendar.QuarterEnd(4);

    /// <summary>The calendar a village's checklist started with (from its header), and its version.</summary>
    public async Task<(ChecklistCalendar Calendar, DateOnly ClosesOn, int Version)?> VillageCalendarAsync(int year, string villageId, CancellationToken cancellationToken = default)
    {
        var header = await storage.Table(TableNames.Checklists).GetEntityIfExistsAsync<ChecklistEntity>(Keys.Checklist(year, villageId), ChecklistEntity.Row, cancellationToken: cancellationToken);
        return header.HasValue ? CalendarOf(header.Value!) : null;
    }

    /// <summary>The calendar, closing date and version a checklist's header records (null for a header without a calendar).</summary>
    public static (ChecklistCalendar Calendar, DateOnly ClosesOn, int Version)? CalendarOf(ChecklistEntity header)
    {
        if (header.CalendarJson is not { Length: > 0 } json)
        {
            return null;
        }

        var calendar = JsonSerializer.Deserialize<ChecklistCalendar>(json, Json.Options)!;
        var closesOn = header.ClosesOn is { Length: > 0 } c ? DateOnly.ParseExact(c, "yyyy-MM-dd", CultureInfo.InvariantCulture) : calendar.DefaultClosesOn;
        return (calendar, closesOn, header.Version ?? 1);
    }

    /// <summary>
    /// Marks a year opened without the background opening (the demo seeder starts its villages itself, with its own
    /// calendar). Publishes the definition shown for the year first if nobody has.
    /// </summary>
    public async Task<YearOutcome> EnsureOpenedAsync(string actor, int year, ChecklistCalendar calendar, CancellationToken cancellationToken = default)
    {
        var published = await PublishAsync(actor, year, cancellationToken);
        if (!published.Ok)
        {
            return published;
        }

        var row = (await FindAsync(year, cancellationToken))!;
        if (row.OpenedAt is null)
        {
            row.OpenedAt = clock.GetUtcNow();
            row.OpenedBy = actor;
            row.CalendarJson = JsonSerializer.Serialize(calendar, Json.Options);
            row.ClosesOn = calendar.DefaultClosesOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await TryWriteAsync(row, cancellationToken);
            cache.TryRemove(year, out _);
        }

        return new YearOutcome(200);
    }

    public async Task<HashSet<string>> StartedVillagesAsync(int year, CancellationToken cancellationToken = default)
    {
        var set = new HashSet<string>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {OpenedVillageEntity.PartitionOf(year)}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            set.Add(e.RowKey);
        }

        return set;
    }

    public async Task MarkStartedAsync(int year, IEnumerable<(string VillageId, string TownId)> villages, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        foreach (var chunk in villages.Chunk(100))
        {
            await Table.SubmitTransactionAsync(
                chunk.Select(v => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new OpenedVillageEntity
                {
                    PartitionKey = OpenedVillageEntity.PartitionOf(year),
                    RowKey = v.VillageId,
                    TownId = v.TownId,
                    StartedAt = now,
                })),
                cancellationToken);
        }
    }

    /// <summary>Real calendar, or (demos and tests, YouthLeague:QuarterLength) a compressed one starting now.</summary>
    public ChecklistCalendar CalendarFor(int year) =>
        config.GetValue<TimeSpan?>("YouthLeague:QuarterLength") is { } quarter
            ? ChecklistCalendar.Compressed(year, clock.GetUtcNow().AddSeconds(2), quarter)
            : ChecklistCalendar.Real(year);

    private async Task<int> CountStartedAsync(int year, CancellationToken cancellationToken) => (await StartedVillagesAsync(year, cancellationToken)).Count;

    private async Task<string> StatusOfAsync(YearEntity row, CancellationToken cancellationToken)
    {
        if (row.OpenedAt is null)
        {
            return row.Status;
        }

        var (calendar, closesOn) = (await OpenedCalendarAsync(int.Parse(row.RowKey, CultureInfo.InvariantCulture), cancellationToken))!.Value;
        var now = clock.GetUtcNow();
        return now < calendar.QuarterEnd(4) ? YearStatus.Open : now < calendar.ClosingEnd(closesOn) ? YearStatus.Closing : YearStatus.Closed;
    }

    private static async Task<bool> IsRunningAsync(DurableTaskClient client, int year, CancellationToken cancellationToken) =>
        (await client.GetInstanceAsync(OpeningInstanceId(year), cancellationToken))?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending;

    /// <summary>Writes the year's row if nobody changed it since it was read (false when someone did).</summary>
    public async Task<bool> TryWriteAsync(YearEntity row, CancellationToken cancellationToken)
    {
        try
        {
            if (row.ETag == default)
            {
                await Table.AddEntityAsync(row, cancellationToken);
            }
            else
            {
                await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    private static string Key(int year) => year.ToString(CultureInfo.InvariantCulture);
}
