using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using YouthLeague.Web;

namespace YouthLeague.Functions;

/// <summary>
/// The security headers on every HTTP answer of the Functions app (the local host adds the same in its own middleware).
/// Azure's front end ends TLS and forwards the request, so HTTPS is read from X-Forwarded-Proto as well.
/// </summary>
public sealed class SecurityHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            SecurityHeaders.Register(http, http.Request.IsHttps || http.Request.Headers["X-Forwarded-Proto"] == "https");
        }

        return next(context);
    }
}
