using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Setup;
using YouthLeague.Web;
using YouthLeague.Web.Components;
using YouthLeague.Web.Pages;
using YouthLeague.Web.Service;

namespace YouthLeague.Functions.Http;

/// <summary>First run: the setup secret's holder creates the first city administrator. Gone (404) once one exists.</summary>
public sealed class SetupFunctions(SetupService setup, PageRenderer renderer)
{
    public sealed record SetupBody(string? Secret, string? Username, string? DisplayName, string? Password);

    [Function("SetupPage")]
    public async Task<IActionResult> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "setup")] HttpRequest req)
    {
        if (!setup.Configured || await setup.IsDoneAsync(req.HttpContext.RequestAborted))
        {
            return await NotFoundPage();
        }

        return await renderer.PageAsync<SetupPage, SetupModel>(new(PageChrome.Anonymous(), null, [], null));
    }

    [Function("SetupSubmit")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "setup")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        if (!setup.Configured || await setup.IsDoneAsync(ct))
        {
            return req.HasFormContentType ? await NotFoundPage() : Problems.NotFound("页面不存在");
        }

        if (req.HasFormContentType)
        {
            var form = await req.ReadFormAsync(ct);
            var outcome = await setup.CreateCityAdministratorAsync(form["secret"], form["username"], form["displayName"], form["password"], ct);
            if (outcome.Ok)
            {
                return new RedirectResult("/login?setup=1", permanent: false);
            }

            var problems = outcome.Errors?.SelectMany(e => e.Value).ToList() ?? [];
            return await renderer.PageAsync<SetupPage, SetupModel>(new(PageChrome.Anonymous(), outcome.Title, problems, form["username"]), outcome.Status);
        }

        var body = await JsonBodies.ReadAsync<SetupBody>(req);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var b = body.Value!;
        var result = await setup.CreateCityAdministratorAsync(b.Secret, b.Username, b.DisplayName, b.Password, ct);
        return result.Ok ? new ObjectResult(new { username = b.Username!.Trim().ToLowerInvariant(), role = "city" }) { StatusCode = 201 } : Problems.Create(result.Status, result.Title!, result.Errors);
    }

    private Task<ContentResult> NotFoundPage() =>
        renderer.PageAsync<MessagePage, MessageModel>(new(PageChrome.Anonymous(), "页面不存在", "页面不存在", Link: new PageLink("/login", "去登录")), 404);
}
