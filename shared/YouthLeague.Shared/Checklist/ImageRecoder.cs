using System.Buffers;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace YouthLeague.Checklist;

public sealed record RecodedImage(byte[] Image, byte[] Thumbnail, int Width, int Height);

/// <summary>Why a photo was refused: it does not decode, or it has more pixels than the host will decode.</summary>
public enum ImageRefusal
{
    None,
    NotAnImage,
    TooManyPixels,
}

public sealed record RecodeResult(RecodedImage? Image, ImageRefusal Refusal);

/// <summary>
/// Photos are cleaned before they are stored: whatever metadata they carried (location, camera, owner) stays behind,
/// the EXIF orientation (all eight, mirrored ones too) is kept or applied, oversized pictures are scaled down, and a
/// small upright JPEG thumbnail is made for phones. A file whose bytes say "image" but that does not decode is refused.
/// <para>
/// Cost: a JPEG within <see cref="MaxEdge"/> (most phone photos) is not re-encoded: its metadata segments are dropped
/// (EXIF, XMP, MPF and its embedded images, comments, bytes after the end) and its scan data kept byte for byte; when
/// it was taken turned (EXIF orientation 2-8) it gets a new EXIF segment with the orientation tag and nothing else,
/// which browsers apply when they draw it. It is still decoded, at 1/2…1/8 scale (Skia's scaled JPEG decoding), which
/// checks every block and gives the (turned) thumbnail. Other photos are decoded at the smallest scale that still
/// covers the stored size and turned as they are scaled. Nothing is decoded
/// above <see cref="MaxDecodedPixels"/> (a PNG cannot be decoded at reduced size: a 7000×7000 one is refused, not
/// unpacked into 196 MB), and at most <see cref="Concurrency"/> photos are decoded at once per process
/// (<see cref="RecodeAsync"/>), so the memory photos take is bounded whatever the number of uploads.
/// </para>
/// </summary>
public static class ImageRecoder
{
    public const int MaxEdge = 2560;
    public const int ThumbnailWidth = 320;

    /// <summary>Declared size above which a file is refused before any decoding (a JPEG is decoded at reduced size up to this).</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>Most pixels ever decoded for one photo (4096×4096, 64 MB of RGBA).</summary>
    public const long MaxDecodedPixels = 4096L * 4096;

    public static readonly int Concurrency = Math.Max(1, Environment.ProcessorCount);

    private static readonly SemaphoreSlim Gate = new(Concurrency, Concurrency);

    public static bool CanRecode(string kind) => kind is "jpeg" or "png" or "webp";

