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
        _ => Html.Page("无权访问", "<div class=\"card\"><h1>无权访问</h1><p>这不是您负责的村或镇街。</p><p><a href=\"/\">返回首页</a></p></div>", 403),
    };
}
