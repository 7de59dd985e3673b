using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Ledger;

/// <summary>Row "v{version}-{rowId}" of partition "{year}-{villageId}" in the Ledger table.</summary>
public sealed class LedgerEntity : EntityBase
{
    public string Name { get; set; } = "";

    public string Sex { get; set; } = "";

    public int BirthYear { get; set; }

    public bool IsLeagueMember { get; set; }

    public string? Phone { get; set; }

    public string? Education { get; set; }

    public string? Occupation { get; set; }

    public string? Note { get; set; }

    public bool GuardianConsent { get; set; }

    public int? BirthMonth { get; set; }

    public int? BirthDay { get; set; }

    public string? ConsentRelation { get; set; }

    public string? ConsentMethod { get; set; }

    public string? ConsentOn { get; set; }

    public bool NeedsReview { get; set; }

    public bool Redacted { get; set; }

    public int Order { get; set; }

    public static LedgerEntity From(string pk, string rowKey, LedgerRow r, int order) => new()
    {
        PartitionKey = pk,
        RowKey = rowKey,
        Name = r.Name.Trim(),
        Sex = r.Sex,
        BirthYear = r.BirthYear,
        BirthMonth = r.BirthMonth,
        BirthDay = r.BirthDay,
        IsLeagueMember = r.IsLeagueMember,
        Phone = LedgerRules.NormalizePhone(r.Phone),
        Education = Blank(r.Education),
        Occupation = Blank(r.Occupation),
        Note = Blank(r.Note),
        GuardianConsent = r.GuardianConsent,
        ConsentRelation = Blank(r.ConsentRelation),
        ConsentMethod = Blank(r.ConsentMethod),
        ConsentOn = Blank(r.ConsentOn),
        NeedsReview = r.NeedsReview,
        Redacted = r.Redacted,
        Order = order,
    };

