using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Web.Components;
using YouthLeague.Web.Pages;

namespace YouthLeague.Web;

/// <summary>A page request that passed its preamble: who asks, the year of the route (0 when it has none), the form (posts).</summary>
public sealed record PageRequest(Principal Principal, int Year, IFormCollection? Form);

/// <summary>The access check's refusals as people see them in a browser: sign-in page, or a page saying why.</summary>
public sealed class PageAccess(PageRenderer renderer, Access access)
{
    /// <summary>The preamble, then <paramref name="handle"/> with what it found; the refusal when it failed.</summary>
    public async Task<IActionResult> HandleAsync(
        HttpRequest req, Func<Principal, bool> allowed, string deniedTitle, Func<PageRequest, Task<IActionResult>> handle, string? year = null, bool readForm = false)
    {
        var (page, refusal) = await RequireAsync(req, allowed, deniedTitle, year, readForm);
        return page is null ? refusal! : await handle(page);
    }

    /// <summary>
    /// The preamble of a page handler in one call: the access check (else the sign-in page or the refusal), the route's
    /// year when it has one (else "not found"), the form body for a post (else the page saying why it cannot be read).
    /// </summary>
    public async Task<(PageRequest? Page, IActionResult? Refusal)> RequireAsync(
        HttpRequest req, Func<Principal, bool> allowed, string deniedTitle, string? year = null, bool readForm = false)
    {
        var who = await access.RequireAsync(req, allowed, deniedTitle);
        if (!who.Allowed)
        {
            return (null, await RefusalAsync(who));
        }

        var y = 0;
        if (year is not null && !Routes.TryYear(year, out y))
        {
            return (null, await NotFoundAsync(who, "年份无效"));
        }

        var (form, refusal) = readForm ? await ReadFormAsync(req) : (null, null);
        return refusal is null ? (new PageRequest(who.Principal!, y, form), null) : (null, refusal);
    }

    public async Task<IActionResult> RefusalAsync(AccessResult result) => result.Denied!.StatusCode switch
    {
        401 => new RedirectResult("/login"),
        404 => await renderer.PageAsync<MessagePage, MessageModel>(
            new(PageChrome.Anonymous(), "找不到", "找不到该页面", Link: new PageLink("/", "返回首页")), 404),
        400 or 413 => await renderer.PageAsync<MessagePage, MessageModel>(
            new(PageChrome.Anonymous(), "无法提交", "无法提交", (result.Denied.Value as ProblemDetails)?.Title, "请返回上一页修改后重试。"), result.Denied.StatusCode.Value),
        _ => await renderer.PageAsync<MessagePage, MessageModel>(
            new(PageChrome.Anonymous(), "无权访问", "无权访问", Text: "这不是您负责的村或镇街。", Link: new PageLink("/", "返回首页")), 403),
    };

    /// <summary>A refusal for something the page looked for and did not find.</summary>
    public Task<IActionResult> NotFoundAsync(AccessResult who, string title) => RefusalAsync(who with { Denied = Problems.NotFound(title) });

    /// <summary>
    /// A page's form body, or the page saying why it cannot be read (not a form, malformed, too large): never a 500.
    /// </summary>
    public async Task<(IFormCollection? Form, IActionResult? Refusal)> ReadFormAsync(HttpRequest req)
    {
        var problem = req.HasFormContentType ? await SubmissionForms.UnreadableAsync(req) : Problems.Create(400, "请通过页面上的表单提交");
        return problem is null
            ? (await req.ReadFormAsync(req.HttpContext.RequestAborted), null)
            : (null, await RefusalAsync(new AccessResult(null, problem)));
    }
}
