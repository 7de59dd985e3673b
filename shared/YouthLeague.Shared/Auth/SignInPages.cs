using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Web;

namespace YouthLeague.Auth;

/// <summary>Sign-in, sign-out and invite pages (zh-CN, plain form posts, work without JavaScript).</summary>
public sealed class SignInPages(SignInService signIn, Sessions sessions, Invites invites, Access access)
{
    public const string LoginAntiforgeryCookie = "yl_login_af";

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
        _ => "/city",
    };

    public async Task<IActionResult> HomeAsync(HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        return Html.Redirect(who.Principal is { } p ? HomeOf(p) : "/login");
    }

    public static IActionResult LoginForm(HttpRequest req, string? error = null, string? username = null, int status = 200)
    {
        // Double-submit token against login CSRF: the same random value in a cookie and in the form.
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        req.HttpContext.Response.Cookies.Append(LoginAntiforgeryCookie, token, new CookieOptions { HttpOnly = true, Secure = PublicOrigin.IsHttps(req), SameSite = SameSiteMode.Strict, Path = "/login" });
        var body = $"""
            <div class="card"><h1>登录</h1>
            {Html.Error(error)}
            <form method="post" action="/login">
            {Html.Hidden(Access.AntiforgeryField, token)}
            <label for="username">用户名</label><input id="username" name="username" autocomplete="username" autocapitalize="none" required value="{Html.E(username)}">
            <label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button>登录</button></form>
            <p class="muted">第一次使用？请打开审核员发给您的邀请链接设置密码。</p></div>
            """;
        return Html.Page("登录", body, status);
    }

    public async Task<IActionResult> LoginAsync(HttpRequest req)
    {
        if (!req.HasFormContentType || await Web.SubmissionForms.UnreadableAsync(req) is not null)
        {
            return LoginForm(req, "请通过登录页面登录", status: 400);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
        var username = form["username"].ToString();
        if (!req.Cookies.TryGetValue(LoginAntiforgeryCookie, out var expected) || expected != form[Access.AntiforgeryField].ToString())
        {
            return LoginForm(req, "页面已过期，请重新登录", username, 400);
        }

        var result = await signIn.SignInAsync(req, username, form["password"].ToString());
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                req.HttpContext.Response.Cookies.Append(Access.SessionCookie, result.Token!, SessionCookieOptions(req));
                return Html.Redirect(HomeOf(result.Principal!));
            case SignInOutcome.LockedOut:
                return LoginForm(req, "密码错误次数过多，账户已暂时锁定，请 15 分钟后再试", username, 429);
            case SignInOutcome.Disabled:
                return LoginForm(req, "该账户已停用，请联系镇街审核员", username, 403);
            default:
                return LoginForm(req, "用户名或密码不正确", username, 401);
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
        return Html.Redirect("/login");
    }

    public async Task<IActionResult> InviteFormAsync(HttpRequest req, string token, string? error = null, int status = 200)
    {
        var (invite, problem) = await invites.FindAsync(token, req.HttpContext.RequestAborted);
        if (invite is null)
        {
            return Html.Page("邀请链接", $"<div class=\"card\"><h1>邀请链接不可用</h1>{Html.Error(problem)}<p><a href=\"/login\">去登录</a></p></div>", 410);
        }

        var body = $"""
            <div class="card"><h1>设置密码</h1>
            <p>账户：<strong>{Html.E(invite.Username)}</strong></p>
            {Html.Error(error)}
            <form method="post" action="/invite/{Html.E(token)}">
            <label for="password">新密码（至少 8 位，含字母和数字）</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
            <label for="confirm">再输入一次</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
            <button>设置密码并登录</button></form></div>
            """;
        return Html.Page("设置密码", body, status);
    }

    public async Task<IActionResult> AcceptInviteAsync(HttpRequest req, string token)
    {
        if (!req.HasFormContentType || await Web.SubmissionForms.UnreadableAsync(req) is not null)
        {
            return await InviteFormAsync(req, token, "请通过页面提交", 400);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
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
        return Html.Redirect(HomeOf(result.Principal!));
    }
}