    /// <summary><see cref="TryRecode"/>, waiting for one of the <see cref="Concurrency"/> decoding slots first.</summary>
    public static async Task<RecodeResult> RecodeAsync(Stream input, string kind, CancellationToken cancellationToken = default)
    {
        using var data = await ReadAllAsync(input, cancellationToken);
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return TryRecode(data, kind);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The cleaned photo, or null when it is refused (see <see cref="TryRecode"/> for why).</summary>
    public static RecodedImage? Recode(Stream input, string kind)
    {
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        return TryRecode(buffer.ToArray(), kind).Image;
    }

    public static RecodeResult TryRecode(byte[] bytes, string kind)
    {
        using var data = SKData.CreateCopy(bytes);
        return TryRecode(data, kind);
    }

    private static RecodeResult TryRecode(SKData? data, string kind)
    {
        using var codec = data is null || data.IsEmpty ? null : SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return new RecodeResult(null, ImageRefusal.NotAnImage);
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > MaxPixels)
        {
            return new RecodeResult(null, ImageRefusal.TooManyPixels);
        }

        var origin = codec.EncodedOrigin;
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (uprightWidth, uprightHeight) = swap ? (height, width) : (width, height);
        var (fitWidth, fitHeight) = Fit(uprightWidth, uprightHeight, MaxEdge);
        var (thumbWidth, thumbHeight) = Fit(fitWidth, fitHeight, ThumbnailWidth);

        // The fast path: the JPEG's own scan data, with only the segments colour needs, and for a photo taken turned
        // (EXIF orientation 2-8) a new EXIF segment holding the orientation tag alone (no location, camera or owner):
        // browsers draw it upright (CSS image-orientation: from-image, their default). The thumbnail is turned.
        var keepJpeg = kind == "jpeg" && codec.EncodedFormat == SKEncodedImageFormat.Jpeg
            && fitWidth == uprightWidth && fitHeight == uprightHeight;
        var stripped = keepJpeg ? JpegSegments.StripMetadata(data!.Span, origin == SKEncodedOrigin.TopLeft ? null : (ushort)origin) : null;

        // Decoded only as large as the biggest picture made from it needs (a JPEG scales down as it decodes).
        var need = stripped is not null ? Math.Max(thumbWidth, thumbHeight) : Math.Max(fitWidth, fitHeight);
        using var decoded = Decode(codec, need);
        if (decoded.Refusal != ImageRefusal.None)
        {
            return new RecodeResult(null, decoded.Refusal);
        }

        var bitmap = decoded.Bitmap!;
        if (stripped is not null)
        {
            using var thumb = Draw(bitmap, origin, thumbWidth, thumbHeight);
            return new RecodeResult(new RecodedImage(stripped, Encode(thumb, SKEncodedImageFormat.Jpeg, 75), uprightWidth, uprightHeight), ImageRefusal.None);
        }

        var format = kind switch
        {
            "png" => SKEncodedImageFormat.Png,
            "webp" => SKEncodedImageFormat.Webp,
            _ => SKEncodedImageFormat.Jpeg,
        };
        using var image = origin == SKEncodedOrigin.TopLeft && bitmap.Width == fitWidth && bitmap.Height == fitHeight
            ? null
            : Draw(bitmap, origin, fitWidth, fitHeight);
        var final = image ?? bitmap;
        using var thumbnail = Draw(final, SKEncodedOrigin.TopLeft, thumbWidth, thumbHeight);
        return new RecodeResult(new RecodedImage(Encode(final, format, 85), Encode(thumbnail, SKEncodedImageFormat.Jpeg, 75), fitWidth, fitHeight), ImageRefusal.None);
    }

