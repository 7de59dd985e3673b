using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using YouthLeague.Audit;
using YouthLeague.Auth;
using YouthLeague.Storage;
using YouthLeague.Towns;
using YouthLeague.Years;

namespace YouthLeague.Org;

public sealed record OrgOutcome(int Status, string? Title = null, object? Body = null)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// The city's organisation: towns, villages and their first secretaries, from the org sheet or one by one.
/// An import is checked whole before anything is written (any row error: nothing applied); applying is
/// idempotent, so the same sheet again changes nothing and a retry after a failure finishes the job.
/// </summary>
public sealed class OrgService(
    StorageClients storage, DirectoryService directory, AccountService accounts, YearOpener opener, AuditLog audit, ILogger<OrgService> log)
{
    private const string ImportKeys = "org-import-key";

    public const int ApplyParallelism = 8;

    private TableClient Directory => storage.Table(TableNames.Directory);

    public static OrgImportResult Preview(Stream content, string kind, IReadOnlyList<ExistingTown> towns, IReadOnlyList<ExistingVillage> villages)
    {
        var sheet = OrgSheet.Read(content, kind, OrgPlan.IsHeader, OrgPlan.MaxRows);
        var (rows, errors) = OrgPlan.Rows(sheet);
        return errors.Count > 0 ? OrgImportResult.Failed(errors) : OrgPlan.Plan(rows, towns, villages);
    }

    public async Task<(int Status, OrgImportResult Result)> ImportAsync(
        Principal actor, Stream content, string kind, bool dryRun, string? idempotencyKey, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        if (!dryRun && idempotencyKey is { Length: > 0 } && await StoredResultAsync(idempotencyKey, cancellationToken) is { } stored)
        {
            return (200, stored);
        }

        var (towns, villages) = await ExistingAsync(cancellationToken);
        var plan = Preview(content, kind, towns, villages);
        if (plan.Errors.Count > 0)
        {
            return (422, plan);
        }

        if (dryRun)
        {
            return (200, plan);
        }

        await ApplyAsync(actor, plan, content, kind, client, cancellationToken);
        if (idempotencyKey is { Length: > 0 })
        {
            await StoreResultAsync(idempotencyKey, plan, cancellationToken);
        }

        await audit.RecordAsync(
            actor.Username, AuditLog.Actions.OrgImport, "org",
            $"新增镇街 {plan.Added.Towns.Count}、村 {plan.Added.Villages.Count}、账户 {plan.Added.Accounts.Count}；变更 {plan.Changed.Count}；撤并 {plan.Closed.Count}；未变 {plan.Unchanged}",
            cancellationToken);
        return (200, plan);
    }

    public async Task<(IReadOnlyList<ExistingTown> Towns, IReadOnlyList<ExistingVillage> Villages)> ExistingAsync(CancellationToken cancellationToken)
    {
        var towns = new List<ExistingTown>();
        await foreach (var t in Directory.QueryAsync<TownEntity>(e => e.PartitionKey == TownEntity.Partition, cancellationToken: cancellationToken))
        {
            towns.Add(new ExistingTown(t.RowKey, t.Name));
        }

        var villages = new List<ExistingVillage>();
        await foreach (var v in Directory.QueryAsync<VillageEntity>(e => e.PartitionKey == VillageEntity.Partition, cancellationToken: cancellationToken))
        {
            villages.Add(new ExistingVillage(v.RowKey, v.Name, v.TownId, v.SecretaryName, v.SecretaryUsername, v.SecretaryPhone, v.DispatchingUnit, v.Term, v.Closed));
        }

        return (towns, villages);
    }

    private async Task ApplyAsync(Principal actor, OrgImportResult plan, Stream content, string kind, DurableTaskClient client, CancellationToken cancellationToken)
    {
        // The rows again (the plan keeps ids and names only): phones, units and terms per village.
        content.Position = 0;
        var (rows, _) = OrgPlan.Rows(OrgSheet.Read(content, kind, OrgPlan.IsHeader, OrgPlan.MaxRows));
        var (towns, _) = await ExistingAsync(cancellationToken);
        var townIds = towns.ToDictionary(t => t.Name, t => t.Id);
        foreach (var t in plan.Added.Towns)
        {
            townIds[t.Name] = t.Id;
            await Directory.UpsertEntityAsync(new TownEntity { PartitionKey = TownEntity.Partition, RowKey = t.Id, Name = t.Name, ReviewerUsername = OrgPlan.ReviewerUsername(t.Id) }, TableUpdateMode.Merge, cancellationToken);
        }

        var (_, villages) = await ExistingAsync(cancellationToken);
        var byKey = villages.GroupBy(v => (v.TownId, v.Name)).ToDictionary(g => g.Key, g => g.OrderBy(v => v.Closed).First());
        var addedIds = plan.Added.Villages.ToDictionary(v => (v.TownId, v.Name), v => v.Id);
        var secretaryAccounts = plan.Added.Accounts.Where(a => a.Role == Roles.Secretary).ToDictionary(a => a.Scope);
        var started = new System.Collections.Concurrent.ConcurrentBag<(string, string)>();
        // Rows are independent (one village each, one secretary each): applied side by side.
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = ApplyParallelism, CancellationToken = cancellationToken }, async (r, cancellationToken) =>
        {
            var townId = townIds[r.Town];
            var id = byKey.TryGetValue((townId, r.Village), out var existing) ? existing.Id : addedIds[(townId, r.Village)];
            var entity = (await Directory.GetEntityIfExistsAsync<VillageEntity>(VillageEntity.Partition, id, cancellationToken: cancellationToken)) is { HasValue: true } found
                ? found.Value!
                : new VillageEntity { PartitionKey = VillageEntity.Partition, RowKey = id, TownId = townId, Name = r.Village };
            var isNew = entity.ETag == default;
            var wasClosed = entity.Closed;
            var rotation = secretaryAccounts.TryGetValue(id, out var account) && !isNew && entity.SecretaryUsername.Length > 0 && entity.SecretaryUsername != account.Username;
            var unchanged = entity.SecretaryPhone == r.Phone && entity.SecretaryName == r.Secretary && entity.DispatchingUnit == r.Unit && entity.Term == r.Term && !entity.Closed;
            if (unchanged && !secretaryAccounts.ContainsKey(id))
            {
                return;
            }

            entity.DispatchingUnit = r.Unit;
            entity.Term = r.Term;
            entity.Closed = false;
            entity.MergedInto = "";
            if (!rotation)
            {
                entity.SecretaryName = r.Secretary;
                entity.SecretaryPhone = r.Phone;
                if (account is not null)
                {
                    entity.SecretaryUsername = account.Username;
                }
            }

            await Directory.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            if (account is not null)
            {
                if (rotation)
                {
                    // The successor gets an account with an invite; the predecessor loses the village, its history stays.
                    var change = await accounts.ReassignSecretaryAsync(actor, id, account.Username, account.Name, cancellationToken);
                    if (change.Status is not (201 or 409))
                    {
                        throw new InvalidOperationException($"Account for village {id}: {change.Status} {change.Title}");
                    }

                    await SetPhoneAsync(id, r.Phone, r.Secretary, account.Username, cancellationToken);
                }
                else
                {
                    await EnsureAccountAsync(actor, account, cancellationToken);
                }
            }

            if (isNew || wasClosed)
            {
                started.Add((id, townId));
            }
        });

        foreach (var t in plan.Added.Accounts.Where(a => a.Role == Roles.Town))
        {
            await EnsureAccountAsync(actor, t, cancellationToken);
        }

        foreach (var c in plan.Closed)
        {
            await CloseAsync(c.Id, "", cancellationToken);
        }

        // Villages that are new this year get their checklist at once when the year is already open.
        foreach (var (villageId, townId) in started)
        {
            await opener.StartIfYearOpenAsync(client, villageId, townId, cancellationToken);
        }

        log.LogInformation("Org import applied by {Actor}: {Towns} towns, {Villages} villages added, {Changed} changed, {Closed} closed", actor.Username, plan.Added.Towns.Count, plan.Added.Villages.Count, plan.Changed.Count, plan.Closed.Count);
    }

    private async Task SetPhoneAsync(string villageId, string phone, string name, string username, CancellationToken cancellationToken)
    {
        var v = (await Directory.GetEntityAsync<VillageEntity>(VillageEntity.Partition, villageId, cancellationToken: cancellationToken)).Value;
        v.SecretaryPhone = phone;
        v.SecretaryName = name;
        v.SecretaryUsername = username;
        await Directory.UpdateEntityAsync(v, v.ETag, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task EnsureAccountAsync(Principal actor, AccountPlan account, CancellationToken cancellationToken)
    {
        var created = await accounts.CreateAsync(actor, account.Username, account.Role, account.Scope, account.Name, cancellationToken);
        if (!created.Ok && created.Status != 409)
        {
            throw new InvalidOperationException($"Account {account.Username}: {created.Status} {created.Title}");
        }
    }

    // ---- one by one ----

    public async Task<OrgOutcome> AddTownAsync(Principal actor, string? name, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 30)
        {
            return new OrgOutcome(422, "请填写镇街名称（不超过 30 字）");
        }

        var (towns, _) = await ExistingAsync(cancellationToken);
        if (towns.Any(t => t.Name == name))
        {
            return new OrgOutcome(409, $"已有名为「{name}」的镇街");
        }

        var id = "t" + OrgPlan.Hash(name, 6);
        for (var n = 2; towns.Any(t => t.Id == id); n++)
        {
            id = "t" + OrgPlan.Hash(name, 6) + n;
        }

        await Directory.AddEntityAsync(new TownEntity { PartitionKey = TownEntity.Partition, RowKey = id, Name = name, ReviewerUsername = OrgPlan.ReviewerUsername(id) }, cancellationToken);
        await EnsureAccountAsync(actor, new AccountPlan(OrgPlan.ReviewerUsername(id), $"{name}审核员", Roles.Town, id), cancellationToken);
        await audit.RecordAsync(actor.Username, AuditLog.Actions.TownAdded, id, name, cancellationToken);
        return new OrgOutcome(201, Body: new { id, name, reviewer = OrgPlan.ReviewerUsername(id) });
    }

    public async Task<OrgOutcome> RenameTownAsync(Principal actor, string townId, string? name, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 30)
        {
            return new OrgOutcome(422, "请填写镇街名称（不超过 30 字）");
        }

        var row = Ids.IsValid(townId) ? await Directory.GetEntityIfExistsAsync<TownEntity>(TownEntity.Partition, townId, cancellationToken: cancellationToken) : null;
        if (row is not { HasValue: true })
        {
            return new OrgOutcome(404, "找不到该镇街");
        }

        var (towns, _) = await ExistingAsync(cancellationToken);
        if (towns.Any(t => t.Name == name && t.Id != townId))
        {
            return new OrgOutcome(409, $"已有名为「{name}」的镇街");
        }

        var town = row.Value!;
        var before = town.Name;
        town.Name = name;
        await Directory.UpdateEntityAsync(town, town.ETag, TableUpdateMode.Replace, cancellationToken);
        await audit.RecordAsync(actor.Username, AuditLog.Actions.TownRenamed, townId, $"{before} → {name}", cancellationToken);
        return new OrgOutcome(200, Body: new { id = townId, name });
    }

    public async Task<OrgOutcome> AddVillageAsync(Principal actor, string? townId, string? name, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 30)
        {
            return new OrgOutcome(422, "请填写村（社区）名称（不超过 30 字）");
        }

        var (towns, villages) = await ExistingAsync(cancellationToken);
        if (towns.FirstOrDefault(t => t.Id == townId) is null)
        {
            return new OrgOutcome(422, "找不到该镇街");
        }

        if (villages.Any(v => v.TownId == townId && v.Name == name && !v.Closed))
        {
            return new OrgOutcome(409, $"该镇街已有「{name}」");
        }

        var id = $"{townId}-{OrgPlan.Hash(name, 6)}";
        for (var n = 2; villages.Any(v => v.Id == id); n++)
        {
            id = $"{townId}-{OrgPlan.Hash(name, 6)}{n}";
        }

        await Directory.AddEntityAsync(new VillageEntity { PartitionKey = VillageEntity.Partition, RowKey = id, TownId = townId!, Name = name }, cancellationToken);
        var opened = await opener.StartIfYearOpenAsync(client, id, townId!, cancellationToken);
        await audit.RecordAsync(actor.Username, AuditLog.Actions.VillageAdded, id, name + (opened ? "（本年度清单已开启）" : ""), cancellationToken);
        return new OrgOutcome(201, Body: new { id, name, townId, checklistStarted = opened });
    }

    public async Task<OrgOutcome> RenameVillageAsync(Principal actor, string villageId, string? name, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 30)
        {
            return new OrgOutcome(422, "请填写村（社区）名称（不超过 30 字）");
        }

        var row = Ids.IsValid(villageId) ? await Directory.GetEntityIfExistsAsync<VillageEntity>(VillageEntity.Partition, villageId, cancellationToken: cancellationToken) : null;
        if (row is not { HasValue: true })
        {
            return new OrgOutcome(404, "找不到该村");
        }

        var v = row.Value!;
        var before = v.Name;
        v.Name = name;
        await Directory.UpdateEntityAsync(v, v.ETag, TableUpdateMode.Replace, cancellationToken);
        await audit.RecordAsync(actor.Username, AuditLog.Actions.VillageRenamed, villageId, $"{before} → {name}", cancellationToken);
        return new OrgOutcome(200, Body: new { id = villageId, name });
    }

    /// <summary>A village that merged into another: closed, its checklists and history kept; no new year opens for it.</summary>
    public async Task<OrgOutcome> CloseVillageAsync(Principal actor, string villageId, string? mergedInto, CancellationToken cancellationToken = default)
    {
        if (mergedInto is { Length: > 0 } && await directory.FindVillageAsync(mergedInto, cancellationToken) is null)
        {
            return new OrgOutcome(422, "并入的村不存在");
        }

        var closed = await CloseAsync(villageId, mergedInto ?? "", cancellationToken);
        if (!closed)
        {
            return new OrgOutcome(404, "找不到该村");
        }

        await audit.RecordAsync(actor.Username, AuditLog.Actions.VillageClosed, villageId, mergedInto is { Length: > 0 } ? $"并入 {mergedInto}" : "撤并", cancellationToken);
        return new OrgOutcome(200, Body: new { id = villageId, closed = true });
    }

    private async Task<bool> CloseAsync(string villageId, string mergedInto, CancellationToken cancellationToken)
    {
        var row = Ids.IsValid(villageId) ? await Directory.GetEntityIfExistsAsync<VillageEntity>(VillageEntity.Partition, villageId, cancellationToken: cancellationToken) : null;
        if (row is not { HasValue: true })
        {
            return false;
        }

        var v = row.Value!;
        v.Closed = true;
        v.MergedInto = mergedInto;
        await Directory.UpdateEntityAsync(v, v.ETag, TableUpdateMode.Replace, cancellationToken);
        return true;
    }

    private async Task<OrgImportResult?> StoredResultAsync(string key, CancellationToken cancellationToken)
    {
        var row = await Directory.GetEntityIfExistsAsync<TableEntity>(ImportKeys, OrgPlan.Hash(key, 32), cancellationToken: cancellationToken);
        return row.HasValue ? JsonSerializer.Deserialize<OrgImportResult>(row.Value!.GetString("Result"), Workflow.Json.Options) : null;
    }

    private async Task StoreResultAsync(string key, OrgImportResult result, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(result, Workflow.Json.Options);
        try
        {
            await Directory.UpsertEntityAsync(new TableEntity(ImportKeys, OrgPlan.Hash(key, 32)) { ["Result"] = json.Length < 30_000 ? json : JsonSerializer.Serialize(OrgImportResult.Failed([]) with { Unchanged = result.Unchanged }, Workflow.Json.Options) }, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            log.LogWarning(ex, "Could not store the result of an org import for its Idempotency-Key");
        }
    }
}
