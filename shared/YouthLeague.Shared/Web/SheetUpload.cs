using Microsoft.AspNetCore.Http;
using YouthLeague.Checklist;

namespace YouthLeague.Web;

/// <summary>A spreadsheet as uploaded (ledger and org sheet alike): one .xlsx or .csv part, checked by its bytes, size-capped.</summary>
public sealed record SheetUploadResult(MemoryStream? Content, string Kind, int Status, string? Title);

/// <summary>What differs between the sheets people upload: the part's name, the size cap and the messages.</summary>
public sealed record SheetUploadRules(string? PartName, long MaxBytes, string NotAForm, string NoFile, string EmptyFile, string TooLarge);

public static class SheetUpload
{
    public static async Task<SheetUploadResult> ReadAsync(HttpRequest req, SheetUploadRules rules)
    {
        if (!req.HasFormContentType)
        {
            return Fail(415, rules.NotAForm);
        }

        if (await SubmissionForms.UnreadableAsync(req) is { } unreadable)
        {
            return Fail(unreadable.StatusCode ?? 400, ((Microsoft.AspNetCore.Mvc.ProblemDetails)unreadable.Value!).Title!);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
        var file = (rules.PartName is { } name ? form.Files.GetFile(name) : null) ?? (form.Files.Count > 0 ? form.Files[0] : null);
        if (file is null)
        {
            return Fail(422, rules.NoFile);
        }

        if (file.Length == 0)
        {
            return Fail(422, rules.EmptyFile);
        }

        if (file.Length > rules.MaxBytes)
        {
            return Fail(413, rules.TooLarge);
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

        return new SheetUploadResult(content, kind ?? "csv", 200, null);
    }

    private static SheetUploadResult Fail(int status, string title) => new(null, "", status, title);
}