    /// <summary>The size no larger than <paramref name="maxEdge"/> on its longer side (never enlarged).</summary>
    public static (int Width, int Height) Fit(int width, int height, int maxEdge)
    {
        var scale = Math.Min(1.0, (double)maxEdge / Math.Max(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private sealed record Decoded(SKBitmap? Bitmap, ImageRefusal Refusal) : IDisposable
    {
        public void Dispose() => Bitmap?.Dispose();
    }

    /// <summary>Decodes at the smallest scale the codec offers whose longer side still has <paramref name="longerEdge"/> pixels.</summary>
    private static Decoded Decode(SKCodec codec, int longerEdge)
    {
        var full = codec.Info.Size;
        var size = full;
        foreach (var scale in new[] { 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, 0.875f })
        {
            var scaled = codec.GetScaledDimensions(scale);
            if (scaled.Width > 0 && scaled.Height > 0 && Math.Max(scaled.Width, scaled.Height) >= longerEdge && (long)scaled.Width * scaled.Height < (long)size.Width * size.Height)
            {
                size = scaled;
                break;
            }
        }

        if ((long)size.Width * size.Height > MaxDecodedPixels)
        {
            return new Decoded(null, ImageRefusal.TooManyPixels);
        }

        var info = new SKImageInfo(size.Width, size.Height, SKImageInfo.PlatformColorType, codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            return new Decoded(null, ImageRefusal.NotAnImage);
        }

        return new Decoded(bitmap, ImageRefusal.None);
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(format, quality);
        return encoded.ToArray();
    }

    /// <summary>
    /// One draw: turns the pixels the way the EXIF orientation says (that tag does not survive) and scales them to
    /// <paramref name="width"/>×<paramref name="height"/> (the upright size).
    /// </summary>
    private static SKBitmap Draw(SKBitmap source, SKEncodedOrigin origin, int width, int height)
    {
        var (w, h) = (source.Width, source.Height);
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (uprightWidth, uprightHeight) = swap ? (h, w) : (w, h);

        // Maps a source pixel to its upright place: x' = a·x + b·y + c, y' = d·x + e·y + f.
        var orient = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        var sx = (float)width / uprightWidth;
        var sy = (float)height / uprightHeight;
        var target = new SKBitmap(new SKImageInfo(width, height, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(target);
        canvas.Scale(sx, sy);
        canvas.Concat(in orient);
        using var image = SKImage.FromBitmap(source);

        // Mipmaps only when shrinking by more than half (linear sampling alone would skip pixels).
        var sampling = Math.Max(sx, sy) < 0.5f
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);
        canvas.DrawImage(image, 0, 0, sampling);
        return target;
    }

    /// <summary>
    /// The upload in native memory, where Skia reads it: a stream that knows its length (a form's file, buffered by the
    /// host) is copied straight in through one pooled 64 KB buffer, so a photo leaves no large managed array behind
    /// (each would be on the large-object heap, and their churn drove full collections under load).
    /// </summary>
    private static async Task<SKData?> ReadAllAsync(Stream input, CancellationToken cancellationToken)
    {
        long length;
        try
        {
            length = input.CanSeek ? input.Length - input.Position : -1;
        }
        catch (NotSupportedException)
        {
            length = -1;
        }

        if (length < 0 || length > int.MaxValue)
        {
            using var copy = new MemoryStream();
            await input.CopyToAsync(copy, cancellationToken);
            return SKData.CreateCopy(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        }

        if (length == 0)
        {
            return null;
        }

        var data = SKData.Create(length);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var at = 0;
            int n;
            while (at < length && (n = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - at)), cancellationToken)) > 0)
            {
                buffer.AsSpan(0, n).CopyTo(Writable(data)[at..]);
                at += n;
            }

            if (at < length)
            {
                // Shorter than it said: what arrived is what is decoded (and refused if it is not a whole image).
                var shorter = SKData.CreateCopy(data.Span[..at]);
                data.Dispose();
                return shorter;
            }

            return data;
        }
        catch
        {
            data.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The bytes of an <see cref="SKData"/> this code allocated itself (SKData.Create(size): uninitialised, ours to fill).</summary>
    private static Span<byte> Writable(SKData data) => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(data.Span), data.Span.Length);
}

/// <summary>
/// The segments of a JPEG file (ITU T.81 B.1): a metadata-free copy keeps the frame, tables, scans and the segments
/// colour depends on (JFIF, ICC profile, Adobe's colour transform) and drops every other application segment (EXIF
/// with GPS, camera and owner; XMP; MPF and the images it points to), comments, and anything after the end marker.
/// </summary>
public static class JpegSegments
{
    /// <summary>
    /// The copy, or null if the file's structure is not what a baseline or progressive JPEG looks like. With an
    /// <paramref name="orientation"/> (EXIF 2-8: a photo taken turned) the copy carries an EXIF segment holding that one
    /// tag (<see cref="OrientationSegment"/>), after the JFIF segment if the copy starts with one (JFIF must come first),
    /// else right after the start marker. The input is read once and the copy written once, into an array of its size.
    /// </summary>
    public static byte[]? StripMetadata(ReadOnlySpan<byte> jpeg, ushort? orientation = null)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return null;
        }

        // What is kept, as ranges of the input (neighbours merged): the copy is their concatenation.
        var kept = new List<(int Start, int Length)> { (0, 2) };
        void Keep(int start, int length)
        {
            var (lastStart, lastLength) = kept[^1];
            if (lastStart + lastLength == start)
            {
                kept[^1] = (lastStart, lastLength + length);
            }
            else
            {
                kept.Add((start, length));
            }
        }

        // Where the orientation segment goes: after the JFIF segment when it comes first in the copy, else after the start.
        var exifAt = 2;
        var i = 2;
        var sawFrame = false;
        while (i < jpeg.Length)
        {
            if (jpeg[i] != 0xFF)
            {
                return null;
            }

            // Fill bytes (0xFF repeated) may precede a marker.
            while (i < jpeg.Length && jpeg[i] == 0xFF)
            {
                i++;
            }

            if (i >= jpeg.Length)
            {
                return null;
            }

            var markerAt = i - 1;
            var marker = jpeg[i++];
            if (marker == 0xD9)
            {
                if (!sawFrame)
                {
                    return null;
                }

                Keep(markerAt, 2);
                return Assemble(jpeg, kept, orientation, exifAt);
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                // Stand-alone markers outside a scan: nothing to copy but themselves.
                Keep(markerAt, 2);
                continue;
            }

            if (i + 2 > jpeg.Length)
            {
                return null;
            }

            var length = (jpeg[i] << 8) | jpeg[i + 1];
            if (length < 2 || i + length > jpeg.Length)
            {
                return null;
            }

            if (KeepSegment(marker, jpeg.Slice(i + 2, length - 2)))
            {
                if (marker == 0xE0 && kept is [(0, 2)])
                {
                    // Nothing but the start marker is in the copy yet: the JFIF segment ends at 2 + 2 + length there.
                    exifAt = 4 + length;
                }

                Keep(markerAt, length + 2);
            }

            i += length;
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                sawFrame = true;
            }

            if (marker == 0xDA)
            {
                // Entropy-coded data runs to the next marker that is neither a stuffed zero nor a restart.
                var start = i;
                while (true)
                {
                    var next = jpeg[i..].IndexOf((byte)0xFF);
                    if (next < 0 || i + next + 1 >= jpeg.Length)
                    {
                        return null;
                    }

                    i += next;
                    if (jpeg[i + 1] != 0x00 && jpeg[i + 1] is not (>= 0xD0 and <= 0xD7))
                    {
                        break;
                    }

                    i++;
                }

                if (i > start)
                {
                    Keep(start, i - start);
                }
            }
        }

