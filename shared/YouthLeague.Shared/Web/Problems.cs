using Microsoft.AspNetCore.Mvc;

namespace YouthLeague.Web;

/// <summary>RFC 9457 problem documents with a title a person can read (Chinese).</summary>
public static class Problems
{
    public static ObjectResult Create(int status, string title, IDictionary<string, string[]>? errors = null)
    {
        ProblemDetails body = errors is { Count: > 0 }
            ? new ValidationProblemDetails(errors) { Title = title, Status = status }
            : new ProblemDetails { Title = title, Status = status };
        return new ObjectResult(body)
        {
            StatusCode = status,
            ContentTypes = { "application/problem+json" },
        };
    }

    public static ObjectResult NotFound(string title) => Create(404, title);

    public static ObjectResult BadRequest(string title, IDictionary<string, string[]>? errors = null) => Create(400, title, errors);
}
