using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Setup;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>First run: the setup secret's holder creates the first city administrator. Gone (404) once one exists.</summary>
public sealed class SetupFunctions(SetupService setup)
{
    public sealed record SetupBody(string? Secret, string? Username, string? DisplayName, string? Password);

    [Function("SetupPage")]
    public async Task<IActionResult> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "setup")] HttpRequest req)
    {
        if (!setup.Configured || await setup.IsDoneAsync(req.HttpContext.RequestAborted))
        {
            return NotFoundPage();
        }

        return SetupPages.Form(null, null, null);
    }

    [Function("SetupSubmit")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "setup")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        if (!setup.Configured || await setup.IsDoneAsync(ct))
        {
            return req.HasFormContentType ? NotFoundPage() : Problems.NotFound("页面不存在");
        }

        if (req.HasFormContentType)
        {
            var form = await req.ReadFormAsync(ct);
            var outcome = await setup.CreateCityAdministratorAsync(form["secret"], form["username"], form["displayName"], form["password"], ct);
            if (outcome.Ok)
            {
                return new RedirectResult("/login?setup=1", permanent: false);
            }

            return SetupPages.Form(outcome.Title, outcome.Errors, form["username"], outcome.Status);
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

    private static ContentResult NotFoundPage() => Html.Page("页面不存在", "<h1>页面不存在</h1>", 404);
}
