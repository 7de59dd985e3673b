using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Checklist;

namespace YouthLeague.Web;

public sealed record SubmissionForm(IReadOnlyDictionary<string, string?> Fields, IReadOnlyList<IncomingFile> Files, ObjectResult? Problem);

/// <summary>Reads a step submission from multipart/form-data (the API route and the HTML form alike).</summary>
public static class SubmissionForms
{
    public const string EvidenceField = "evidence";

    /// <summary>Form fields that are transport, not answers.</summary>
    private static readonly string[] NoFileHere = ["这里不能上传文件"];

    private static readonly HashSet<string> Reserved = ["__RequestVerificationToken", "formToken"];

    public static async Task<SubmissionForm> ReadAsync(HttpRequest req)
    {
        if (!req.HasFormContentType)
        {
            return Fail(Problems.Create(415, "请以 multipart/form-data 表单提交"));
        }

        IFormCollection form;
        try
        {
            form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Fail(Problems.BadRequest("表单格式不正确，无法读取"));
        }

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

    private static SubmissionForm Fail(ObjectResult problem) => new(new Dictionary<string, string?>(), [], problem);
}
