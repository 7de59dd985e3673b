using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Checklist;

namespace YouthLeague.Web;

public sealed record SubmissionForm(IReadOnlyDictionary<string, string?> Fields, IReadOnlyList<IncomingFile> Files, ObjectResult? Problem);

/// <summary>Reads a step submission from multipart/form-data (the API route and the HTML form alike).</summary>
public static class SubmissionForms
{
    public const string EvidenceField = "evidence";

    /// <summary>The largest request body either host reads: the biggest step (3 files × 10 MB) with room for its fields.</summary>
    public const long MaxRequestBytes = 48L * 1024 * 1024;

    /// <summary>Form fields that are transport, not answers.</summary>
    private static readonly string[] NoFileHere = ["这里不能上传文件"];

    private static readonly HashSet<string> Reserved = ["__RequestVerificationToken", "formToken"];

    public static async Task<SubmissionForm> ReadAsync(HttpRequest req)
    {
        if (!req.HasFormContentType)
        {
            return Fail(Problems.Create(415, "请以 multipart/form-data 表单提交"));
        }

        if (await UnreadableAsync(req) is { } unreadable)
        {
            return Fail(unreadable);
        }

        var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);

        var fields = form.Keys.Where(k => !Reserved.Contains(k)).ToDictionary(k => k, k => (string?)form[k].ToString());
        var files = form.Files
            .Where(f => f.Name == EvidenceField)
            .Select(f => new IncomingFile(f.Name, f.Length, f.OpenReadStream))
            .ToList();
        var stray = form.Files.Where(f => f.Name != EvidenceField).Select(f => f.Name).Distinct().ToList();
        if (stray.Count > 0)
        {
            return Fail(Problems.BadRequest("文件只能放在 evidence 字段中", stray.ToDictionary(n => n, _ => NoFileHere)));
        }

        return new SubmissionForm(fields, files, null);
    }

    /// <summary>
    /// Reads (and buffers) a form body once; null if it reads, else the problem: 413 over <see cref="MaxRequestBytes"/>,
    /// 400 if malformed or a text field is not UTF-8. Whoever reads the form first (the anti-forgery check, a page) gets
    /// the same answer, and every later <c>ReadFormAsync</c> gets the form read here.
    /// </summary>
    /// <remarks>
    /// A multipart form is read here, not by ASP.NET Core's form reader: that one decodes each text field with a
    /// <c>StreamReader</c> that sniffs byte-order marks and honours a part's own charset, so a field beginning with FF FE
    /// was read as UTF-16 (issue #14). Here every text field is UTF-8, strictly: bytes that are not UTF-8 (FF FE is
    /// never UTF-8) answer 400 naming the field, nothing is stored, and a field's text is exactly the bytes sent (a
    /// leading UTF-8 BOM stays a U+FEFF character). Browsers send our pages' forms as UTF-8, so only a hand-made
    /// request meets this. An urlencoded form (the sign-in page) is percent-decoded as UTF-8 by ASP.NET Core, which
    /// sniffs nothing; an invalid sequence there becomes U+FFFD.
    /// </remarks>
    public static async Task<ObjectResult?> UnreadableAsync(HttpRequest req)
    {
        if (!req.HasFormContentType)
        {
            return null;
        }

        if (req.HttpContext.Items.TryGetValue(ReadKey, out var earlier))
        {
            return (ObjectResult?)earlier;
        }

        var problem = await ReadOnceAsync(req);
        req.HttpContext.Items[ReadKey] = problem;
        return problem;
    }

    private static readonly object ReadKey = new();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static async Task<ObjectResult?> ReadOnceAsync(HttpRequest req)
    {
        try
        {
            if (MediaTypeHeaderValue.TryParse(req.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                var (form, problem) = await ReadMultipartAsync(req, type, req.HttpContext.RequestAborted);
                if (problem is not null)
                {
                    return problem;
                }

                req.HttpContext.Features.Set<IFormFeature>(new FormFeature(form!));
            }

            await req.ReadFormAsync(req.HttpContext.RequestAborted);
            return null;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (BodyTooLargeException)
        {
            return TooLarge();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Problems.BadRequest("表单格式不正确，无法读取");
        }
    }

    private static ObjectResult TooLarge() => Problems.Create(413, $"提交的内容过大：一次提交的文件合计不超过 {MaxRequestBytes / 1024 / 1024} MB");

    /// <summary>
    /// multipart/form-data with ASP.NET Core's limits (<see cref="FormOptions"/>): the body buffered (to disk past
    /// 64 KB, never past <see cref="MaxRequestBytes"/>), files kept as ranges of it, text fields decoded as strict UTF-8.
    /// </summary>
    private static async Task<(FormCollection? Form, ObjectResult? Problem)> ReadMultipartAsync(HttpRequest req, MediaTypeHeaderValue type, CancellationToken ct)
    {
        var options = req.HttpContext.RequestServices?.GetService<IOptions<FormOptions>>()?.Value ?? new FormOptions();
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > options.MultipartBoundaryLengthLimit)
        {
            throw new InvalidDataException("multipart boundary missing or too long");
        }

        // Counted as it is read (a chunked body has no Content-Length; Kestrel's own cap is not there on Functions).
        req.Body = new BoundedReadStream(req.Body, MaxRequestBytes);
        req.EnableBuffering(options.MemoryBufferThreshold);
        var reader = new MultipartReader(boundary, req.Body)
        {
            HeadersCountLimit = options.MultipartHeadersCountLimit,
            HeadersLengthLimit = options.MultipartHeadersLengthLimit,
            BodyLengthLimit = options.MultipartBodyLengthLimit,
        };
        var fields = new KeyValueAccumulator();
        var files = new FormFileCollection();
        var count = 0;
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (++count > options.ValueCountLimit)
            {
                throw new InvalidDataException($"more than {options.ValueCountLimit} form parts");
            }

            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException("a form part without Content-Disposition: form-data");
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (name.Length > options.KeyLengthLimit)
            {
                throw new InvalidDataException("form field name too long");
            }

            if (!StringSegment.IsNullOrEmpty(disposition.FileName) || !StringSegment.IsNullOrEmpty(disposition.FileNameStar))
            {
                await section.Body.DrainAsync(ct);
                var fileName = HeaderUtilities.RemoveQuotes(StringSegment.IsNullOrEmpty(disposition.FileNameStar) ? disposition.FileName : disposition.FileNameStar).Value ?? "";
                files.Add(new FormFile(req.Body, section.BaseStreamOffset!.Value, section.Body.Length, name, fileName) { Headers = new HeaderDictionary(section.Headers) });
                continue;
            }

            using var bytes = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await section.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (bytes.Length + n > options.ValueLengthLimit)
                {
                    throw new InvalidDataException($"form field over {options.ValueLengthLimit} bytes");
                }

                bytes.Write(buffer, 0, n);
            }

            try
            {
                fields.Append(name, StrictUtf8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length));
            }
            catch (DecoderFallbackException)
            {
                return (null, Problems.BadRequest("表单中有字段不是 UTF-8 文本，无法读取：请通过页面上的表单提交", new Dictionary<string, string[]> { [name] = ["内容不是有效的 UTF-8 文本"] }));
            }
        }

        req.Body.Position = 0;
        return (new FormCollection(fields.GetResults(), files), null);
    }

    private static SubmissionForm Fail(ObjectResult problem) => new(new Dictionary<string, string?>(), [], problem);
}
