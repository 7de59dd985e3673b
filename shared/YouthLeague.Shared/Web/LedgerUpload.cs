using Microsoft.AspNetCore.Http;
using YouthLeague.Checklist;
using YouthLeague.Ledger;

namespace YouthLeague.Web;

/// <summary>A ledger file as uploaded (API route and page alike): one .xlsx or .csv, checked by its bytes, at most 2 MB.</summary>
public static class LedgerUpload
{
    private static readonly SheetUploadRules Rules = new(
        PartName: null,
        LedgerFiles.MaxBytes,
        NotAForm: "请以表单上传 .xlsx 或 .csv 文件",
        NoFile: "请选择要导入的文件",
        EmptyFile: "请选择要导入的文件",
        TooLarge: $"文件过大：台账文件不超过 {SubmissionValidator.Size(LedgerFiles.MaxBytes)}");

    public static Task<SheetUploadResult> ReadAsync(HttpRequest req) => SheetUpload.ReadAsync(req, Rules);
}
