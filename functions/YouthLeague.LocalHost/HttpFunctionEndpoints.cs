using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.DurableTask.Client;

namespace YouthLeague.LocalHost;

/// <summary>Serves HTTP-triggered functions on Kestrel at their routes and methods, under host.json's route prefix.</summary>
public static class HttpFunctionEndpoints
{
    /// <summary>Headers App Service Authentication sets; never trusted from a client on the local host.</summary>
    public static readonly IReadOnlyList<string> PlatformPrincipalHeaders =
        ["X-MS-CLIENT-PRINCIPAL", "X-MS-CLIENT-PRINCIPAL-ID", "X-MS-CLIENT-PRINCIPAL-NAME", "X-MS-CLIENT-PRINCIPAL-IDP", "X-MS-TOKEN-AAD-ID-TOKEN"];

    public static string Pattern(string routePrefix, string route)
    {
        var prefix = routePrefix.Trim('/');
        var r = route.Trim('/');
        return "/" + (prefix.Length == 0 ? r : r.Length == 0 ? prefix : $"{prefix}/{r}");
    }

    public static IReadOnlyList<string> Methods(FunctionBinding trigger) =>
        trigger.Methods is { Count: > 0 } m ? m.Select(x => x.ToUpperInvariant()).ToList() : ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    public static void Map(WebApplication app, IEnumerable<LocalFunction> functions, string routePrefix)
    {
        foreach (var function in functions)
        {
            var trigger = function.Metadata.Trigger;
            var pattern = Pattern(routePrefix, trigger.Route ?? function.Name);
            var binders = Binders(function, RoutePatternFactory.Parse(pattern));
            app.MapMethods(pattern, Methods(trigger), async context =>
            {
                var args = binders.Select(b => b(context)).ToArray();
                var result = await FunctionInvoker.InvokeAsync(context.RequestServices, function, args);
                await WriteAsync(context, result);
            }).WithDisplayName(function.Name);
        }
    }

    /// <summary>One binder per parameter, decided at start so that an unbindable parameter stops the host there.</summary>
    private static List<Func<HttpContext, object?>> Binders(LocalFunction function, RoutePattern pattern)
    {
        var binders = new List<Func<HttpContext, object?>>();
        var bindings = function.Metadata.Bindings.ToDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var p in function.Method.GetParameters())
        {
            bindings.TryGetValue(p.Name!, out var binding);
            binders.Add(binding?.Type switch
            {
                FunctionCatalog.HttpTrigger when p.ParameterType == typeof(HttpRequest) => c => c.Request,
                FunctionCatalog.DurableClient when p.ParameterType.IsAssignableFrom(typeof(DurableTaskClient)) =>
                    c => c.RequestServices.GetRequiredService<DurableTaskClient>(),
                null when p.ParameterType == typeof(CancellationToken) => c => c.RequestAborted,
                null when pattern.GetParameter(p.Name!) is not null => RouteValue(function, p),
                _ => throw new UnsupportedFunctionException(
                    $"Function '{function.Name}': parameter '{p.Name}' ({p.ParameterType.Name}) cannot be bound by the local host."),
            });
        }

        return binders;
    }

    private static Func<HttpContext, object?> RouteValue(LocalFunction function, ParameterInfo p)
    {
        if (p.ParameterType == typeof(string))
        {
            return c => c.Request.RouteValues[p.Name!]?.ToString();
        }

        throw new UnsupportedFunctionException($"Function '{function.Name}': route parameter '{p.Name}' must be a string.");
    }

    private static async Task WriteAsync(HttpContext context, object? result)
    {
        switch (result)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case IResult minimal:
                await minimal.ExecuteAsync(context);
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await context.Response.WriteAsJsonAsync(result, result.GetType());
                break;
        }
    }
}
