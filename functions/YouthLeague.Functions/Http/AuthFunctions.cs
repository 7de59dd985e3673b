using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Auth;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

public sealed class AuthFunctions(SignInService signIn, Sessions sessions, Access access, SignInPages pages)
{
    public sealed record LoginBody(string? Username, string? Password);

    [Function("Login")]
    public async Task<IActionResult> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/auth/login")] HttpRequest req)
    {
        var body = await JsonBodies.ReadAsync<LoginBody>(req);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var result = await signIn.SignInAsync(req, body.Value!.Username, body.Value.Password);
        if (result.Outcome == SignInOutcome.LockedOut)
        {
            req.HttpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Create(429, $"尝试次数过多，请 {result.RetryAfterText}后再试");
        }

        return result.Outcome == SignInOutcome.SignedIn
            ? new OkObjectResult(new { token = result.Token, role = result.Principal!.Role, scope = result.Principal.Scope })
            : Problems.Create(401, "用户名或密码不正确");
    }

    [Function("Logout")]
    public async Task<IActionResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/auth/logout")] HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        await sessions.SignOutAsync(who.Principal!.Username, req.HttpContext.RequestAborted);
        return new NoContentResult();
    }

    [Function("Me")]
    public async Task<IActionResult> Me(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me")] HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        return who.Allowed ? new OkObjectResult(who.Principal) : who.Denied!;
    }

    [Function("HomePage")]
    public Task<IActionResult> Home(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{ignored:maxlength(0)?}")] HttpRequest req) => pages.HomeAsync(req);

    [Function("LoginPage")]
    public async Task<IActionResult> LoginPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "login")] HttpRequest req) => await pages.LoginFormAsync(req);

    [Function("LoginForm")]
    public Task<IActionResult> LoginForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "login")] HttpRequest req) => pages.LoginAsync(req);

    [Function("LogoutForm")]
    public Task<IActionResult> LogoutForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "logout")] HttpRequest req) => pages.LogoutAsync(req);

    [Function("InvitePage")]
    public Task<IActionResult> InvitePage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "invite/{token}")] HttpRequest req, string token) => pages.InviteFormAsync(req, token);

    [Function("InviteForm")]
    public Task<IActionResult> InviteForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "invite/{token}")] HttpRequest req, string token) => pages.AcceptInviteAsync(req, token);
}
