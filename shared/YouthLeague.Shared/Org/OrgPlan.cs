using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace YouthLeague.Org;

/// <summary>One row of the city's org sheet, as read.</summary>
public sealed record OrgRow(int Row, string Town, string Village, string Secretary, string Phone, string Unit, string Term);

public sealed record RowError(int Row, string Message);

public sealed record TownChange(string Id, string Name);

public sealed record VillageChange(string Id, string Name, string TownId, string Town);

public sealed record AccountPlan(string Username, string Name, string Role, string Scope);

public sealed record FieldChange(string Field, string Before, string After);

public sealed record VillageUpdate(string VillageId, string Village, string Town, IReadOnlyList<FieldChange> Changes);

public sealed record AddedSet(IReadOnlyList<TownChange> Towns, IReadOnlyList<VillageChange> Villages, IReadOnlyList<AccountPlan> Accounts);

/// <summary>The answer of an import, preview or applied: POST /api/org/import in ../shared/API.md.</summary>
public sealed record OrgImportResult(AddedSet Added, IReadOnlyList<VillageUpdate> Changed, IReadOnlyList<VillageChange> Closed, int Unchanged, IReadOnlyList<RowError> Errors)
{
    public static OrgImportResult Failed(IReadOnlyList<RowError> errors) => new(new AddedSet([], [], []), [], [], 0, errors);

    public bool HasChanges => Added.Towns.Count + Added.Villages.Count + Added.Accounts.Count + Changed.Count + Closed.Count > 0;
}

/// <summary>What the directory holds now, as the plan needs it.</summary>
public sealed record ExistingTown(string Id, string Name);

public sealed record ExistingVillage(string Id, string Name, string TownId, string SecretaryName, string SecretaryUsername, string SecretaryPhone, string Unit, string Term, bool Closed);

/// <summary>
/// The org sheet (镇街, 村/社区, 第一书记, 手机, 派出单位, 任职起止) read into rows, checked, and compared with the
/// directory. Pure: the same sheet against the same directory gives the same plan, ids included.
/// </summary>
public static class OrgPlan
{
    public const int MaxRows = 3000;

    public static readonly IReadOnlyDictionary<string, string[]> Synonyms = new Dictionary<string, string[]>
    {
        ["镇街"] = ["镇街", "镇(街道)", "镇/街道", "镇街道", "乡镇", "乡镇(街道)", "乡镇街道", "镇", "街道", "所属镇街", "镇街名称"],
        ["村/社区"] = ["村/社区", "村(社区)", "村社区", "村居", "村", "社区", "村名", "村庄", "村(居)", "村(社区)名称", "村/社区名称"],
        ["第一书记"] = ["第一书记", "第一书记姓名", "书记", "书记姓名", "姓名"],
        ["手机"] = ["手机", "手机号", "手机号码", "联系电话", "电话", "联系方式"],
        ["派出单位"] = ["派出单位", "选派单位", "原单位", "单位"],
        ["任职起止"] = ["任职起止", "任职时间", "任期", "任职期限", "任职起止时间"],
    };

    public static readonly string[] Required = ["镇街", "村/社区", "第一书记", "手机"];

    private static readonly Regex Mobile = new(@"^1[3-9]\d{9}$", RegexOptions.CultureInvariant);

    /// <summary>The canonical column a header stands for, if any.</summary>
    public static string? Column(string header)
    {
        var h = OrgSheet.Normalize(header);
        return Synonyms.FirstOrDefault(kv => kv.Value.Contains(h, StringComparer.Ordinal)).Key;
    }

    public static bool IsHeader(IReadOnlyList<string> cells) => cells.Select(Column).Where(c => c is not null).Distinct().Count() >= 2;

