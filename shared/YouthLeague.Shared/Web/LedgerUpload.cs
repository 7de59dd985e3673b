using Microsoft.AspNetCore.Http;
using YouthLeague.Checklist;
using YouthLeague.Ledger;

namespace YouthLeague.Web;

/// <summary>A ledger file as uploaded (API route and page alike): one .xlsx or .csv, checked by its bytes, at most 2 MB.</summary>
public sealed record LedgerUploadResult(MemoryStream? Content, string Kind, int Status, string? Title);

public static class LedgerUpload
{
    public static async Task<LedgerUploadResult> ReadAsync(HttpRequest req)
    {
        if (!req.HasFormContentType)
        {
            return Fail(415, "请以表单上传 .xlsx 或 .csv 文件");
        }

        if (await SubmissionForms.UnreadableAsync(req) is { } unreadable)
        {
            return Fail(unreadable.StatusCode ?? 400, ((Microsoft.AspNetCore.Mvc.ProblemDetails)unreadable.Value!).Title!);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);

        var file = form.Files.Count > 0 ? form.Files[0] : null;
        if (file is null || file.Length == 0)
        {
            return Fail(422, "请选择要导入的文件");
        }

        if (file.Length > LedgerFiles.MaxBytes)
        {
            return Fail(413, $"文件过大：台账文件不超过 {SubmissionValidator.Size(LedgerFiles.MaxBytes)}");
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

        return new LedgerUploadResult(content, kind ?? "csv", 200, null);
    }

    private static LedgerUploadResult Fail(int status, string title) => new(null, "", status, title);
}
