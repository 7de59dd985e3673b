using System.Globalization;

namespace YouthLeague.Checklist;

/// <summary>An uploaded file, before it is stored.</summary>
public sealed record IncomingFile(string FieldName, long Length, Func<Stream> Open);

public sealed record ValidatedEvidence(IncomingFile File, string Kind);

/// <summary>Field and evidence problems, keyed by field name ("evidence" for files), in Chinese.</summary>
public sealed class ValidationErrors : Dictionary<string, string[]>
{
    public void Add(string field, string message) =>
        this[field] = TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    /// <summary>The HTTP status the worst problem calls for: 413 too large, 415 wrong kind, else 422.</summary>
    public int Status { get; set; } = 422;
}

/// <summary>Checks a submission against its step definition. Used by the JSON route and the form alike.</summary>
public static class SubmissionValidator
{
    public const int MaxTextLength = 200;

    public static (Dictionary<string, string> Fields, List<ValidatedEvidence> Evidence, ValidationErrors Errors) Validate(
        StepDefinition step, IReadOnlyDictionary<string, string?> input, IReadOnlyList<IncomingFile> files, int? year = null)
    {
        var errors = new ValidationErrors();
        var fields = new Dictionary<string, string>();
        foreach (var unknown in input.Keys.Where(k => step.Fields.All(f => f.Name != k)))
        {
            errors.Add(unknown, $"“{unknown}”不是这一项的填写内容");
        }

        foreach (var f in step.Fields)
        {
            var raw = input.TryGetValue(f.Name, out var v) ? v?.Trim() ?? "" : "";
            if (raw.Length == 0)
            {
                if (f.Required)
                {
                    errors.Add(f.Name, $"请填写{f.Label}");
                }

                continue;
            }

            if (raw.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            {
                errors.Add(f.Name, $"{f.Label}含有不可见的控制字符");
                continue;
            }

            var error = CheckValue(f, raw, out var normalized);
            if (error is null && f.Type == FieldType.Date && year is { } y && !normalized.StartsWith(y.ToString(CultureInfo.InvariantCulture) + "-", StringComparison.Ordinal))
            {
                error = $"{f.Label}应在 {y} 年内";
            }

            if (error is not null)
            {
                errors.Add(f.Name, error);
            }
            else
            {
                fields[f.Name] = normalized;
            }
        }

        var evidence = new List<ValidatedEvidence>();
        var rule = step.Evidence;
        if (files.Count > rule.Max)
        {
            errors.Add("evidence", $"最多上传 {rule.Max} 个文件，您选择了 {files.Count} 个");
        }
        else if (files.Count < rule.Min)
        {
            errors.Add("evidence", $"请至少上传 {rule.Min} 个文件（照片或文档）");
        }

        foreach (var file in files)
        {
            if (file.Length > rule.MaxBytes)
            {
                errors.Add("evidence", $"文件过大：每个文件不超过 {Size(rule.MaxBytes)}");
                errors.Status = 413;
                continue;
            }

            if (file.Length == 0)
            {
                errors.Add("evidence", "文件是空的");
                continue;
            }

            using var stream = file.Open();
            var kind = EvidenceKinds.Detect(stream);
            if (kind is null || !rule.Kinds.Contains(kind))
            {
                errors.Add("evidence", kind == "heic"
                    ? "暂不支持 HEIC 格式的照片（无法去除其中的位置信息）：请在手机“设置 › 相机 › 格式”中选“兼容性最佳”，或转成 JPEG 后上传"
                    : $"不支持的文件类型，请上传：{string.Join("、", rule.Kinds.Select(EvidenceKinds.Describe))}");
                if (errors.Status != 413)
                {
                    errors.Status = 415;
                }

                continue;
            }

            evidence.Add(new ValidatedEvidence(file, kind));
        }

        if (errors.Count > 0 && errors.Keys.Any(k => k != "evidence"))
        {
            errors.Status = 422;
        }

        return (fields, evidence, errors);
    }

    /// <summary>A size as people read it: 10 MB, 1.5 MB, 500 KB.</summary>
    public static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / 1024d / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(CultureInfo.InvariantCulture) + " KB";

    private static string? CheckValue(FieldDefinition f, string raw, out string normalized)
    {
        normalized = raw;
        switch (f.Type)
        {
            case FieldType.Text or FieldType.LongText:
                var max = (int)(f.Max ?? (f.Type == FieldType.Text ? MaxTextLength : 5000));
                if (f.Type == FieldType.Text && raw.AsSpan().IndexOfAny('\n', '\r') >= 0)
                {
                    return $"{f.Label}只能填一行";
                }

                return raw.Length > max ? $"{f.Label}最多 {max} 个字，现在是 {raw.Length} 个字" : null;
            case FieldType.Number:
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || double.IsNaN(n) || double.IsInfinity(n))
                {
                    return $"{f.Label}应填数字";
                }

                if (f.Min is { } lo && n < lo)
                {
                    return $"{f.Label}不能小于 {lo.ToString(CultureInfo.InvariantCulture)}";
                }

                if (f.Max is { } hi && n > hi)
                {
                    return $"{f.Label}不能大于 {hi.ToString(CultureInfo.InvariantCulture)}";
                }

                normalized = n.ToString(CultureInfo.InvariantCulture);
                return null;
            case FieldType.Date:
                if (!DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    return $"{f.Label}应为日期，格式如 2026-05-04";
                }

                normalized = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return null;
            case FieldType.Select:
                return f.Options!.Contains(raw) ? null : $"{f.Label}请从选项中选择";
            case FieldType.Boolean:
                if (raw is "true" or "on" or "1" or "是")
                {
                    normalized = "true";
                    return null;
                }

                if (raw is "false" or "off" or "0" or "否")
                {
                    normalized = "false";
                    return null;
                }

                return $"{f.Label}应为“是”或“否”";
            default:
                return $"{f.Label}的类型未知";
        }
    }
}
