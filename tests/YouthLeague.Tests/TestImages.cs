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
}
