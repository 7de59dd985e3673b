using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace YouthLeague.Web;

public sealed record JsonBody<T>(T? Value, ObjectResult? Problem);

/// <param name="Activity">A further activity of the approved step to review (its submission id); absent for the step's own submission.</param>
public sealed record ReviewBody(string? Decision, string? Comment, bool? Exemplary, string? Activity = null);

/// <summary>
/// Reads a JSON request body; malformed JSON is a 400, over <see cref="MaxBytes"/> a 413, a person can read either.
/// The cap is enforced while reading (a chunked body has no Content-Length to check first), so a request costs at
/// most about <see cref="MaxBytes"/> of memory whatever it sends.
/// </summary>
public static class JsonBodies
{
    public const long MaxBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<JsonBody<T>> ReadAsync<T>(HttpRequest req)
        where T : class
    {
        if (req.ContentType is null || !req.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, Problems.Create(415, "请以 application/json 提交"));
        }

        if (req.ContentLength > MaxBytes)
        {
            return new(null, Problems.Create(413, "提交的内容过大"));
        }

        try
        {
            await using var body = new BoundedReadStream(req.Body, MaxBytes);
            var value = await JsonSerializer.DeserializeAsync<T>(body, Options, req.HttpContext.RequestAborted);
            return value is null ? new(null, Problems.BadRequest("请求内容为空")) : new(value, null);
        }
        catch (BodyTooLargeException)
        {
            return new(null, Problems.Create(413, "提交的内容过大"));
        }
        catch (JsonException)
        {
            return new(null, Problems.BadRequest("JSON 格式不正确"));
        }
    }
}
