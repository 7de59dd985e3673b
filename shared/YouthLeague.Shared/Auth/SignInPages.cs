using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Web;
using YouthLeague.Web.Components;
using YouthLeague.Web.Pages;

namespace YouthLeague.Auth;

/// <summary>Sign-in, sign-out and invite pages (zh-CN, plain form posts, work without JavaScript).</summary>
public sealed class SignInPages(SignInService signIn, Sessions sessions, Invites invites, Access access, PageRenderer renderer)
{
    public const string LoginAntiforgeryCookie = "yl_login_af";
    public const string InviteAntiforgeryCookie = "yl_invite_af";

    public static CookieOptions SessionCookieOptions(HttpRequest req) => new()
    {
        HttpOnly = true,
        Secure = PublicOrigin.IsHttps(req),
        SameSite = SameSiteMode.Lax,
        Path = "/",
        MaxAge = SessionTokens.Lifetime,
    };

    /// <summary>Where a signed-in person starts: their village, their town, or the city overview.</summary>
    public static string HomeOf(Principal p) => p.Role switch
    {
        Roles.Secretary => $"/villages/{p.Scope}",
        Roles.Town => $"/towns/{p.Scope}",
        Roles.Office when !p.SeesAllTowns => $"/towns/{p.TownId}",
        _ => "/city",
    };

    public async Task<IActionResult> HomeAsync(HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        return new RedirectResult(who.Principal is { } p ? HomeOf(p) : "/login");
    }

    public Task<ContentResult> LoginFormAsync(HttpRequest req, string? error = null, string? username = null, int status = 200) =>
        renderer.PageAsync<LoginPage, LoginModel>(new(PageChrome.Anonymous(DoubleSubmit(req, LoginAntiforgeryCookie, "/login")), error, username), status);

    public async Task<IActionResult> LoginAsync(HttpRequest req)
    {
        if (!req.HasFormContentType || await SubmissionForms.UnreadableAsync(req) is not null)
        {
            return await LoginFormAsync(req, "请通过登录页面登录", status: 400);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
        var username = form["username"].ToString();
        if (!DoubleSubmitted(req, form, LoginAntiforgeryCookie))
        {
            return await LoginFormAsync(req, "页面已过期，请重新登录", username, 400);
        }

        var result = await signIn.SignInAsync(req, username, form["password"].ToString());
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                req.HttpContext.Response.Cookies.Append(Access.SessionCookie, result.Token!, SessionCookieOptions(req));
                return new RedirectResult(HomeOf(result.Principal!));
            case SignInOutcome.LockedOut:
                req.HttpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return await LoginFormAsync(req, $"密码错误次数过多，账户已暂时锁定，请 {result.RetryAfterText}后再试", username, 429);
            case SignInOutcome.Disabled:
                return await LoginFormAsync(req, "该账户已停用，请联系镇街审核员", username, 403);
            default:
                return await LoginFormAsync(req, "用户名或密码不正确", username, 401);
        }
    }

    public async Task<IActionResult> LogoutAsync(HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        if (who.Principal is { } p && who.Allowed)
        {
            await sessions.SignOutAsync(p.Username, req.HttpContext.RequestAborted);
        }

        req.HttpContext.Response.Cookies.Delete(Access.SessionCookie, new CookieOptions { Path = "/" });
        return new RedirectResult("/login");
    }

    public async Task<IActionResult> InviteFormAsync(HttpRequest req, string token, string? error = null, int status = 200)
    {
        var (invite, problem) = await invites.FindAsync(token, req.HttpContext.RequestAborted);
        if (invite is null)
        {
            return await renderer.PageAsync<MessagePage, MessageModel>(
                new(PageChrome.Anonymous(), "邀请链接", "邀请链接不可用", problem, Link: new PageLink("/login", "去登录")), 410);
        }

        var chrome = PageChrome.Anonymous(DoubleSubmit(req, InviteAntiforgeryCookie, "/invite"));
        return await renderer.PageAsync<InvitePage, InviteModel>(new(chrome, token, invite.Username, error), status);
    }

    public async Task<IActionResult> AcceptInviteAsync(HttpRequest req, string token)
    {
        if (!req.HasFormContentType || await SubmissionForms.UnreadableAsync(req) is not null)
        {
            return await InviteFormAsync(req, token, "请通过页面提交", 400);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
        if (!DoubleSubmitted(req, form, InviteAntiforgeryCookie))
        {
            return await InviteFormAsync(req, token, "页面已过期，请重新输入", 400);
        }

        var password = form["password"].ToString();
        var problem = AccountService.PasswordProblem(password) ?? (password != form["confirm"].ToString() ? "两次输入的密码不一致" : null);
        if (problem is not null)
        {
            return await InviteFormAsync(req, token, problem, 422);
        }

        var result = await invites.AcceptAsync(token, password, req.HttpContext.RequestAborted);
        if (result is null)
        {
            return await InviteFormAsync(req, token);
        }

        req.HttpContext.Response.Cookies.Append(Access.SessionCookie, result.Token!, SessionCookieOptions(req));
        return new RedirectResult(HomeOf(result.Principal!));
    }

    /// <summary>
    /// Double-submit token against login CSRF (someone signing a victim into the attacker's account): the same random
    /// value in a cookie of this page's path and in the form.
    /// </summary>
    private static string DoubleSubmit(HttpRequest req, string cookie, string path)
    {
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        req.HttpContext.Response.Cookies.Append(cookie, token, new CookieOptions { HttpOnly = true, Secure = PublicOrigin.IsHttps(req), SameSite = SameSiteMode.Strict, Path = path });
        return token;
    }

    private static bool DoubleSubmitted(HttpRequest req, IFormCollection form, string cookie) =>
        req.Cookies.TryGetValue(cookie, out var expected) && expected.Length > 0 &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(form[Access.AntiforgeryField].ToString()));
}