        return null;
    }

    private static byte[] Assemble(ReadOnlySpan<byte> jpeg, List<(int Start, int Length)> kept, ushort? orientation, int exifAt)
    {
        var total = 0;
        foreach (var (_, length) in kept)
        {
            total += length;
        }

        var segment = orientation is { } o ? OrientationSegment(o) : [];
        var output = GC.AllocateUninitializedArray<byte>(total + segment.Length);
        var at = 0;
        foreach (var (start, length) in kept)
        {
            var piece = jpeg.Slice(start, length);
            if (segment.Length > 0 && at <= exifAt && exifAt < at + length)
            {
                // The orientation segment goes inside this piece, at a segment boundary.
                var before = exifAt - at;
                piece[..before].CopyTo(output.AsSpan(at));
                segment.CopyTo(output.AsSpan(at + before));
                piece[before..].CopyTo(output.AsSpan(at + before + segment.Length));
                at += length + segment.Length;
                segment = [];
                continue;
            }

            piece.CopyTo(output.AsSpan(at));
            at += length;
        }

        return output;
    }

    /// <summary>An EXIF segment (APP1) holding one tag, Orientation (0x0112) = <paramref name="orientation"/> (1-8).</summary>
    public static byte[] OrientationSegment(ushort orientation) =>
    [
        0xFF, 0xE1, 0x00, 0x22, // APP1, length 34
        (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
        (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD0 at offset 8
        0x00, 0x01, // one entry
        0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00, // Orientation, SHORT, 1
        0x00, 0x00, 0x00, 0x00, // no next IFD
    ];

    private static bool KeepSegment(byte marker, ReadOnlySpan<byte> segment) => marker switch
    {
        0xE0 => segment.StartsWith("JFIF\0"u8) && segment.Length >= 14 && segment[12] == 0 && segment[13] == 0, // no embedded thumbnail
        0xE2 => segment.StartsWith("ICC_PROFILE\0"u8),
        0xEE => segment.StartsWith("Adobe"u8),
        (>= 0xE1 and <= 0xEF) or 0xFE => false,
        _ => true,
    };
}
