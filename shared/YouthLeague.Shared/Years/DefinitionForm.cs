using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace YouthLeague.Years;

public sealed record FieldForm(string Name, string Label, string Type, bool Required, string Min, string Max, string Options);

public sealed record StepForm(string Key, string Title, string Help, string Due, IReadOnlyList<string> Kinds, string EvidenceMin, string EvidenceMax, string MaxMegabytes, IReadOnlyList<FieldForm> Fields);

/// <summary>A definition as its form shows it: every value as typed (so a wrong one is shown back), and the JSON it was read from.</summary>
public sealed record DefinitionFormView(string Title, IReadOnlyList<StepForm> Steps, string Base);

/// <summary>
/// A year's checklist definition edited on a plain form, step by step and field by field. The form carries the JSON it
/// was drawn from (<c>base</c>); what is posted is laid over a copy of it, position by position, so every part of the
/// definition the form does not show (a rubric, properties of steps or fields it does not know) goes back unchanged.
/// Adding, removing and moving steps and fields are buttons that post the form and show it again (no script needed).
/// </summary>
public static class DefinitionForm
{
    public const int MaxSteps = 30;
    public const int MaxFields = 30;

    public static readonly IReadOnlyList<string> FieldTypes = ["text", "longtext", "number", "date", "select", "boolean"];

    private const double Megabyte = 1024 * 1024;

    public static DefinitionFormView View(JsonObject root) => new(
        Text(root["title"]),
        Array(root["steps"]).Select(n => n as JsonObject ?? []).Select(s =>
        {
            var e = s["evidence"] as JsonObject ?? [];
            return new StepForm(
                Text(s["key"]),
                Text(s["title"]),
                Text(s["help"]),
                Text(s["due"]),
                Array(e["kinds"]).Select(Text).ToList(),
                Text(e["min"]),
                Text(e["max"]),
                Megabytes(e["maxBytes"]),
                Array(s["fields"]).Select(n => n as JsonObject ?? []).Select(f => new FieldForm(
                    Text(f["name"]),
                    Text(f["label"]),
                    Text(f["type"]).ToLowerInvariant(),
                    f["required"] is JsonValue r && r.TryGetValue<bool>(out var required) && required,
                    Text(f["min"]),
                    Text(f["max"]),
                    string.Join("\n", Array(f["options"]).Select(Text)))).ToList());
        }).ToList(),
        root.ToJsonString(DefinitionJson.Options));

    /// <summary>
    /// The posted form laid over its base: the definition as JSON, and what the form itself finds wrong (a date or a
    /// number that is not one), each naming its step and field. Null JSON when the base cannot be read.
    /// </summary>
    public static (JsonObject? Root, List<string> Errors) Apply(IFormCollection form)
    {
        var errors = new List<string>();
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(form["base"].ToString()) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            root = null;
        }

        if (root is null || form["base"].ToString().Length > DefinitionJson.MaxChars)
        {
            return (null, ["表单已失效，请重新打开本页"]);
        }

        root = (JsonObject)root.DeepClone();
        Put(root, "title", Value(form, "title"));
        var before = root["steps"] as JsonArray ?? [];
        var steps = new JsonArray();
        for (var i = 0; i < Count(form, "steps", MaxSteps); i++)
        {
            var p = $"s{i}.";
            var step = (i < before.Count ? before[i]?.DeepClone() as JsonObject : null) ?? [];
            var key = Value(form, p + "key");
            var at = $"步骤「{(key.Length > 0 ? key : $"#{i + 1}")}」";
            Put(step, "key", key);
            Put(step, "title", Value(form, p + "title"));
            Put(step, "help", Value(form, p + "help"));
            var due = Value(form, p + "due");
            step["due"] = DateOnly.TryParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : due;
            if (d == default)
            {
                errors.Add($"{at}：请填写截止日期（年-月-日）");
            }

            var evidence = step["evidence"] as JsonObject ?? [];
            // Checked kinds in the order the definition had them, new ones after.
            var had = Array(evidence["kinds"]).Select(Text).ToList();
            var ticked = form[p + "kinds"].OfType<string>().Where(k => k.Length is > 0 and <= 20).Distinct().ToList();
            evidence["kinds"] = new JsonArray(had.Where(ticked.Contains).Concat(ticked.Except(had)).Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
            evidence["min"] = Integer(form, p + "min", evidence["min"], $"{at}：佐证材料最少数量", errors);
            evidence["max"] = Integer(form, p + "max", evidence["max"], $"{at}：佐证材料最多数量", errors);
            var megabytes = Value(form, p + "maxMb");
            if (megabytes != Megabytes(evidence["maxBytes"]))
            {
                // Only a changed size is converted: an unchanged one keeps its exact bytes.
                evidence["maxBytes"] = double.TryParse(megabytes, NumberStyles.Float, CultureInfo.InvariantCulture, out var mb) && mb > 0
                    ? (long)Math.Round(mb * Megabyte)
                    : Error(errors, $"{at}：单个文件大小上限应是大于 0 的数（MB）", megabytes);
            }

            step["evidence"] = evidence;
            step["fields"] = Fields(form, p, step["fields"] as JsonArray ?? [], at, errors);
            steps.Add(step);
        }

        root["steps"] = steps;
        return (root, errors);
    }

