using Microsoft.AspNetCore.Http;
using YouthLeague.Checklist;

namespace YouthLeague.Org;

public sealed record OrgUploadResult(MemoryStream? Content, string Kind, int Status, string? Title);

/// <summary>The org sheet as uploaded: one multipart part named <c>file</c>, .xlsx or .csv by its bytes, at most 2 MB.</summary>
public static class OrgUpload
{
    public const long MaxBytes = 2 * 1024 * 1024;

    public static async Task<OrgUploadResult> ReadAsync(HttpRequest req)
    {
        if (!req.HasFormContentType)
        {
            return Fail(415, "请以表单（multipart/form-data）上传 .xlsx 或 .csv 文件，字段名 file");
        }

        if (await Web.SubmissionForms.UnreadableAsync(req) is { } unreadable)
        {
            return Fail(unreadable.StatusCode ?? 400, ((Microsoft.AspNetCore.Mvc.ProblemDetails)unreadable.Value!).Title!);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
        var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
        if (file is null)
        {
            return Fail(422, "请选择要导入的表格文件");
        }

        if (file.Length == 0)
        {
            return Fail(422, "文件是空的");
        }

        if (file.Length > MaxBytes)
        {
            return Fail(413, "文件过大：组织架构表不超过 2 MB");
        }

        var content = new MemoryStream();
        await file.CopyToAsync(content, req.HttpContext.RequestAborted);
        content.Position = 0;
        var kind = EvidenceKinds.Detect(content);
        content.Position = 0;
        if (kind is not (null or "xlsx") || (kind is null && content.ToArray().Contains((byte)0)))
        {
            await content.DisposeAsync();
            return Fail(415, "只能导入 .xlsx 或 .csv 文件");
        }

        return new OrgUploadResult(content, kind ?? "csv", 200, null);
    }

    private static OrgUploadResult Fail(int status, string title) => new(null, "", status, title);
}
