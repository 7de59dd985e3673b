using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
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

    public int Order { get; set; }
}

public sealed record LedgerChange(int Status, string? Title = null, IReadOnlyList<RowError>? Errors = null, int Count = 0);

/// <summary>The register as handed in with the ledger step: its version (kept for good) and what it held.</summary>
public sealed record LedgerSnapshot(string Version, int Rows, int Members);

/// <summary>
/// A village's register. A change is all or nothing whatever its size: the new rows are written under a new
/// version, then the "current" pointer flips (ETag-checked, so two editors cannot both win), then the old
/// version's rows are deleted, so a person removed from the ledger is gone from storage, not just hidden,
/// unless that version was handed in as the ledger step: a pinned version ("pin-{version}-{submissionId}") is the
/// record the town reviewed and stays. Edits of one row or an import read the register and write it back only if
/// nobody changed it meanwhile (else 409), so two devices editing at once cannot drop each other's rows.
/// </summary>
public sealed partial class LedgerService(StorageClients storage, ILogger<LedgerService> log)
{
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

    private static string PinKey(string version, string submissionId) => $"{PinPrefix}{version}-{submissionId}";

    /// <summary>Adds a row, or replaces the row with the same id (so sending the same form twice adds one row).</summary>
    public async Task<LedgerChange> SaveRowAsync(int year, string villageId, LedgerRow row, CancellationToken cancellationToken = default)
    {
        var problems = LedgerRules.Problems(row, year).Select(m => new RowError(0, m)).ToList();
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

    /// <summary>Removes one row; a row already gone is not an error (the same form sent twice).</summary>
    public async Task<LedgerChange> DeleteRowAsync(int year, string villageId, string rowId, CancellationToken cancellationToken = default)
    {
        var (version, rows) = await CurrentAsync(year, villageId, cancellationToken);
        var left = rows.Where(r => r.Id != rowId).ToList();
        if (left.Count == rows.Count)
        {
            return new LedgerChange(200);
        }

        var result = await ReplaceCoreAsync(year, villageId, left, version, cancellationToken);
        return result.Status == 200 ? result with { Count = 1 } : result;
    }

    private static List<LedgerRow> Rows(IEnumerable<LedgerEntity> rows, string version, bool showPhones) =>
        version.Length == 0 ? [] : rows.Where(r => r.RowKey.StartsWith(version + "-", StringComparison.Ordinal))
            .OrderBy(r => r.Order)
            .Select(r => new LedgerRow(
                r.RowKey[(version.Length + 1)..], r.Name, r.Sex, r.BirthYear, r.IsLeagueMember,
                showPhones ? r.Phone : LedgerRules.MaskPhone(r.Phone), r.Education, r.Occupation, r.Note, r.GuardianConsent))
            .ToList();

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
        var errors = LedgerRules.Validate(rows, year);
        if (errors.Count > 0)
        {
            return new LedgerChange(422, "台账有误，未保存任何内容", errors);
        }

        var pk = Keys.Checklist(year, villageId);
        var (oldVersion, _, pointer) = await LoadAsync(year, villageId, cancellationToken);
        if (expectedVersion is not null && expectedVersion != oldVersion)
        {
            return new LedgerChange(409, "台账刚被修改过（可能在另一台设备上），请刷新后再试");
        }

        var version = "v" + Guid.NewGuid().ToString("N")[..8];
        var entities = rows.Select((r, i) => new LedgerEntity
        {
            PartitionKey = pk,
            RowKey = $"{version}-{(string.IsNullOrEmpty(r.Id) || !Towns.Ids.IsValid(r.Id) ? Guid.NewGuid().ToString("N")[..12] : r.Id)}",
            Name = r.Name.Trim(),
            Sex = r.Sex,
            BirthYear = r.BirthYear,
            IsLeagueMember = r.IsLeagueMember,
            Phone = string.IsNullOrWhiteSpace(r.Phone) ? null : r.Phone.Trim(),
            Education = r.Education?.Trim(),
            Occupation = r.Occupation?.Trim(),
            Note = r.Note?.Trim(),
            GuardianConsent = r.GuardianConsent,
            Order = i,
        }).ToList();
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
        log.LogInformation("Ledger of {VillageId} {Year} replaced: {Count} rows (was version {Old})", villageId, year, entities.Count, oldVersion);
        return new LedgerChange(200, Count: entities.Count);
    }

    /// <summary>
    /// Adds the rows of a file to the ledger; any error in any row and nothing is added. With a <paramref name="token"/>
    /// (the form's token, or the API's Idempotency-Key) the same upload sent again adds nothing the second time.
    /// </summary>
    public async Task<LedgerChange> ImportAsync(int year, string villageId, Stream content, string kind, string? token = null, CancellationToken cancellationToken = default)
    {
        List<LedgerRow> incoming;
        List<RowError> errors;
        try
        {
            (incoming, errors) = LedgerFiles.Read(content, kind);
        }
        catch (Sheets.SheetRejectedException ex)
        {
            return new LedgerChange(ex.Status, ex.Message, [new RowError(0, ex.Message)]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new LedgerChange(422, "无法读取文件，请使用模板保存为 .xlsx 或 .csv", [new RowError(0, "文件内容无法解析")]);
        }

        errors.AddRange(LedgerRules.Validate(incoming, year).Select(e => e with { Row = e.Row + 1 }));
        if (errors.Count > 0)
        {
            return new LedgerChange(422, "导入失败：请按行号修改后重新导入，本次未导入任何内容", errors.OrderBy(e => e.Row).ToList());
        }

        if (!string.IsNullOrWhiteSpace(token))
        {
            var prefix = "i" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..10] + "-";
            incoming = incoming.Select((r, i) => r with { Id = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList();
        }

        var (version, existing) = await CurrentAsync(year, villageId, cancellationToken);
        var known = existing.Select(r => r.Id).ToHashSet();
        var added = incoming.Where(r => r.Id is null || !known.Contains(r.Id)).ToList();
        if (added.Count == 0)
        {
            return new LedgerChange(200, Count: incoming.Count); // this very upload is already in
        }

        var result = await ReplaceCoreAsync(year, villageId, [.. existing, .. added], version, cancellationToken);
        return result.Status == 200 ? result with { Count = incoming.Count } : result;
    }

    /// <summary>The pointer and the rows of the current version only: kept snapshots are not read (a read costs the register's size, not its history).</summary>
    private async Task<(string Version, List<LedgerEntity> Rows, TableEntity? Pointer)> LoadAsync(int year, string villageId, CancellationToken cancellationToken)
    {
        var pk = Keys.Checklist(year, villageId);
        var pointer = await Table.GetEntityIfExistsAsync<TableEntity>(pk, Pointer, cancellationToken: cancellationToken);
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
