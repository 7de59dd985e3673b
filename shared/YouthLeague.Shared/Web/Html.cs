using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc;

namespace YouthLeague.Web;

/// <summary>
/// Server-rendered pages: every value goes through <see cref="E"/> (HTML-encoded), so script typed into a
/// field is shown as text, never run. One small stylesheet, mobile-first (the pages are read on phones).
/// </summary>
public static class Html
{
    /// <summary>Encodes markup characters; Chinese text stays readable (the default encoder would escape it all).</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string E(string? value) => Encoder.Encode(value ?? "");

    public static ContentResult Page(string title, string body, int status = 200, string? user = null, string? antiforgery = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append("<title>").Append(E(title)).Append(" · 团建指导员“六个一”</title><style>").Append(Css).Append("</style></head><body>")
          .Append("<header><a class=\"brand\" href=\"/\">团建“六个一”</a>");
        if (user is not null)
        {
            sb.Append("<form method=\"post\" action=\"/logout\" class=\"inline\"><span>").Append(E(user)).Append("</span>")
              .Append(Hidden(Auth.Access.AntiforgeryField, antiforgery ?? ""))
              .Append("<button class=\"link\">退出</button></form>");
        }

        sb.Append("</header><main>").Append(body).Append("</main></body></html>");
        return new ContentResult { Content = sb.ToString(), ContentType = "text/html; charset=utf-8", StatusCode = status };
    }

    public static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">";

    public static string Error(string? message) => string.IsNullOrEmpty(message) ? "" : $"<p class=\"error\" role=\"alert\">{E(message)}</p>";

    public static string Ok(string? message) => string.IsNullOrEmpty(message) ? "" : $"<p class=\"ok\" role=\"status\">{E(message)}</p>";

    public static RedirectResult Redirect(string url) => new(url, permanent: false);

    private const string Css = """
        *{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f7f9}
        header{display:flex;justify-content:space-between;align-items:center;padding:.6rem 1rem;background:#c8102e;color:#fff}
        header a{color:#fff;text-decoration:none;font-weight:600}header span{margin-right:.5rem}
        main{max-width:40rem;margin:0 auto;padding:1rem}
        .card{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        label{display:block;margin:.8rem 0 .3rem;font-weight:600}
        input,select,textarea{width:100%;padding:.6rem;font:inherit;border:1px solid #bbb;border-radius:.4rem}
        button{margin-top:1rem;width:100%;padding:.7rem;font:inherit;font-weight:600;color:#fff;background:#c8102e;border:0;border-radius:.4rem}
        button.secondary{color:#c8102e;background:#fff;border:1px solid #c8102e;margin-top:.6rem}progress{width:100%;margin-top:1rem}
        button.link{width:auto;margin:0;padding:.2rem .5rem;background:transparent;border:1px solid #fff}
        .inline{display:flex;align-items:center;margin:0}
        .error{color:#b00020;background:#fdecee;padding:.5rem .7rem;border-radius:.4rem}
        .muted{color:#57606a;font-size:.9rem}
        .ok{color:#1a7f37;background:#dafbe1;padding:.5rem .7rem;border-radius:.4rem}
        .chip{display:inline-block;padding:0 .5rem;border-radius:1rem;background:#eaeef2;font-size:.85rem}
        .approved .chip{background:#dafbe1;color:#1a7f37}.submitted .chip{background:#ddf4ff;color:#0969da}.returned .chip{background:#fff8c5;color:#9a6700}
        .overdue{border-left:4px solid #cf222e}.late{color:#cf222e}
        a.button{display:block;text-align:center;margin-top:.8rem;padding:.6rem;border-radius:.4rem;background:#c8102e;color:#fff;text-decoration:none;font-weight:600}
        h1{font-size:1.3rem}h2{font-size:1.1rem;margin:.2rem 0}dt{font-weight:600}dd{margin:0 0 .4rem}
        table{border-collapse:collapse;width:100%;font-size:.85rem;background:#fff}th,td{border:1px solid #d0d7de;padding:.3rem;text-align:center}
        td.approved{background:#dafbe1}td.submitted{background:#ddf4ff}td.returned{background:#fff8c5}td.overdue{background:#ffebe9;font-weight:600}
        .scroll{overflow-x:auto}.bar{height:.8rem;background:#1a7f37;border-radius:.2rem}
        """;
}
