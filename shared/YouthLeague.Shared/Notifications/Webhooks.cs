using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace YouthLeague.Notifications;

/// <summary>A town's group robot: WeCom (企业微信) or DingTalk (钉钉), from configuration
/// <c>YouthLeague:Webhooks:{townId}:Kind|Url|Secret|Mentions</c> (secrets in app settings or Key Vault, never in the repo).
/// With <c>Mentions</c> true, a message about a village mentions its secretary's phone when one is on record.</summary>
public sealed record WebhookTarget(string Kind, Uri Url, string? Secret, bool Mentions = false)
{
    /// <summary>The key the robot's pacing is kept under: its URL without query (the token stays out of storage).</summary>
    public string PacingKey => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Url.ToString())))[..32];
}

/// <summary>One message to a robot: plain text (with mentions), or markdown (the digest).</summary>
public sealed record RobotMessage(string Title, string Text, bool Markdown, IReadOnlyList<string> Mobiles);

/// <summary>What the robot answered: sent (errcode 0), refused for sending too fast (try later), or refused for good.</summary>
public enum RobotOutcome
{
    Sent,
    RateLimited,
    Refused,
}

public sealed record RobotAnswer(RobotOutcome Outcome, string Reason)
{
    public static readonly RobotAnswer Ok = new(RobotOutcome.Sent, "");
}

public static class Webhooks
{
    public const string HttpClientName = "webhooks";

    /// <summary>Chinese as UTF-8, not \u escapes (the robots count their limits in bytes of the text).</summary>
    private static readonly JsonSerializerOptions BodyOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) };

    /// <summary>DingTalk 130101 (sent too fast: blocked for 10 minutes), WeCom 45009 (api freq out of limit), -1 (system busy, both).</summary>
    public static readonly IReadOnlySet<int> RateLimitCodes = new HashSet<int> { 130101, 45009, -1 };

    public static WebhookTarget? For(IConfiguration config, string townId)
    {
        var section = config.GetSection($"YouthLeague:Webhooks:{townId}");
        return Uri.TryCreate(section["Url"], UriKind.Absolute, out var url) && section["Kind"] is "wecom" or "dingtalk"
            ? new WebhookTarget(section["Kind"]!, url, section["Secret"], section.GetValue("Mentions", false))
            : null;
    }

    /// <summary>A plain text message (no formatting).</summary>
    public static HttpRequestMessage Request(WebhookTarget target, string text, DateTimeOffset now) =>
        Request(target, new RobotMessage("", text, false, []), now);

    /// <summary>
    /// The robot's request. WeCom: <c>text</c> with <c>mentioned_mobile_list</c>, or <c>markdown</c> (which cannot
    /// mention by phone). DingTalk: <c>text</c> or <c>markdown</c> (title + text) with <c>at.atMobiles</c>, each
    /// mentioned phone also written as "@phone" in the text (DingTalk shows the mention only then); the URL signed
    /// when a secret is set.
    /// </summary>
    public static HttpRequestMessage Request(WebhookTarget target, RobotMessage message, DateTimeOffset now)
    {
        var url = target.Url.ToString();
        object body;
        if (target.Kind == "dingtalk")
        {
            if (!string.IsNullOrEmpty(target.Secret))
            {
                var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(target.Secret), Encoding.UTF8.GetBytes(timestamp + "\n" + target.Secret)));
                url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={timestamp}&sign={Uri.EscapeDataString(sign)}";
            }

            var mentions = message.Mobiles.Count == 0 ? "" : (message.Markdown ? "\n\n" : "\n") + string.Join(" ", message.Mobiles.Select(m => "@" + m));
            var at = new { atMobiles = message.Mobiles, isAtAll = false };
            body = message.Markdown
                ? new { msgtype = "markdown", markdown = new { title = message.Title, text = message.Text + mentions }, at }
                : new { msgtype = "text", text = new { content = message.Text + mentions }, at };
        }
        else
        {
            body = message.Markdown
                ? new { msgtype = "markdown", markdown = new { content = message.Text } }
                : message.Mobiles.Count > 0
                    ? new { msgtype = "text", text = new { content = message.Text, mentioned_mobile_list = message.Mobiles } }
                    : (object)new { msgtype = "text", text = new { content = message.Text } };
        }

        return new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: BodyOptions) };
    }

    /// <summary>
    /// Reads the robot's answer: both answer HTTP 200 with <c>{"errcode":…,"errmsg":…}</c>, and only errcode 0 means
    /// the message reached the group. An HTTP error (after the client's retries) or a body without errcode is a refusal.
    /// </summary>
    public static async Task<RobotAnswer> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            return new RobotAnswer(RobotOutcome.Refused, $"机器人应答 HTTP {(int)response.StatusCode}");
        }

        var raw = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(raw);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("errcode", out var code) && code.TryGetInt32(out var errcode))
            {
                var errmsg = json.RootElement.TryGetProperty("errmsg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "";
                errmsg = errmsg.Length > 100 ? errmsg[..100] : errmsg;
                return errcode == 0 ? RobotAnswer.Ok
                    : RateLimitCodes.Contains(errcode) ? new RobotAnswer(RobotOutcome.RateLimited, $"发送过快（errcode {errcode}）")
                    : new RobotAnswer(RobotOutcome.Refused, $"机器人拒收（errcode {errcode}：{errmsg}）");
            }
        }
        catch (JsonException)
        {
            // Not JSON: not an answer of either robot.
        }

        return new RobotAnswer(RobotOutcome.Refused, "机器人应答无法识别（没有 errcode）");
    }
}
