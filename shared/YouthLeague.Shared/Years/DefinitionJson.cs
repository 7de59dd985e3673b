using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using YouthLeague.Checklist;

namespace YouthLeague.Years;

/// <summary>
/// A year's checklist definition as the city edits it: JSON in the shape of seeds/checklists/{year}.json,
/// checked with messages in Chinese, every problem at once.
/// </summary>
public static class DefinitionJson
{
    public const int MaxChars = 200_000;

    private static readonly string[] FieldTypes = ["text", "longtext", "number", "date", "select", "boolean"];

    private sealed class LowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(new LowerCase(), allowIntegerValues: false) },
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(ChecklistDefinition definition) => JsonSerializer.Serialize(definition, Options);

    /// <summary>A definition's JSON as stored: every part kept (also those this code does not know), indented alike.</summary>
    public static string Normalize(JsonNode root) => root.ToJsonString(Options);

    /// <summary>The JSON object in <paramref name="json"/>, or null when it is not one.</summary>
    public static JsonObject? TryParseObject(string? json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) || json.Length > MaxChars ? null : JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Parses and checks a definition for <paramref name="year"/>; the definition only when there is no error.</summary>
    public static (ChecklistDefinition? Definition, List<string> Errors) Read(string? json, int year)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, ["清单定义为空"]);
        }

        if (json.Length > MaxChars)
        {
            return (null, [$"清单定义过长（最多 {MaxChars} 个字符）"]);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            return (null, [$"不是有效的 JSON：第 {ex.LineNumber + 1} 行附近有误"]);
        }

        if (root is not JsonObject obj)
        {
            return (null, ["清单定义应是一个 JSON 对象，包含 year、title、steps"]);
        }

        // Field types are checked by name first, so an unknown one gets a message rather than a parse error.
        if (obj["steps"] is JsonArray stepNodes)
        {
            foreach (var (stepNode, i) in stepNodes.Select((n, i) => (n, i)))
            {
                var key = stepNode?["key"]?.ToString() ?? $"#{i + 1}";
                foreach (var field in (stepNode?["fields"] as JsonArray) ?? [])
                {
                    var type = field?["type"]?.ToString();
                    if (type is null || !FieldTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
                    {
                        errors.Add($"步骤「{key}」的字段「{field?["name"]}」类型「{type}」未知（可用：{string.Join("、", FieldTypes)}）");
                    }
                }
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        ChecklistDefinition? d;
        try
        {
            d = obj.Deserialize<ChecklistDefinition>(Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return (null, [$"清单定义格式有误（{ex.Message.Split('.')[0]}）：请对照默认清单的结构填写"]);
        }

        if (d is null)
        {
            return (null, ["清单定义为空"]);
        }

        errors.AddRange(Check(d, year));
        return errors.Count == 0 ? (d, errors) : (null, errors);
    }

    public static List<string> Check(ChecklistDefinition d, int year)
    {
        var errors = new List<string>();
        if (d.Year != year)
        {
            errors.Add($"year 应为 {year}（现为 {d.Year}）");
        }

        if (string.IsNullOrWhiteSpace(d.Title))
        {
            errors.Add("请填写清单标题（title）");
        }

        var steps = d.Steps?.Where(s => s is not null).ToList() ?? [];
        if (steps.Count == 0)
        {
            errors.Add("清单至少要有一个步骤（steps 为空）");
            return errors;
        }

        foreach (var dup in steps.GroupBy(s => s.Key).Where(g => g.Count() > 1))
        {
            errors.Add($"步骤键「{dup.Key}」重复出现 {dup.Count()} 次");
        }

        // A year may add steps of its own besides the six (docs/assessment.md: the rubric scores any number of steps).
        foreach (var unknown in steps.Select(s => s.Key).Distinct().Except(ChecklistDefinitionLoader.StepKeys).Where(k => !ChecklistDefinitionLoader.IsStepKey(k)))
        {
            errors.Add($"步骤键「{unknown}」只能用小写英文字母、数字和“-”（2 至 40 个字符，以字母开头）");
        }

        foreach (var missing in ChecklistDefinitionLoader.StepKeys.Except(steps.Select(s => s.Key)))
        {
            errors.Add($"缺少步骤「{missing}」");
        }

        foreach (var s in steps)
        {
            var at = $"步骤「{s.Key}」";
            if (string.IsNullOrWhiteSpace(s.Title))
            {
                errors.Add($"{at}：请填写标题");
            }

            if (s.Due.Year != year)
            {
                errors.Add($"{at}：截止日期 {s.Due:yyyy-MM-dd} 不在 {year} 年内");
            }

            var fields = s.Fields?.Where(f => f is not null).ToList() ?? [];
            foreach (var dup in fields.GroupBy(f => f.Name).Where(g => g.Count() > 1))
            {
                errors.Add($"{at}：字段名「{dup.Key}」重复");
            }

            foreach (var f in fields)
            {
                if (string.IsNullOrWhiteSpace(f.Name) || !f.Name.All(char.IsAsciiLetterOrDigit))
                {
                    errors.Add($"{at}：字段名「{f.Name}」只能用英文字母和数字");
                }

                if (string.IsNullOrWhiteSpace(f.Label))
                {
                    errors.Add($"{at}：字段「{f.Name}」需要中文名称（label）");
                }

                if (f.Min is { } min && f.Max is { } max && min > max)
                {
                    errors.Add($"{at}：字段「{f.Name}」的最小值 {min} 大于最大值 {max}");
                }

                if (f.Type == FieldType.Select && (f.Options is null || f.Options.Count == 0))
                {
                    errors.Add($"{at}：选择题「{f.Name}」需要选项（options）");
                }
            }

            if (s.Evidence is not { } e)
            {
                errors.Add($"{at}：缺少佐证材料要求（evidence）");
                continue;
            }

            foreach (var kind in (e.Kinds ?? []).Where(k => !ChecklistDefinitionLoader.EvidenceKinds.Contains(k)))
            {
                errors.Add($"{at}：佐证材料类型「{kind}」不支持（可用：{string.Join("、", ChecklistDefinitionLoader.EvidenceKinds)}）");
            }

            if (e.Min < 0 || e.Max < e.Min || e.Max > 10)
            {
                errors.Add($"{at}：佐证材料数量应满足 0 ≤ 最少 ≤ 最多 ≤ 10（现为 {e.Min}～{e.Max}）");
            }

            if (e.MaxBytes is <= 0 or > 50 * 1024 * 1024)
            {
                errors.Add($"{at}：单个文件大小上限应在 1 字节到 50 MB 之间");
            }
        }

        // The loader's own rules too (the app refuses to run on a definition it rejects); its messages are English.
        if (errors.Count == 0 && ChecklistDefinitionLoader.Validate(d) is { Count: > 0 } more)
        {
            errors.AddRange(more.Select(m => "定义不符合要求：" + m));
        }

        return errors;
    }

    /// <summary>Next year's definition from this year's: same steps and rules, dates moved by the years between.</summary>
    public static ChecklistDefinition Carry(ChecklistDefinition source, int year)
    {
        var years = year - source.Year;
        return source with
        {
            Year = year,
            Title = source.Title.Replace(source.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), year.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
            Steps = source.Steps.Select(s => s with { Due = s.Due.AddYears(years) }).ToList(),
        };
    }
}
