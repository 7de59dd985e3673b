using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Web;

namespace YouthLeague.UnitTests;

/// <summary>
/// Issue #14: "a field beginning with bytes FF FE is decoded as UTF-16". ASP.NET Core's form reader sniffs a
/// byte-order mark in each text part (and honours a part's charset); a form's text fields are read as strict UTF-8.
/// </summary>
public sealed class SubmissionFormTests
{
    private static async Task<HttpRequest> RequestAsync(params HttpContent[] parts)
    {
        using var form = new MultipartFormDataContent("yl-boundary");
        var i = 0;
        foreach (var part in parts)
        {
            if (part is ByteArrayContent { Headers.ContentDisposition.FileName: { } } file)
            {
                form.Add(file);
            }
            else
            {
                form.Add(part, $"f{i++}");
            }
        }

        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = form.Headers.ContentType!.ToString();
        context.Request.Body = new MemoryStream(await form.ReadAsByteArrayAsync());
        return context.Request;
    }

    private static ByteArrayContent Bytes(byte[] bytes, string? contentType = null)
    {
        var c = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            c.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return c;
    }

    [Fact]
    public async Task FormField_BeginningWithBytesFFFE_IsNotDecodedAsUtf16_400NamingTheField()
    {
        // FF FE then UTF-8 "青年": ASP.NET Core's reader took FF FE as a UTF-16 byte-order mark and stored "\uB0E9..." garbage.
        var req = await RequestAsync(Bytes([0xFF, 0xFE, .. "青年"u8]));

        var read = await SubmissionForms.ReadAsync(req);

        var problem = Assert.IsType<ProblemDetails>(read.Problem?.Value, exactMatch: false);
        Assert.Equal(400, read.Problem!.StatusCode);
        Assert.Contains("UTF-8", problem.Title, StringComparison.Ordinal);
        Assert.Contains("f0", ((ValidationProblemDetails)problem).Errors.Keys);
        Assert.Empty(read.Fields);
    }

    [Theory]
    [InlineData("text/plain; charset=utf-16")] // a part's own charset is not honoured either
    [InlineData("text/plain; charset=gb18030")]
    [InlineData(null)]
    public async Task FormField_InvalidUtf8WhateverThePartClaims_400(string? contentType)
    {
        var req = await RequestAsync(Bytes("好"u8.ToArray()), Bytes([0xC4, 0xE3, 0xBA, 0xC3], contentType)); // "你好" in GBK

        var read = await SubmissionForms.ReadAsync(req);

        Assert.Equal(400, read.Problem?.StatusCode);
    }

    [Fact]
    public async Task FormField_Utf8_ReadExactly_ALeadingBomKeptAsACharacter_FilesKept()
    {
        var file = Bytes([0xFF, 0xD8, 0xFF, 1, 2, 3], "image/jpeg");
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"evidence\"", FileName = "\"a.jpg\"" };
        var req = await RequestAsync(Bytes("村民议事会\r\n第二行"u8.ToArray(), "text/plain; charset=utf-16"), Bytes([0xEF, 0xBB, 0xBF, .. "甲"u8]), file);

        var read = await SubmissionForms.ReadAsync(req);

        Assert.Null(read.Problem);
        Assert.Equal("村民议事会\r\n第二行", read.Fields["f0"]);
        Assert.Equal("\uFEFF甲", read.Fields["f1"]);
        var evidence = Assert.Single(read.Files);
        using var s = evidence.Open();
        using var copy = new MemoryStream();
        await s.CopyToAsync(copy);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF, 1, 2, 3 }, copy.ToArray());

        // Whoever reads the form afterwards (a page, the anti-forgery check) gets this form, not a second, lax reading.
        Assert.Equal("\uFEFF甲", (await req.ReadFormAsync()).ToDictionary(kv => kv.Key, kv => kv.Value.ToString())["f1"]);
    }

    [Fact]
    public async Task FormField_OverTheBodyCap_413()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "multipart/form-data; boundary=b";
        var head = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"x\"; filename=\"a.bin\"\r\n\r\n");
        context.Request.Body = new ConcatStream(head, SubmissionForms.MaxRequestBytes + 10); // no Content-Length, as chunked

        Assert.Equal(413, (await SubmissionForms.UnreadableAsync(context.Request))?.StatusCode);
    }

    /// <summary>A head then zeros, produced as read (nothing held in memory).</summary>
    private sealed class ConcatStream(byte[] head, long zeros) : Stream
    {
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var total = head.Length + zeros;
            var n = (int)Math.Min(count, total - position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = position + i < head.Length ? head[position + i] : (byte)0;
            }

            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
