using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Checklist;

namespace YouthLeague.Web;

public sealed record SubmissionForm(IReadOnlyDictionary<string, string?> Fields, IReadOnlyList<IncomingFile> Files, ObjectResult? Problem);

/// <summary>Reads a step submission from multipart/form-data (the API route and the HTML form alike).</summary>
public static class SubmissionForms
{
    public const string EvidenceField = "evidence";

    /// <summary>The largest request body either host reads: the biggest step (3 files × 10 MB) with room for its fields.</summary>
    public const long MaxRequestBytes = 48L * 1024 * 1024;

    /// <summary>Form fields that are transport, not answers.</summary>
    private static readonly string[] NoFileHere = ["这里不能上传文件"];

    private static readonly HashSet<string> Reserved = ["__RequestVerificationToken", "formToken"];

    public static async Task<SubmissionForm> ReadAsync(HttpRequest req)
    {
        if (!req.HasFormContentType)
        {
            return Fail(Problems.Create(415, "请以 multipart/form-data 表单提交"));
        }

        if (await UnreadableAsync(req) is { } unreadable)
        {
            return Fail(unreadable);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);

        var fields = form.Keys.Where(k => !Reserved.Contains(k)).ToDictionary(k => k, k => (string?)form[k].ToString());
        var files = form.Files
            .Where(f => f.Name == EvidenceField)
            .Select(f => new IncomingFile(f.Name, f.Length, f.OpenReadStream))
            .ToList();
        var stray = form.Files.Where(f => f.Name != EvidenceField).Select(f => f.Name).Distinct().ToList();
        if (stray.Count > 0)
        {
            return Fail(Problems.BadRequest("文件只能放在 evidence 字段中", stray.ToDictionary(n => n, _ => NoFileHere)));
        }

        return new SubmissionForm(fields, files, null);
    }

    /// <summary>
    /// Reads (and buffers) a form body once; null if it reads, else the problem: 413 over <see cref="MaxRequestBytes"/>,
    /// 400 if malformed. Whoever reads the form first (the anti-forgery check, a page) gets the same answer.
    /// </summary>
    public static async Task<ObjectResult?> UnreadableAsync(HttpRequest req)
    {
        if (!req.HasFormContentType)
        {
            return null;
        }

        try
        {
            await req.ReadFormAsync(req.HttpContext.RequestAborted);
            return null;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Create(413, $"提交的内容过大：一次提交的文件合计不超过 {MaxRequestBytes / 1024 / 1024} MB");
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Problems.BadRequest("表单格式不正确，无法读取");
        }
    }

    private static SubmissionForm Fail(ObjectResult problem) => new(new Dictionary<string, string?>(), [], problem);
}
