using SkiaSharp;

namespace YouthLeague.Tests;

public static class TestImages
{
    /// <summary>A real JPEG (a gradient), optionally padded after its end marker to <paramref name="padTo"/> bytes.</summary>
    public static byte[] Jpeg(int width = 64, int height = 48, int padTo = 0)
    {
        using var bitmap = new SKBitmap(width, height);
        for (var x = 0; x < width; x++)
        {
            for (var y = 0; y < height; y++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / width), (byte)(y * 255 / height), 128));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        var bytes = image.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
        return padTo > bytes.Length ? [.. bytes, .. new byte[padTo - bytes.Length]] : bytes;
    }

    /// <summary>A large camera-like JPEG: a gradient with per-pixel noise, so it compresses about as badly as a real photo.</summary>
    public static byte[] NoisyJpeg(int width, int height, int quality = 92)
    {
        var random = new Random(42);
        var pixels = new byte[width * height * 4];
        for (var i = 0; i < pixels.Length; i += 4)
        {
            var x = i / 4 % width;
            pixels[i] = (byte)Math.Clamp((x * 255 / width) + random.Next(-40, 40), 0, 255);
            pixels[i + 1] = (byte)Math.Clamp(128 + random.Next(-40, 40), 0, 255);
            pixels[i + 2] = (byte)Math.Clamp(90 + random.Next(-40, 40), 0, 255);
            pixels[i + 3] = 255;
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, quality).ToArray();
    }
}