    public LedgerRow ToRow(string id, bool showPersonal) => new(
        id, Name, Sex, BirthYear, IsLeagueMember, showPersonal ? Phone : LedgerRules.MaskPhone(Phone), Education, Occupation, Note, GuardianConsent)
    {
        BirthMonth = BirthMonth,
        BirthDay = BirthDay,
        ConsentRelation = showPersonal ? ConsentRelation : null,
        ConsentMethod = showPersonal ? ConsentMethod : null,
        ConsentOn = showPersonal ? ConsentOn : null,
        NeedsReview = NeedsReview,
        Redacted = Redacted,
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>An import as the page previewed it, kept until the secretary confirms it (then deleted): the register version it was planned on and the sheet's people.</summary>
internal sealed record PendingImport(string Version, List<SheetPerson> People, string[] Fields, List<string> IgnoredColumns);

/// <summary>An import's outcome: the plan (what was or would be done) and the HTTP status (422 when any row has a problem).</summary>
public sealed record LedgerImportResult(int Status, string? Title, LedgerImportPlan Plan, string? PendingToken = null);

public sealed record LedgerChange(int Status, string? Title = null, IReadOnlyList<RowError>? Errors = null, int Count = 0);

/// <summary>The register as handed in with the ledger step: its version (kept for good) and what it held.</summary>
public sealed record LedgerSnapshot(string Version, int Rows, int Members);

/// <summary>
/// A village's register, one per village carried over from year to year (partition "{year}-{villageId}" per year,
/// the people keeping their ids). A change is all or nothing whatever its size: the new rows are written under a new
/// version, then the "current" pointer flips (ETag-checked, so two editors cannot both win), then the old version's
/// rows are deleted, unless that version was handed in as the ledger step: a pinned version
/// ("pin-{version}-{submissionId}") is the record the town reviewed and stays, except that a person removed from the
/// register is redacted in it (and in every other year) so that removing someone deletes them (docs/privacy.md).
/// Edits of one row or an import read the register and write it back only if nobody changed it meanwhile (else
/// 409), so two devices editing at once cannot drop each other's rows.
/// </summary>
public sealed partial class LedgerService(StorageClients storage, ILogger<LedgerService> log, TimeProvider? clock = null)
{
    private const string PendingPrefix = "ledger-imports/";
    private const string Pointer = "current";
    private const string PinPrefix = "pin-";

    private TableClient Table => storage.Table(TableNames.Ledger);

    [System.Text.RegularExpressions.GeneratedRegex("^v[0-9a-f]{8}$")]
    public static partial System.Text.RegularExpressions.Regex VersionFormat();

    /// <summary>The register now.</summary>
    public Task<IReadOnlyList<LedgerRow>> ReadAsync(int year, string villageId, bool showPhones, CancellationToken cancellationToken = default) =>
        ReadVersionAsync(year, villageId, null, showPhones, cancellationToken);

    /// <summary>The register as it was in a handed-in <paramref name="version"/> (none if that version is unknown), or now if null.</summary>
    public async Task<IReadOnlyList<LedgerRow>> ReadVersionAsync(int year, string villageId, string? version, bool showPhones, CancellationToken cancellationToken = default)
    {
        var pk = Keys.Checklist(year, villageId);
        if (version is null)
        {
            var (current, rows, _) = await LoadAsync(year, villageId, cancellationToken);
            return Rows(rows, current, showPhones);
        }

        return Rows(await LoadVersionAsync(pk, version, cancellationToken), version, showPhones);
    }

    /// <summary>Pins the register as it is now for a submission of the ledger step; a 422 if it has nobody in it, 409 if it changed meanwhile.</summary>
    public async Task<(LedgerSnapshot? Snapshot, int Status, string? Title)> PinAsync(int year, string villageId, string submissionId, CancellationToken cancellationToken = default)
    {
        var pk = Keys.Checklist(year, villageId);
        var (version, rows, _) = await LoadAsync(year, villageId, cancellationToken);
        var current = Rows(rows, version, showPhones: false);
        if (current.Count == 0)
        {
            return (null, 422, "台账里还没有登记任何人：请先在台账页录入或导入，再提交这一项");
        }

        await Table.UpsertEntityAsync(new TableEntity(pk, PinKey(version, submissionId)), TableUpdateMode.Replace, cancellationToken);

        // An edit that flipped the pointer before the pin was written may be deleting this version's rows: refuse, the secretary sends again.
        var now = await Table.GetEntityIfExistsAsync<TableEntity>(pk, Pointer, cancellationToken: cancellationToken);
        if (!now.HasValue || now.Value!.GetString("Version") != version)
        {
            await UnpinAsync(year, villageId, version, submissionId, cancellationToken);
            return (null, 409, "台账刚被修改过，请重新提交");
        }

        return (new LedgerSnapshot(version, current.Count, current.Count(r => r.IsLeagueMember)), 200, null);
    }

    /// <summary>Removes the pin of a submission that was never recorded (its version may then go with the next edit).</summary>
    public async Task UnpinAsync(int year, string villageId, string version, string submissionId, CancellationToken cancellationToken = default)
    {
        try
        {
            await Table.DeleteEntityAsync(Keys.Checklist(year, villageId), PinKey(version, submissionId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Removes every pin of a submission that was never recorded, whatever version it pinned (the repair does not know it).</summary>
    public async Task UnpinSubmissionAsync(int year, string villageId, string submissionId, CancellationToken cancellationToken = default)
    {
        var pk = Keys.Checklist(year, villageId);
        await foreach (var pin in Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {PinPrefix} and RowKey lt {"pin."}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (pin.RowKey.EndsWith("-" + submissionId, StringComparison.Ordinal))
            {
                try
                {
                    await Table.DeleteEntityAsync(pk, pin.RowKey, ETag.All, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                }
            }
        }
    }

    private static string PinKey(string version, string submissionId) => $"{PinPrefix}{version}-{submissionId}";

    /// <summary>Adds a row, or replaces the row with the same id (so sending the same form twice adds one row).</summary>
    public async Task<LedgerChange> SaveRowAsync(int year, string villageId, LedgerRow row, CancellationToken cancellationToken = default)
    {
        var problems = LedgerRules.Problems(row, year, Today).Select(m => new RowError(0, m)).ToList();
        if (problems.Count > 0)
        {
            return new LedgerChange(422, "这一行有误，未保存", problems);
        }

        var (version, rows) = await CurrentAsync(year, villageId, cancellationToken);
        var at = rows.FindIndex(r => r.Id == row.Id);
        if (at >= 0)
        {
            rows[at] = row;
        }
        else
        {
            rows.Add(row);
        }

        var result = await ReplaceCoreAsync(year, villageId, rows, version, cancellationToken);
        return result.Status == 200 ? result with { Count = 1 } : result;
    }

    /// <summary>Removes one row and redacts the person in every snapshot and year; a row already gone is not an error (the same form sent twice).</summary>
    public async Task<LedgerChange> DeleteRowAsync(int year, string villageId, string rowId, CancellationToken cancellationToken = default)
    {
        var (version, rows) = await CurrentAsync(year, villageId, cancellationToken);
        var left = rows.Where(r => r.Id != rowId).ToList();
        if (left.Count == rows.Count)
        {
            // Already gone (the same form sent twice, or a removal whose redaction was cut short): redact again, it is idempotent.
            if (Towns.Ids.IsValid(rowId))
            {
                await RedactEverywhereAsync(villageId, new HashSet<string> { rowId }, cancellationToken);
            }

            return new LedgerChange(200);
        }

        var result = await ReplaceCoreAsync(year, villageId, left, version, cancellationToken);
        return result.Status == 200 ? result with { Count = 1 } : result;
    }

    private static List<LedgerRow> Rows(IEnumerable<LedgerEntity> rows, string version, bool showPhones) =>
        version.Length == 0 ? [] : rows.Where(r => r.RowKey.StartsWith(version + "-", StringComparison.Ordinal))
            .OrderBy(r => r.Order)
            .Select(r => r.ToRow(r.RowKey[(version.Length + 1)..], showPhones))
            .ToList();

    private DateOnly Today => ChinaTime.Today((clock ?? TimeProvider.System).GetUtcNow());

    /// <summary>Replaces the whole register with <paramref name="rows"/> (the API's PUT: the last complete list wins).</summary>
    public Task<LedgerChange> ReplaceAsync(int year, string villageId, IReadOnlyList<LedgerRow> rows, CancellationToken cancellationToken = default) =>
        ReplaceCoreAsync(year, villageId, rows, null, cancellationToken);

    private async Task<(string Version, List<LedgerRow> Rows)> CurrentAsync(int year, string villageId, CancellationToken cancellationToken)
    {
        var (version, rows, _) = await LoadAsync(year, villageId, cancellationToken);
        return (version, Rows(rows, version, showPhones: true));
    }

    /// <summary>Writes the register; with <paramref name="expectedVersion"/>, only if it is still the version the caller read.</summary>
    private async Task<LedgerChange> ReplaceCoreAsync(int year, string villageId, IReadOnlyList<LedgerRow> rows, string? expectedVersion, CancellationToken cancellationToken)
    {
        var pk = Keys.Checklist(year, villageId);
        var (oldVersion, stored, pointer) = await LoadAsync(year, villageId, cancellationToken);
        if (expectedVersion is not null && expectedVersion != oldVersion)
        {
            return new LedgerChange(409, "台账刚被修改过（可能在另一台设备上），请刷新后再试");
        }

        // Rows stored before and sent back unchanged are not checked again (a child's consent recorded before the
        // rule asked for its details, a person carried over): only what this change adds or alters must pass.
        var storedRows = Rows(stored, oldVersion, showPhones: true);
        rows = LedgerImport.KeepIds(storedRows, rows);
        var before = storedRows.Where(r => r.Id is not null).ToDictionary(r => r.Id!);
        var errors = LedgerRules.Validate(rows, year, Today, r => r.Id is null || !before.TryGetValue(r.Id, out var was) || was != Normalized(r));
        if (errors.Count > 0)
        {
            return new LedgerChange(422, "台账有误，未保存任何内容", errors);
        }

        var version = "v" + Guid.NewGuid().ToString("N")[..8];
        var entities = rows.Select((r, i) => LedgerEntity.From(
            pk, $"{version}-{(string.IsNullOrEmpty(r.Id) || !Towns.Ids.IsValid(r.Id) ? Guid.NewGuid().ToString("N")[..12] : r.Id)}", r, i)).ToList();
        if (entities.Select(e => e.RowKey).Distinct().Count() != entities.Count)
        {
            return new LedgerChange(422, "台账中有重复的行编号");
        }

        try
        {
            foreach (var chunk in entities.Chunk(100))
            {
                await Table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), cancellationToken);
            }

            var next = new TableEntity(pk, Pointer) { ["Version"] = version };
            if (pointer is null)
            {
                await Table.AddEntityAsync(next, cancellationToken);
            }
            else
            {
                await Table.UpdateEntityAsync(next, pointer.ETag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            await DeleteAsync(entities, cancellationToken);
            return new LedgerChange(409, "台账刚被修改过，请刷新后再保存");
        }
        catch
        {
            await DeleteAsync(entities, cancellationToken);
            throw;
        }

        // Pins are read after the pointer flipped: a pin written later finds the pointer moved and refuses (see PinAsync).
        var pinned = new HashSet<string>();
        await foreach (var pin in Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {PinPrefix} and RowKey lt {"pin."}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            pinned.Add(VersionOf(pin.RowKey[PinPrefix.Length..]));
        }

        // The old version's rows, and any left by an edit that died before its pointer flipped: keys only, the rows are not read.
        var stale = new List<LedgerEntity>();
        await foreach (var key in Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"v"} and RowKey lt {"w"}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (!key.RowKey.StartsWith(version + "-", StringComparison.Ordinal) && !pinned.Contains(VersionOf(key.RowKey)))
            {
                stale.Add(new LedgerEntity { PartitionKey = pk, RowKey = key.RowKey });
            }
        }

        await DeleteAsync(stale, cancellationToken);

        // A person removed is removed everywhere: redacted from every kept snapshot and every year's register.
        var removed = before.Keys.Except(entities.Select(e => e.RowKey[(version.Length + 1)..])).ToHashSet();
        if (removed.Count > 0)
        {
            await RedactEverywhereAsync(villageId, removed, cancellationToken);
        }

        log.LogInformation("Ledger of {VillageId} {Year} replaced: {Count} rows (was version {Old})", villageId, year, entities.Count, oldVersion);
        return new LedgerChange(200, Count: entities.Count);
    }

    /// <summary>
    /// Reads a sheet and merges it into the register (see <see cref="LedgerImport"/>): with <paramref name="dryRun"/>
    /// only the plan, else the plan applied, all or nothing. Any row with a problem and nothing is written (422).
    /// Two imports at once: the later one is planned again on the register the first one left (so the same sheet
    /// sent twice at once still changes nothing the second time).
    /// </summary>
    public async Task<LedgerImportResult> ImportAsync(int year, string villageId, Stream content, string kind, bool dryRun, CancellationToken cancellationToken = default)
    {
        var sheet = ReadSheet(content, kind, out var refused);
        if (sheet is null)
        {
            return refused!;
        }

        for (var attempt = 0; ; attempt++)
        {
            var (version, register) = await CurrentAsync(year, villageId, cancellationToken);
            var result = await PlanOrApplyAsync(year, villageId, version, register, sheet, dryRun, cancellationToken);
            if (result.Status != 409 || attempt == 2)
            {
                return result;
            }
        }
    }

    /// <summary>The page's preview: the plan, and when it can be applied a token to confirm it with (<see cref="ApplyPendingAsync"/>).</summary>
    public async Task<LedgerImportResult> PreviewForPageAsync(int year, string villageId, Stream content, string kind, CancellationToken cancellationToken = default)
    {
        var sheet = ReadSheet(content, kind, out var refused);
        if (sheet is null)
        {
            return refused!;
        }

        var (version, register) = await CurrentAsync(year, villageId, cancellationToken);
        var result = await PlanOrApplyAsync(year, villageId, version, register, sheet, dryRun: true, cancellationToken);
        if (result.Status != 200 || !result.Plan.HasChanges)
        {
            return result;
        }

        var token = Guid.NewGuid().ToString("N");
        var pending = new PendingImport(version, [.. sheet.People], [.. sheet.Fields], [.. sheet.IgnoredColumns]);
        await storage.EvidenceContainer.GetBlobClient(PendingPath(year, villageId, token))
            .UploadAsync(BinaryData.FromObjectAsJson(pending), overwrite: true, cancellationToken);
        return result with { PendingToken = token };
    }

    /// <summary>
    /// Applies a previewed import if the register is still as it was when previewed (else 409 and the secretary
    /// previews again); the kept sheet is deleted either way. An unknown or used token: 404.
    /// </summary>
    public async Task<LedgerImportResult> ApplyPendingAsync(int year, string villageId, string token, CancellationToken cancellationToken = default)
    {
        var empty = LedgerImportPlan.Refused([]);
        if (token.Length != 32 || !token.All(char.IsAsciiHexDigitLower))
        {
            return new LedgerImportResult(404, "找不到这次导入的预览，请重新上传文件", empty);
        }

        var blob = storage.EvidenceContainer.GetBlobClient(PendingPath(year, villageId, token));
        PendingImport? pending;
        try
        {
            pending = (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<PendingImport>();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new LedgerImportResult(404, "这次导入已经确认过或已过期，请重新上传文件", empty);
        }

        await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        var (version, register) = await CurrentAsync(year, villageId, cancellationToken);
        if (pending is null || version != pending.Version)
        {
            return new LedgerImportResult(409, "预览之后台账又被修改过，请重新上传文件查看最新的预览", empty);
        }

        var sheet = new LedgerSheet(pending.People, [], pending.Fields.ToHashSet(), pending.IgnoredColumns);
        return await PlanOrApplyAsync(year, villageId, version, register, sheet, dryRun: false, cancellationToken);
    }

    private static string PendingPath(int year, string villageId, string token) => $"{PendingPrefix}{year}-{villageId}/{token}.json";

    private static LedgerSheet? ReadSheet(Stream content, string kind, out LedgerImportResult? refused)
    {
        refused = null;
        try
        {
            return LedgerFiles.Read(content, kind);
        }
        catch (Sheets.SheetRejectedException ex)
        {
            refused = new LedgerImportResult(ex.Status, ex.Message, LedgerImportPlan.Refused([new RowError(0, ex.Message)]));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            refused = new LedgerImportResult(422, "无法读取文件，请另存为 .xlsx 或 .csv 后再导入", LedgerImportPlan.Refused([new RowError(0, "文件内容无法解析")]));
        }

        return null;
    }

    private async Task<LedgerImportResult> PlanOrApplyAsync(int year, string villageId, string version, List<LedgerRow> register, LedgerSheet sheet, bool dryRun, CancellationToken cancellationToken)
    {
        var plan = LedgerImport.Plan(register, sheet, year, Today);
        if (plan.Errors.Count > 0)
        {
            return new LedgerImportResult(422, "导入失败：请按行号修改后重新导入，本次未导入任何内容", plan);
        }

        if (dryRun || !plan.HasChanges)
        {
            return new LedgerImportResult(200, null, plan);
        }

        var change = await ReplaceCoreAsync(year, villageId, LedgerImport.Apply(register, plan), version, cancellationToken);
        return change.Status == 200 ? new LedgerImportResult(200, null, plan) : new LedgerImportResult(change.Status, change.Title, plan with { Errors = change.Errors ?? [] });
    }

    private static LedgerRow Normalized(LedgerRow r) => LedgerEntity.From("", "", r, 0).ToRow(r.Id!, showPersonal: true);

    /// <summary>
    /// The pointer and the rows of the current version only: kept snapshots are not read (a read costs the register's
    /// size, not its history). A village's register carries over: the first time the current (or a later) year is
    /// used, it starts from last year's register (see <see cref="CarryOverAsync"/>).
    /// </summary>
    private async Task<(string Version, List<LedgerEntity> Rows, TableEntity? Pointer)> LoadAsync(int year, string villageId, CancellationToken cancellationToken, bool carryOver = true)
    {
        var pk = Keys.Checklist(year, villageId);
        var pointer = await Table.GetEntityIfExistsAsync<TableEntity>(pk, Pointer, cancellationToken: cancellationToken);
        if (!pointer.HasValue && carryOver && year >= Today.Year && await CarryOverAsync(year, villageId, cancellationToken))
        {
            pointer = await Table.GetEntityIfExistsAsync<TableEntity>(pk, Pointer, cancellationToken: cancellationToken);
        }

        var version = pointer.HasValue ? pointer.Value!.GetString("Version") : "";
        var rows = version.Length == 0 ? [] : await LoadVersionAsync(pk, version, cancellationToken);
        return (version, rows, pointer.HasValue ? pointer.Value : null);
    }

    /// <summary>The rows of one version: RowKeys "{version}-…", a range query ('.' follows '-').</summary>
    private async Task<List<LedgerEntity>> LoadVersionAsync(string pk, string version, CancellationToken cancellationToken)
    {
        var rows = new List<LedgerEntity>();
        await foreach (var row in Table.QueryAsync<LedgerEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey gt {version + "-"} and RowKey lt {version + "."}"), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// Starts a year's register from last year's: the same people under the same ids (so a later removal finds them in
    /// both years), those who are 36 by the year's end marked for review rather than dropped, removed
    /// people left behind. False if last year has no register. Two at once: one pointer wins, the other's rows go.
    /// </summary>
    private async Task<bool> CarryOverAsync(int year, string villageId, CancellationToken cancellationToken)
    {
        var (previous, rows, _) = await LoadAsync(year - 1, villageId, cancellationToken, carryOver: false);
        if (previous.Length == 0)
        {
            return false;
        }

        var yearEnd = new DateOnly(year, 12, 31);
        var pk = Keys.Checklist(year, villageId);
        var version = "v" + Guid.NewGuid().ToString("N")[..8];
        var entities = Rows(rows, previous, showPhones: true).Where(r => !r.Redacted)
            .Select((r, i) => LedgerEntity.From(pk, $"{version}-{r.Id}", r with { NeedsReview = r.NeedsReview || LedgerRules.AgeOn(r, yearEnd) >= LedgerRules.ReviewAge }, i))
            .ToList();
        try
        {
            foreach (var chunk in entities.Chunk(100))
            {
                await Table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), cancellationToken);
            }

            await Table.AddEntityAsync(new TableEntity(pk, Pointer) { ["Version"] = version, ["CarriedFrom"] = previous }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await DeleteAsync(entities, cancellationToken);
            return true;
        }

        log.LogInformation("Ledger of {VillageId} {Year} started from {Previous}: {Count} rows, {Review} to review", villageId, year, year - 1, entities.Count, entities.Count(e => e.NeedsReview));
        return true;
    }

    /// <summary>The first year whose registers a removal looks through (none are older).</summary>
    public const int FirstYear = 2020;

    /// <summary>
    /// Removes the given people (row ids) from every year of a village: in a handed-in (pinned) version the row is
    /// redacted, so the snapshot keeps its count and member count; in a register nobody handed in it is deleted.
    /// </summary>
    private async Task RedactEverywhereAsync(string villageId, IReadOnlySet<string> ids, CancellationToken cancellationToken)
    {
        // The consent photos first: they are the most sensitive copy of a child and no snapshot keeps them.
        await DeleteConsentPhotosAsync(villageId, ids, cancellationToken);
        for (var year = FirstYear; year <= Today.Year + 1; year++)
        {
            var pk = Keys.Checklist(year, villageId);
            var pinned = new HashSet<string>();
            await foreach (var pin in Table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {PinPrefix} and RowKey lt {"pin."}"), select: ["RowKey"], cancellationToken: cancellationToken))
            {
                pinned.Add(VersionOf(pin.RowKey[PinPrefix.Length..]));
            }

            var loose = new List<LedgerEntity>();
            await RedactAsync(
                TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"v"} and RowKey lt {"w"}"),
                e =>
                {
                    if (!ids.Contains(e.RowKey[(e.RowKey.IndexOf('-', StringComparison.Ordinal) + 1)..]))
                    {
                        return false;
                    }

                    if (pinned.Contains(VersionOf(e.RowKey)))
                    {
                        return true;
                    }

                    loose.Add(new LedgerEntity { PartitionKey = e.PartitionKey, RowKey = e.RowKey });
                    return false;
                },
                cancellationToken);
            await DeleteAsync(loose, cancellationToken);
        }
    }

    /// <summary>Redacts every person of every village's register and snapshots of a year (the retention rule); how many rows were redacted.</summary>
    public Task<int> RedactYearAsync(int year, CancellationToken cancellationToken = default) =>
        RedactAsync(
            TableClient.CreateQueryFilter($"PartitionKey ge {year + "-"} and PartitionKey lt {year + "."} and RowKey ge {"v"} and RowKey lt {"w"}"),
            _ => true,
            cancellationToken);

    private async Task<int> RedactAsync(string filter, Func<TableEntity, bool> which, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "IsLeagueMember", "Order", "Redacted"], cancellationToken: cancellationToken))
        {
            if (e.GetBoolean("Redacted") == true || !which(e))
            {
                continue;
            }

            // Replace, not merge: a merge cannot remove the properties that hold the person.
            await Table.UpdateEntityAsync(
                new LedgerEntity { PartitionKey = e.PartitionKey, RowKey = e.RowKey, Name = LedgerRules.RedactedName, IsLeagueMember = e.GetBoolean("IsLeagueMember") ?? false, Order = e.GetInt32("Order") ?? 0, Redacted = true },
                ETag.All,
                TableUpdateMode.Replace,
                cancellationToken);
            count++;
        }

        return count;
    }

    /// <summary>Deletes previewed imports never confirmed (they hold the people of the sheet) older than <paramref name="age"/>.</summary>
    public async Task<int> SweepPendingImportsAsync(TimeSpan age, CancellationToken cancellationToken = default)
    {
        var before = (clock ?? TimeProvider.System).GetUtcNow() - age;
        var count = 0;
        await foreach (var blob in storage.EvidenceContainer.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, PendingPrefix, cancellationToken))
        {
            if (blob.Properties.CreatedOn is { } created && created < before)
            {
                await storage.EvidenceContainer.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
                count++;
            }
        }

        return count;
    }

    private static string VersionOf(string rowKey) => rowKey.IndexOf('-', StringComparison.Ordinal) is var dash and > 0 ? rowKey[..dash] : rowKey;

    private async Task DeleteAsync(IEnumerable<LedgerEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            try
            {
                await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }
        }
    }
}
