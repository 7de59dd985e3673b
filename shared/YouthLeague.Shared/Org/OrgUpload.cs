using Microsoft.AspNetCore.Http;
using YouthLeague.Web;

namespace YouthLeague.Org;

/// <summary>The org sheet as uploaded: one multipart part named <c>file</c>, .xlsx or .csv by its bytes, at most 2 MB.</summary>
public static class OrgUpload
{
    public const long MaxBytes = 2 * 1024 * 1024;

    private static readonly SheetUploadRules Rules = new(
        PartName: "file",
        MaxBytes,
        NotAForm: "请以表单（multipart/form-data）上传 .xlsx 或 .csv 文件，字段名 file",
        NoFile: "请选择要导入的表格文件",
        EmptyFile: "文件是空的",
        TooLarge: "文件过大：组织架构表不超过 2 MB");

    public static Task<SheetUploadResult> ReadAsync(HttpRequest req) => SheetUpload.ReadAsync(req, Rules);
}
