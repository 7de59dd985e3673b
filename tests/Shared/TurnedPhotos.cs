using SkiaSharp;

namespace YouthLeague.TestFiles;

/// <summary>A photo whose orientation shows (compiled into both test projects): where its corner lands once an EXIF orientation is applied.</summary>
internal static class TurnedPhotos
{
    /// <summary>Where the stored photo's top-right corner (the red square) belongs once each EXIF orientation is applied.</summary>
    public static readonly IReadOnlyDictionary<int, string> RedCornerUpright = new Dictionary<int, string>
    {
        [1] = "top-right", [2] = "top-left", [3] = "bottom-left", [4] = "bottom-right",
        [5] = "bottom-left", [6] = "bottom-right", [7] = "top-right", [8] = "top-left",
    };

    /// <summary>A 160×80 JPEG, blue with a red 40×40 square in its top-right corner.</summary>
    public static byte[] Pattern()
    {
        using var bitmap = new SKBitmap(160, 80);
        bitmap.Erase(new SKColor(0, 0, 255));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var red = new SKPaint { Color = new SKColor(255, 0, 0) };
            canvas.DrawRect(120, 0, 40, 40, red);
        }

        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, 95).ToArray();
    }
}
