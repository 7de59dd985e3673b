using System.Text.Json;
using System.Text.Json.Serialization;

namespace YouthLeague.Checklist;

/// <summary>One year's "六个一": which steps, their fields, evidence rules and due dates. Data, not code.</summary>
public sealed record ChecklistDefinition(int Year, string Title, IReadOnlyList<StepDefinition> Steps, AssessmentRubric? Rubric = null)
{
    public StepDefinition? Find(string key) => Steps.FirstOrDefault(s => s.Key == key);

    /// <summary>The year's rubric; a definition without one (every definition before the rubric was data) scores as always.</summary>
    public AssessmentRubric Scoring => Rubric ?? AssessmentRubric.Default;
}

public sealed record StepDefinition(
    string Key,
    string Title,
    string Help,
    DateOnly Due,
    IReadOnlyList<FieldDefinition> Fields,
    EvidenceRule Evidence);

public sealed record FieldDefinition(
    string Name,
    string Label,
    FieldType Type,
    bool Required,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Options = null);

[JsonConverter(typeof(JsonStringEnumConverter<FieldType>))]
public enum FieldType { Text, LongText, Number, Date, Select, Boolean }

public sealed record EvidenceRule(IReadOnlyList<string> Kinds, int Min, int Max, long MaxBytes);

public sealed class ChecklistDefinitionException(string source, IReadOnlyList<string> errors)
    : Exception($"Checklist definition {source} is invalid:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", errors)}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Reads and validates a checklist definition; every problem is reported at once.</summary>
public static class ChecklistDefinitionLoader
{
    /// <summary>The six steps every year has ("六个一"); a year may add steps of its own (<see cref="IsStepKey"/>).</summary>
    public static readonly IReadOnlyList<string> StepKeys =
        ["ledger", "forum", "volunteering", "league-day", "practical-matter", "plan"];

    /// <summary>A step key of a year's own step: lowercase ASCII letters, digits and '-', 2 to 40 characters.</summary>
    public static bool IsStepKey(string? key) =>
        key is { Length: >= 2 and <= 40 } && key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && char.IsAsciiLetterLower(key[0]);

    /// <summary>
    /// Kinds a step may accept. HEIC is recognised by its bytes but not accepted: nothing here can decode it, so its
    /// location and camera metadata could not be stripped (phones offer JPEG, and iOS converts when the page asks for it).
    /// </summary>
    public static readonly IReadOnlySet<string> EvidenceKinds =
        new HashSet<string> { "jpeg", "png", "webp", "pdf", "docx", "xlsx" };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static ChecklistDefinition Parse(string json, string source = "(inline)")
    {
        ChecklistDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<ChecklistDefinition>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new ChecklistDefinitionException(source, [$"not valid JSON: {ex.Message}"]);
        }

        if (definition is null)
        {
            throw new ChecklistDefinitionException(source, ["the file is empty"]);
        }

        var errors = Validate(definition);
        return errors.Count == 0 ? definition : throw new ChecklistDefinitionException(source, errors);
    }

    public static ChecklistDefinition Load(string path) => Parse(File.ReadAllText(path), path);

    public static List<string> Validate(ChecklistDefinition d)
    {
        var errors = new List<string>();
        if (d.Year is < 2000 or > 2200)
        {
            errors.Add($"year {d.Year} is out of range");
        }

        if (d.Steps?.Any(s => s is null) == true || d.Steps?.Any(s => s.Fields?.Any(f => f is null) == true) == true)
        {
            errors.Add("a step or field entry is null");
            return errors;
        }

        var steps = d.Steps ?? [];
        var keys = steps.Select(s => s.Key).ToList();
        foreach (var missing in StepKeys.Except(keys))
        {
            errors.Add($"step '{missing}' is missing");
        }

        foreach (var extra in keys.Except(StepKeys).Where(k => !IsStepKey(k)))
        {
            errors.Add($"step key '{extra}' must be 2-40 lowercase letters, digits or '-', starting with a letter");
        }

        foreach (var dup in keys.GroupBy(k => k).Where(g => g.Count() > 1))
        {
            errors.Add($"step '{dup.Key}' appears {dup.Count()} times");
        }

        foreach (var s in steps)
        {
            var at = $"step '{s.Key}'";
            if (string.IsNullOrWhiteSpace(s.Title))
            {
                errors.Add($"{at}: title is required");
            }

            if (s.Due.Year != d.Year && s.Due.Year != d.Year + 1)
            {
                errors.Add($"{at}: due date {s.Due:yyyy-MM-dd} is not in year {d.Year}");
            }

            var fields = s.Fields ?? [];
            foreach (var dup in fields.GroupBy(f => f.Name).Where(g => g.Count() > 1))
            {
                errors.Add($"{at}: field '{dup.Key}' appears twice");
            }

            foreach (var f in fields)
            {
                if (string.IsNullOrWhiteSpace(f.Name) || !f.Name.All(c => char.IsAsciiLetterOrDigit(c)))
                {
                    errors.Add($"{at}: field name '{f.Name}' must be ASCII letters and digits");
                }

                if (string.IsNullOrWhiteSpace(f.Label))
                {
                    errors.Add($"{at}: field '{f.Name}' needs a label");
                }

                if (f.Min is { } min && f.Max is { } max && min > max)
                {
                    errors.Add($"{at}: field '{f.Name}' has min {min} above max {max}");
                }

                if (f.Type == FieldType.Select && (f.Options is null || f.Options.Count == 0))
                {
                    errors.Add($"{at}: select field '{f.Name}' needs options");
                }
            }

            var e = s.Evidence;
            if (e is null)
            {
                errors.Add($"{at}: evidence rule is required");
                continue;
            }

            foreach (var kind in (e.Kinds ?? []).Where(k => !EvidenceKinds.Contains(k)))
            {
                errors.Add($"{at}: evidence kind '{kind}' is unknown (known: {string.Join(", ", EvidenceKinds)})");
            }

            if (e.Min < 0 || e.Max < e.Min || e.Max > 10)
            {
                errors.Add($"{at}: evidence count must satisfy 0 <= min <= max <= 10 (got {e.Min}..{e.Max})");
            }

            if (e.MaxBytes is <= 0 or > 50 * 1024 * 1024)
            {
                errors.Add($"{at}: evidence maxBytes must be between 1 byte and 50 MB");
            }
        }

        if (d.Rubric is { } rubric)
        {
            errors.AddRange(rubric.Validate(keys));
        }

        return errors;
    }
}
