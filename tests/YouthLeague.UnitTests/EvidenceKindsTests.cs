using System.Text;

namespace YouthLeague.UnitTests;

public class EvidenceKindsTests
{
    [Fact]
    public void Detect_Jpeg_IsJpeg() => Assert.Equal("jpeg", Files.Detect(Files.Jpeg));

    [Fact]
    public void Detect_Png_IsPng() => Assert.Equal("png", Files.Detect(Files.Png));

    [Fact]
    public void Detect_WebP_IsWebp() => Assert.Equal("webp", Files.Detect(Files.WebP));

    [Theory]
    [InlineData("heic")]
    [InlineData("heix")]
    [InlineData("mif1")]
    [InlineData("heim")]
    public void Detect_HeifBrands_IsHeic(string brand) => Assert.Equal("heic", Files.Detect(Files.Ftyp(brand)));

    [Theory]
    [InlineData("isom")] // MP4 video
    [InlineData("qt  ")] // QuickTime
    [InlineData("M4A ")]
    public void Detect_OtherFtypBrands_IsNull(string brand) => Assert.Null(Files.Detect(Files.Ftyp(brand)));

    [Fact]
    public void Detect_Pdf_IsPdf() => Assert.Equal("pdf", Files.Detect(Files.Pdf));

    [Fact]
    public void Detect_MinimalDocx_IsDocx() => Assert.Equal("docx", Files.Detect(Files.Docx));

    [Fact]
    public void Detect_MinimalXlsx_IsXlsx() => Assert.Equal("xlsx", Files.Detect(Files.Xlsx));

    [Fact]
    public void Detect_PlainZip_IsNull()
    {
        var zip = Files.Zip(("readme.txt", "hello"), ("photos/a.txt", "x"));

        Assert.Null(Files.Detect(zip));
    }

    [Fact]
    public void Detect_ZipWithWordFolderButNoContentTypes_IsNull()
    {
        Assert.Null(Files.Detect(Files.Zip(("word/document.xml", "<w:document/>"))));
    }

    [Fact]
    public void Detect_ZipWithContentTypesButNeitherWordNorXl_IsNull()
    {
        // e.g. a PowerPoint deck, which is not an accepted kind
        Assert.Null(Files.Detect(Files.Zip(("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p/>"))));
    }

    [Fact]
    public void Detect_TextRenamedJpg_IsNull() => Assert.Null(Files.Detect(Files.Text));

    [Fact]
    public void Detect_EmptyStream_IsNull() => Assert.Null(Files.Detect([]));

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8 })]                     // two bytes of a JPEG
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D })]   // truncated PNG signature
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46 })]         // "%PDF" without the dash
    [InlineData(new byte[] { 0x50, 0x4B, 0x03 })]               // three bytes of a zip
    public void Detect_TruncatedSignature_IsNull(byte[] bytes) => Assert.Null(Files.Detect(bytes));

    [Fact]
    public void Detect_RiffWave_IsNull()
    {
        byte[] wav = [.. "RIFF"u8, 0x24, 0x00, 0x00, 0x00, .. "WAVE"u8, .. "fmt "u8];

        Assert.Null(Files.Detect(wav));
    }

    [Fact]
    public void Detect_ZipSignatureFollowedByGarbage_IsNullNotThrow()
    {
        byte[] bytes = [0x50, 0x4B, 0x03, 0x04, .. Encoding.ASCII.GetBytes("this is not really a zip archive at all")];

        Assert.Null(Files.Detect(bytes));
    }

    [Fact]
    public void Detect_TruncatedDocx_NeverThrows()
    {
        var docx = Files.Docx;

        for (var length = 4; length < docx.Length; length++)
        {
            var kind = Files.Detect(docx[..length]);
            Assert.True(kind is null or "docx", $"length {length}: {kind}");
        }
    }

    [Fact]
    public void Detect_CorruptedOfficeFiles_NeverThrows()
    {
        // An upload is untrusted: a damaged zip must be refused (null), never crash the request.
        foreach (var (original, kind) in new[] { (Files.Docx, "docx"), (Files.Xlsx, "xlsx") })
        {
            for (var i = 4; i < original.Length; i++)
            {
                foreach (var value in new byte[] { 0x00, 0xFF, (byte)(original[i] ^ 0x01) })
                {
                    var damaged = (byte[])original.Clone();
                    damaged[i] = value;

                    var detected = Files.Detect(damaged);

                    Assert.True(detected is null || detected == kind, $"{kind} byte {i} = {value:X2}: {detected}");
                }
            }
        }
    }

    [Fact]
    public void Detect_SignatureAfterOffset_IsNull()
    {
        // Magic numbers count only at the start of the file.
        Assert.Null(Files.Detect([0x00, .. Files.Jpeg]));
        Assert.Null(Files.Detect([.. " "u8, .. Files.Pdf]));
    }

    [Fact]
    public void Detect_LargeJpeg_ReadsOnlyTheHead()
    {
        var big = new byte[1024 * 1024];
        Files.Jpeg.CopyTo(big, 0);
        using var stream = new MemoryStream(big);

        Assert.Equal("jpeg", EvidenceKinds.Detect(stream));
        Assert.True(stream.Position <= 16, $"read {stream.Position} bytes");
    }

    [Theory]
    [InlineData("jpeg", "JPEG 照片", "image/jpeg", "jpg")]
    [InlineData("png", "PNG 图片", "image/png", "png")]
    [InlineData("webp", "WebP 图片", "image/webp", "webp")]
    [InlineData("heic", "HEIC 照片", "image/heic", "heic")]
    [InlineData("pdf", "PDF 文档", "application/pdf", "pdf")]
    [InlineData("docx", "Word 文档（.docx）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")]
    [InlineData("xlsx", "Excel 表格（.xlsx）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")]
    public void Describe_KnownKind_ChineseNameContentTypeAndExtension(string kind, string description, string contentType, string extension)
    {
        Assert.Equal(description, EvidenceKinds.Describe(kind));
        Assert.Equal(contentType, EvidenceKinds.ContentType(kind));
        Assert.Equal(extension, EvidenceKinds.Extension(kind));
    }

    [Fact]
    public void Describe_UnknownKind_FallsBack()
    {
        Assert.Equal("gif", EvidenceKinds.Describe("gif"));
        Assert.Equal("application/octet-stream", EvidenceKinds.ContentType("gif"));
    }
}