    /// <summary>Sheet rows → org rows; a missing required column is one error for the header.</summary>
    public static (List<OrgRow> Rows, List<RowError> Errors) Rows(SheetContent sheet)
    {
        if (sheet.Problem is not null)
        {
            return ([], [new RowError(0, sheet.Problem)]);
        }

        var columns = sheet.Headers.Select(h => (Header: h, Column: Column(h))).Where(x => x.Column is not null).GroupBy(x => x.Column!).ToDictionary(g => g.Key, g => g.First().Header);
        var missing = Required.Where(r => !columns.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            return ([], [new RowError(0, $"缺少列：{string.Join("、", missing)}（表头应有：{string.Join("、", Synonyms.Keys)}）")]);
        }

        if (sheet.Rows.Count == 0)
        {
            return ([], [new RowError(0, "表格里只有表头，没有数据行")]);
        }

        string Cell(OrgSheetRow r, string column) => columns.TryGetValue(column, out var h) && r.Cells.TryGetValue(h, out var v) ? v.Trim() : "";
        return (sheet.Rows.Select(r => new OrgRow(r.Number, Cell(r, "镇街"), Cell(r, "村/社区"), Cell(r, "第一书记"), PhoneDigits(Cell(r, "手机")), Cell(r, "派出单位"), Cell(r, "任职起止"))).ToList(), []);
    }

    /// <summary>Digits of a phone as people write it (spaces, dashes, +86).</summary>
    public static string PhoneDigits(string raw)
    {
        var digits = new string(raw.Where(char.IsAsciiDigit).ToArray());
        return raw.TrimStart().StartsWith("+86", StringComparison.Ordinal) && digits.Length == 13 ? digits[2..] : digits.Length > 0 ? digits : raw.Trim();
    }

    public static string Mask(string phone) => phone.Length == 11 ? $"{phone[..3]}****{phone[7..]}" : phone.Length > 0 ? "****" : "";

    public static OrgImportResult Plan(IReadOnlyList<OrgRow> rows, IReadOnlyList<ExistingTown> towns, IReadOnlyList<ExistingVillage> villages)
    {
        var errors = new List<RowError>();
        var townsByName = towns.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First());
        var mayAddTowns = towns.Count == 0;
        var seenVillage = new Dictionary<(string, string), int>();
        var seenPhone = new Dictionary<string, int>();
        foreach (var r in rows)
        {
            var problems = new List<string>();
            if (r.Town.Length == 0)
            {
                problems.Add("镇街为空");
            }
            else if (r.Town.Length > 30)
            {
                problems.Add("镇街名称过长（最多 30 字）");
            }
            else if (!mayAddTowns && !townsByName.ContainsKey(r.Town))
            {
                problems.Add($"未知的镇街「{r.Town}」：请先在“镇街管理”中添加，或核对名称");
            }

            if (r.Village.Length == 0)
            {
                problems.Add("村/社区为空");
            }
            else if (r.Village.Length > 30)
            {
                problems.Add("村/社区名称过长（最多 30 字）");
            }

            if (r.Secretary.Length == 0)
            {
                problems.Add("第一书记姓名为空");
            }
            else if (r.Secretary.Length > 20)
            {
                problems.Add("第一书记姓名过长（最多 20 字）");
            }

            if (!Mobile.IsMatch(r.Phone))
            {
                problems.Add($"手机号「{(r.Phone.Length > 20 ? r.Phone[..20] : r.Phone)}」不是 11 位手机号码");
            }
            else if (seenPhone.TryGetValue(r.Phone, out var other))
            {
                problems.Add($"同一位第一书记（手机 {Mask(r.Phone)}）已在第 {other} 行任另一个村，一人只能任一个村");
            }
            else
            {
                seenPhone[r.Phone] = r.Row;
            }

            if (r.Town.Length > 0 && r.Village.Length > 0)
            {
                if (seenVillage.TryGetValue((r.Town, r.Village), out var first))
                {
                    problems.Add($"与第 {first} 行重复：{r.Town}{r.Village}出现了两次");
                }
                else
                {
                    seenVillage[(r.Town, r.Village)] = r.Row;
                }
            }

            if (r.Unit.Length > 60)
            {
                problems.Add("派出单位过长（最多 60 字）");
            }

            if (r.Term.Length > 40)
            {
                problems.Add("任职起止过长（最多 40 字）");
            }

            errors.AddRange(problems.Select(p => new RowError(r.Row, p)));
        }

        if (errors.Count > 0)
        {
            return OrgImportResult.Failed(errors);
        }

