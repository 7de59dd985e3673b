using SkiaSharp;

namespace YouthLeague.Bench.Scenarios;

public static class Photos
{
    /// <summary>
    /// A real JPEG of about 1 MB, the size of a phone photo after WeChat's compression: 1600×1200 pixels of smooth
    /// gradients with grain, so that it decodes and re-encodes like a photo rather than a flat test card.
    /// </summary>
    public static byte[] OneMegabyteJpeg()
    {
        var random = new Random(9);
        using var bitmap = new SKBitmap(1600, 1200);
        var pixels = new SKColor[bitmap.Width * bitmap.Height];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var grain = random.Next(-28, 28);
                pixels[(y * bitmap.Width) + x] = new SKColor(
                    (byte)Math.Clamp((x * 255 / bitmap.Width) + grain, 0, 255),
                    (byte)Math.Clamp((y * 255 / bitmap.Height) + grain, 0, 255),
                    (byte)Math.Clamp(128 + grain, 0, 255));
            }
        }

        bitmap.Pixels = pixels;
        using var image = SKImage.FromBitmap(bitmap);
        foreach (var quality in new[] { 97, 95, 92, 90, 85, 80, 75, 70, 60, 50 })
        {
            var bytes = image.Encode(SKEncodedImageFormat.Jpeg, quality).ToArray();
            if (bytes.Length <= 1_150_000)
            {
                return bytes;
            }
        }

        return image.Encode(SKEncodedImageFormat.Jpeg, 40).ToArray();
    }

    /// <summary>The same JPEG with an EXIF (APP1) segment right after its start marker carrying only an orientation tag.</summary>
    public static byte[] WithOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0, 0, 0, 0, 0];
        byte[] payload = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        var length = payload.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xE1, (byte)(length >> 8), (byte)(length & 0xFF), .. payload, .. jpeg[2..]];
    }
}
