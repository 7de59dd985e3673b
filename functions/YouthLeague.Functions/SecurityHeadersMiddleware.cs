using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using YouthLeague.Web;

namespace YouthLeague.Functions;

/// <summary>
/// The security headers on every HTTP answer of the Functions app (the local host adds the same in its own middleware).
/// Azure's front end ends TLS and forwards plain HTTP, so whether to send HSTS is decided from the configured public
/// address (or Azure itself), not from X-Forwarded-Proto, which a caller can send too.
/// </summary>
public sealed class SecurityHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            SecurityHeaders.Register(http);
        }

        return next(context);
    }
}
