using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace YouthLeague.Notifications;

/// <summary>A town's group robot: WeCom (企业微信) or DingTalk (钉钉), from configuration
/// <c>YouthLeague:Webhooks:{townId}:Kind|Url|Secret</c> (secrets in app settings or Key Vault, never in the repo).</summary>
public sealed record WebhookTarget(string Kind, Uri Url, string? Secret);

public static class Webhooks
{
    public const string HttpClientName = "webhooks";

    public static WebhookTarget? For(IConfiguration config, string townId)
    {
        var section = config.GetSection($"YouthLeague:Webhooks:{townId}");
        return Uri.TryCreate(section["Url"], UriKind.Absolute, out var url) && section["Kind"] is "wecom" or "dingtalk"
            ? new WebhookTarget(section["Kind"]!, url, section["Secret"])
            : null;
    }

    /// <summary>The robot's request: both take {"msgtype":"text"}; DingTalk signs the URL when a secret is set.</summary>
    public static HttpRequestMessage Request(WebhookTarget target, string text, DateTimeOffset now)
    {
        var url = target.Url.ToString();
        if (target.Kind == "dingtalk" && !string.IsNullOrEmpty(target.Secret))
        {
            var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(target.Secret), Encoding.UTF8.GetBytes(timestamp + "\n" + target.Secret)));
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={timestamp}&sign={Uri.EscapeDataString(sign)}";
        }

        return new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { msgtype = "text", text = new { content = text } }) };
    }
}
