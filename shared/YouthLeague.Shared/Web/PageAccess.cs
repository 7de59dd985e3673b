using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;

namespace YouthLeague.Web;

/// <summary>The access check's refusals as people see them in a browser: sign-in page, or a page saying why.</summary>
public static class PageAccess
{
    public static IActionResult Refusal(AccessResult result) => result.Denied!.StatusCode switch
    {
        401 => Html.Redirect("/login"),
        404 => Html.Page("找不到", "<div class=\"card\"><h1>找不到该页面</h1><p><a href=\"/\">返回首页</a></p></div>", 404),
        400 or 413 => Html.Page("无法提交", $"<div class=\"card\"><h1>无法提交</h1>{Html.Error((result.Denied.Value as Microsoft.AspNetCore.Mvc.ProblemDetails)?.Title)}<p>请返回上一页修改后重试。</p></div>", result.Denied.StatusCode.Value),
        _ => Html.Page("无权访问", "<div class=\"card\"><h1>无权访问</h1><p>这不是您负责的村或镇街。</p><p><a href=\"/\">返回首页</a></p></div>", 403),
    };

    /// <summary>
    /// A page's form body, or the page saying why it cannot be read (not a form, malformed, too large): never a 500.
    /// </summary>
    public static async Task<(Microsoft.AspNetCore.Http.IFormCollection? Form, IActionResult? Refusal)> ReadFormAsync(Microsoft.AspNetCore.Http.HttpRequest req)
    {
        var problem = req.HasFormContentType ? await SubmissionForms.UnreadableAsync(req) : Problems.Create(400, "请通过页面上的表单提交");
        return problem is null
            ? (await req.ReadFormAsync(req.HttpContext.RequestAborted), null)
            : (null, Refusal(new AccessResult(null, problem)));
    }
}
