using System.Globalization;
using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Audit;

/// <summary>Row of the Audit table: partition = month (China time, "yyyy-MM"), RowKey = inverted ticks + id so a month reads newest first.</summary>
public sealed class AdminActionEntity : EntityBase
{
    public DateTimeOffset At { get; set; }

    public string Actor { get; set; } = "";

    public string Action { get; set; } = "";

    public string Target { get; set; } = "";

    /// <summary>What changed, in words and counts; never a phone or other personal data beyond account names.</summary>
    public string Detail { get; set; } = "";
}

public sealed record AdminAction(DateTimeOffset At, string Actor, string Action, string Target, string Detail);

/// <summary>Administrative actions (setup, imports, accounts, definitions, year opening): who did what, when.</summary>
public sealed class AuditLog(StorageClients storage, TimeProvider clock)
{
    public static class Actions
    {
        public const string Setup = "setup";
        public const string OrgImport = "org.import";
        public const string TownAdded = "town.add";
        public const string TownRenamed = "town.rename";
        public const string VillageAdded = "village.add";
        public const string VillageRenamed = "village.rename";
        public const string VillageClosed = "village.close";
        public const string InviteIssued = "account.invite";
        public const string DefinitionSaved = "definition.save";
        public const string DefinitionPublished = "definition.publish";
        public const string YearOpened = "year.open";
        public const string ChecklistRestarted = "checklist.restart";
        public const string ClosingDateChanged = "year.closes-on";
    }

    public static readonly IReadOnlyDictionary<string, string> ActionNames = new Dictionary<string, string>
    {
        [Actions.Setup] = "系统初始化",
        [Actions.OrgImport] = "导入组织架构",
        [Actions.TownAdded] = "新增镇街",
        [Actions.TownRenamed] = "镇街改名",
        [Actions.VillageAdded] = "新增村（社区）",
        [Actions.VillageRenamed] = "村（社区）改名",
        [Actions.VillageClosed] = "撤并村（社区）",
        [Actions.InviteIssued] = "发放邀请链接",
        [Actions.DefinitionSaved] = "保存年度清单草稿",
        [Actions.DefinitionPublished] = "发布年度清单",
        [Actions.YearOpened] = "开启年度",
        [Actions.ChecklistRestarted] = "重启停滞的清单",
        [Actions.ClosingDateChanged] = "修改收尾截止日期",
    };

    private TableClient Table => storage.Table(TableNames.Audit);

    public async Task RecordAsync(string actor, string action, string target, string detail, CancellationToken cancellationToken = default)
    {
        var at = clock.GetUtcNow();
        await Table.AddEntityAsync(
            new AdminActionEntity
            {
                PartitionKey = Month(at),
                RowKey = $"{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}-{Guid.NewGuid():N}",
                At = at,
                Actor = actor,
                Action = action,
                Target = target,
                Detail = detail.Length > 2000 ? detail[..2000] : detail,
            },
            cancellationToken);
    }

    /// <summary>Actions between two China dates (inclusive), newest first: one partition query per month.</summary>
    public async Task<IReadOnlyList<AdminAction>> ListAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var list = new List<AdminAction>();
        var start = ChinaTime.StartOf(from);
        var end = ChinaTime.StartOf(to.AddDays(1));
        for (var month = new DateOnly(to.Year, to.Month, 1); month >= new DateOnly(from.Year, from.Month, 1); month = month.AddMonths(-1))
        {
            var pk = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            await foreach (var e in Table.QueryAsync<AdminActionEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk}"), cancellationToken: cancellationToken))
            {
                if (e.At >= start && e.At < end)
                {
                    list.Add(new AdminAction(e.At, e.Actor, e.Action, e.Target, e.Detail));
                }
            }
        }

        return list.OrderByDescending(a => a.At).ToList();
    }

    private static string Month(DateTimeOffset at) => ChinaTime.ToChina(at).ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