    private static JsonArray Fields(IFormCollection form, string p, JsonArray before, string at, List<string> errors)
    {
        var fields = new JsonArray();
        for (var j = 0; j < Count(form, p + "fields", MaxFields); j++)
        {
            var q = $"{p}f{j}.";
            var field = (j < before.Count ? before[j]?.DeepClone() as JsonObject : null) ?? [];
            var name = Value(form, q + "name");
            var where = $"{at}的字段「{(name.Length > 0 ? name : $"#{j + 1}")}」";
            Put(field, "name", name);
            Put(field, "label", Value(form, q + "label"));
            var type = Value(form, q + "type");
            if (!string.Equals(type, Text(field["type"]), StringComparison.OrdinalIgnoreCase) || !FieldTypes.Contains(type))
            {
                field["type"] = FieldTypes.Contains(type) ? type : Error(errors, $"{where}：类型「{type}」未知", type);
            }

            var required = form[q + "required"].ToString() is "on" or "true";
            if (required || field.ContainsKey("required"))
            {
                field["required"] = required;
            }
            foreach (var bound in new[] { "min", "max" })
            {
                var text = Value(form, q + bound);
                if (text.Length == 0)
                {
                    field.Remove(bound);
                }
                else if (text != Text(field[bound]))
                {
                    field[bound] = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : Error(errors, $"{where}：{(bound == "min" ? "最小值" : "最大值")}应是数字", text);
                }
            }

            var options = Value(form, q + "options").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (options.Length == 0)
            {
                field.Remove("options");
            }
            else
            {
                field["options"] = new JsonArray(options.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray());
            }

            fields.Add(field);
        }

        return fields;
    }

    /// <summary>
    /// A structural change asked by a button: add-step, remove-step:i, up:i, down:i, add-field:i, remove-field:i:j,
    /// field-up:i:j, field-down:i:j. False when the intent is none of these (or points nowhere).
    /// </summary>
    public static bool Restructure(JsonObject root, string intent, int year)
    {
        var parts = intent.Split(':');
        var steps = root["steps"] as JsonArray ?? [];
        root["steps"] = steps;
        int At(int k) => parts.Length > k && int.TryParse(parts[k], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        var i = At(1);
        var step = i >= 0 && i < steps.Count ? steps[i] as JsonObject : null;
        var fields = step?["fields"] as JsonArray;
        var j = At(2);
        switch (parts[0])
        {
            case "add-step" when steps.Count < MaxSteps:
                steps.Add(new JsonObject
                {
                    ["key"] = "",
                    ["title"] = "",
                    ["help"] = "",
                    ["due"] = $"{year}-12-31",
                    ["fields"] = new JsonArray(),
                    ["evidence"] = new JsonObject { ["kinds"] = new JsonArray("jpeg", "png"), ["min"] = 0, ["max"] = 5, ["maxBytes"] = 10 * 1024 * 1024 },
                });
                return true;
            case "remove-step" when step is not null:
                steps.RemoveAt(i);
                return true;
            case "up" or "down" when step is not null:
                return Move(steps, i, parts[0] == "up" ? -1 : 1);
            case "add-field" when fields is not null && fields.Count < MaxFields:
                fields.Add(new JsonObject { ["name"] = "", ["label"] = "", ["type"] = "text", ["required"] = false });
                return true;
            case "remove-field" when fields is not null && j >= 0 && j < fields.Count:
                fields.RemoveAt(j);
                return true;
            case "field-up" or "field-down" when fields is not null && j >= 0 && j < fields.Count:
                return Move(fields, j, parts[0] == "field-up" ? -1 : 1);
            default:
                return false;
        }
    }

    private static bool Move(JsonArray array, int from, int by)
    {
        var to = from + by;
        if (to < 0 || to >= array.Count)
        {
            return true; // already first or last: nothing to do, the form is shown again
        }

        var node = array[from];
        array.RemoveAt(from);
        array.Insert(to, node);
        return true;
    }

    /// <summary>Sets a text property, leaving the node as it was when the value did not change (or stays absent).</summary>
    private static void Put(JsonObject node, string name, string value)
    {
        if ((value.Length == 0 && !node.ContainsKey(name)) || (node[name] is JsonValue v && v.TryGetValue<string>(out var was) && was.Trim().ReplaceLineEndings("\n") == value))
        {
            return;
        }

        node[name] = value;
    }

    private static JsonNode? Integer(IFormCollection form, string name, JsonNode? was, string what, List<string> errors)
    {
        var text = Value(form, name);
        if (was is not null && text == Text(was))
        {
            return was.DeepClone();
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : Error(errors, $"{what}应是整数", text);
    }

    /// <summary>Records the error; the value typed stays in the JSON, so the form shows it back.</summary>
    private static JsonNode? Error(List<string> errors, string message, string? typed = null)
    {
        errors.Add(message);
        return typed is null ? null : JsonValue.Create(typed);
    }

    private static int Count(IFormCollection form, string name, int max) =>
        int.TryParse(form[name].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Min(n, max) : 0;

    private static string Value(IFormCollection form, string name) => form[name].ToString().Trim().ReplaceLineEndings("\n");

    private static IEnumerable<JsonNode?> Array(JsonNode? node) => node as JsonArray ?? [];

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ when Number(node) is { } d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    /// <summary>A JSON number however it is held (parsed, or set from an int, long or double).</summary>
    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    private static string Megabytes(JsonNode? bytes) =>
        Number(bytes) is { } b ? (b / Megabyte).ToString("0.##", CultureInfo.InvariantCulture) : Text(bytes);
}