        var addedTowns = new List<TownChange>();
        var townIds = towns.ToDictionary(t => t.Name, t => t.Id);
        foreach (var name in rows.Select(r => r.Town).Distinct().Where(n => !townIds.ContainsKey(n)))
        {
            var id = UniqueId("t" + Hash(name, 6), townIds.Values.ToHashSet());
            townIds[name] = id;
            addedTowns.Add(new TownChange(id, name));
        }

        var byKey = villages.GroupBy(v => (v.TownId, v.Name)).ToDictionary(g => g.Key, g => g.OrderBy(v => v.Closed).First());
        var ids = villages.Select(v => v.Id).ToHashSet();
        var addedVillages = new List<VillageChange>();
        var accounts = new List<AccountPlan>();
        var changed = new List<VillageUpdate>();
        var unchanged = 0;
        var inSheet = new HashSet<string>();
        var townNames = townIds.ToDictionary(kv => kv.Value, kv => kv.Key);
        foreach (var t in addedTowns)
        {
            accounts.Add(new AccountPlan(ReviewerUsername(t.Id), $"{t.Name}审核员", "town", t.Id));
        }

        foreach (var r in rows)
        {
            var townId = townIds[r.Town];
            if (!byKey.TryGetValue((townId, r.Village), out var v))
            {
                var id = UniqueId($"{townId}-{Hash(r.Village, 6)}", ids);
                ids.Add(id);
                inSheet.Add(id);
                addedVillages.Add(new VillageChange(id, r.Village, townId, r.Town));
                accounts.Add(new AccountPlan(SecretaryUsername(id, r.Phone, rotation: false), r.Secretary, "secretary", id));
                continue;
            }

            inSheet.Add(v.Id);
            var changes = new List<FieldChange>();
            if (v.Closed)
            {
                changes.Add(new FieldChange("状态", "已撤并", "在用"));
            }

            if (v.SecretaryPhone != r.Phone)
            {
                changes.Add(new FieldChange("第一书记", $"{v.SecretaryName} {Mask(v.SecretaryPhone)}".Trim(), $"{r.Secretary} {Mask(r.Phone)}"));
                accounts.Add(new AccountPlan(SecretaryUsername(v.Id, r.Phone, rotation: v.SecretaryUsername.Length > 0), r.Secretary, "secretary", v.Id));
            }
            else if (v.SecretaryName != r.Secretary)
            {
                changes.Add(new FieldChange("第一书记姓名", v.SecretaryName, r.Secretary));
            }

            if (v.Unit != r.Unit)
            {
                changes.Add(new FieldChange("派出单位", v.Unit, r.Unit));
            }

            if (v.Term != r.Term)
            {
                changes.Add(new FieldChange("任职起止", v.Term, r.Term));
            }

            if (changes.Count == 0)
            {
                unchanged++;
            }
            else
            {
                changed.Add(new VillageUpdate(v.Id, v.Name, r.Town, changes));
            }
        }

        // A village of a town in the sheet that the sheet no longer lists has merged: it is closed, its history kept.
        var sheetTowns = rows.Select(r => townIds[r.Town]).ToHashSet();
        var closed = villages
            .Where(v => !v.Closed && sheetTowns.Contains(v.TownId) && !inSheet.Contains(v.Id))
            .Select(v => new VillageChange(v.Id, v.Name, v.TownId, townNames.GetValueOrDefault(v.TownId, v.TownId)))
            .ToList();
        return new OrgImportResult(new AddedSet(addedTowns, addedVillages, accounts), changed, closed, unchanged, []);
    }

    public static string ReviewerUsername(string townId) => $"town.{townId}";

    /// <summary>The first secretary of a village is sec.{villageId}; a successor's name also carries a hash of the phone, so a re-run finds the same account.</summary>
    public static string SecretaryUsername(string villageId, string phone, bool rotation) =>
        rotation ? $"sec.{villageId}.{Hash(phone, 4)}" : $"sec.{villageId}";

    public static string Hash(string value, int chars) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..chars];

    private static string UniqueId(string id, ISet<string> taken)
    {
        var candidate = id;
        for (var n = 2; taken.Contains(candidate); n++)
        {
            candidate = $"{id}{n}";
        }

        return candidate;
    }
}
