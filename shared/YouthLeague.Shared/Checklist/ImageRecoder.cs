using SkiaSharp;

namespace YouthLeague.Checklist;

public sealed record RecodedImage(byte[] Image, byte[] Thumbnail, int Width, int Height);

/// <summary>
/// Photos are decoded and encoded again before they are stored: whatever metadata they carried (location,
/// camera, owner) stays behind, the EXIF orientation is applied to the pixels first, oversized pictures are
/// scaled down, and a small JPEG thumbnail is made for phones. A file whose bytes say "image" but that does
/// not decode is refused.
/// </summary>
public static class ImageRecoder
{
    public const int MaxEdge = 2560;
    public const int ThumbnailWidth = 320;
    public const long MaxPixels = 50_000_000;

    public static bool CanRecode(string kind) => kind is "jpeg" or "png" or "webp";

    public static RecodedImage? Recode(Stream input, string kind)
    {
        using var data = SKData.Create(input);
        using var codec = data is null ? null : SKCodec.Create(data);
        if (codec is null || (long)codec.Info.Width * codec.Info.Height > MaxPixels)
        {
            return null;
        }

        using var decoded = SKBitmap.Decode(codec);
        if (decoded is null)
        {
            return null;
        }

        using var upright = Orient(decoded, codec.EncodedOrigin);
        using var image = Fit(upright, MaxEdge);
        using var thumbnail = Fit(image, ThumbnailWidth);
        var format = kind switch
        {
            "png" => SKEncodedImageFormat.Png,
            "webp" => SKEncodedImageFormat.Webp,
            _ => SKEncodedImageFormat.Jpeg,
        };
        return new RecodedImage(Encode(image, format, 85), Encode(thumbnail, SKEncodedImageFormat.Jpeg, 75), image.Width, image.Height);
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(format, quality);
        return encoded.ToArray();
    }

    /// <summary>A copy no larger than <paramref name="maxEdge"/> on its longer side.</summary>
    private static SKBitmap Fit(SKBitmap source, int maxEdge)
    {
        var scale = Math.Min(1.0, (double)maxEdge / Math.Max(source.Width, source.Height));
        var width = Math.Max(1, (int)Math.Round(source.Width * scale));
        var height = Math.Max(1, (int)Math.Round(source.Height * scale));
        return source.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)) ?? source.Copy();
    }

    /// <summary>Turns the pixels the way the EXIF orientation said, since that tag will not survive re-encoding.</summary>
    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        var (degrees, swap) = origin switch
        {
            SKEncodedOrigin.BottomRight => (180, false),
            SKEncodedOrigin.RightTop => (90, true),
            SKEncodedOrigin.LeftBottom => (270, true),
            _ => (0, false),
        };
        if (degrees == 0)
        {
            return source.Copy();
        }

        var rotated = new SKBitmap(swap ? source.Height : source.Width, swap ? source.Width : source.Height);
        using var canvas = new SKCanvas(rotated);
        canvas.Translate(rotated.Width / 2f, rotated.Height / 2f);
        canvas.RotateDegrees(degrees);
        canvas.Translate(-source.Width / 2f, -source.Height / 2f);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
        return rotated;
    }
}
