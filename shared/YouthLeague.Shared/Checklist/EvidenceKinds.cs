using System.IO.Compression;

namespace YouthLeague.Checklist;

/// <summary>Tells a file's kind from its bytes (magic numbers), never from its name or Content-Type.</summary>
public static class EvidenceKinds
{
    public static string Describe(string kind) => kind switch
    {
        "jpeg" => "JPEG 照片",
        "png" => "PNG 图片",
        "webp" => "WebP 图片",
        "heic" => "HEIC 照片",
        "pdf" => "PDF 文档",
        "docx" => "Word 文档（.docx）",
        "xlsx" => "Excel 表格（.xlsx）",
        _ => kind,
    };

    public static string ContentType(string kind) => kind switch
    {
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    };

    /// <summary>Shown inline in the browser (evidence of other kinds downloads as an attachment).</summary>
    public static bool IsPhoto(string kind) => kind is "jpeg" or "png" or "webp";

    public static string Extension(string kind) => kind switch
    {
        "jpeg" => "jpg",
        _ => kind,
    };

    public static string? Detect(Stream stream)
    {
        Span<byte> head = stackalloc byte[16];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return "jpeg";
        }

        if (n >= 8 && head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "png";
        }

        if (n >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "webp";
        }

        if (n >= 12 && head[4..8].SequenceEqual("ftyp"u8) && IsHeicBrand(head[8..12]))
        {
            return "heic";
        }

        if (n >= 5 && head[..5].SequenceEqual("%PDF-"u8))
        {
            return "pdf";
        }

        if (n >= 4 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]))
        {
            stream.Position = 0;
            return OfficeKind(stream);
        }

        return null;
    }

    private static bool IsHeicBrand(ReadOnlySpan<byte> brand) =>
        brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("heim"u8);

    /// <summary>A .docx or .xlsx is a zip whose parts say which; any other zip is refused.</summary>
    private static string? OfficeKind(Stream stream)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            if (!names.Contains("[Content_Types].xml"))
            {
                return null;
            }

            if (names.Any(n => n.StartsWith("word/", StringComparison.Ordinal)))
            {
                return "docx";
            }

            return names.Any(n => n.StartsWith("xl/", StringComparison.Ordinal)) ? "xlsx" : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
