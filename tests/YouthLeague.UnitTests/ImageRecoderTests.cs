using SkiaSharp;

namespace YouthLeague.UnitTests;

public sealed class ImageRecoderTests
{
    private static byte[] Jpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(200, 30, 40));
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
    }

    /// <summary>Inserts an EXIF (APP1) segment after the JPEG's start marker: orientation 6 (rotate 90°) and a GPS text that must not survive.</summary>
    private static byte[] WithExif(byte[] jpeg, ushort orientation)
    {
        var tiff = new List<byte> { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0 };
        tiff.AddRange([0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0]);
        tiff.AddRange([0, 0, 0, 0]);
        tiff.AddRange("GPS 35.40N 116.96E Canon EOS"u8.ToArray());
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        byte[] app1 = [0xFF, 0xE1, (byte)(length >> 8), (byte)(length & 0xFF), .. payload];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    private static bool Contains(byte[] haystack, byte[] needle) =>
        haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public void Recode_JpegWithExif_DropsMetadataAndAppliesOrientation()
    {
        var original = WithExif(Jpeg(80, 40), orientation: 6);
        Assert.True(Contains(original, "GPS 35.40N"u8.ToArray()));

        var recoded = ImageRecoder.Recode(new MemoryStream(original), "jpeg")!;

        Assert.False(Contains(recoded.Image, "Exif"u8.ToArray()));
        Assert.False(Contains(recoded.Image, "GPS 35.40N"u8.ToArray()));
        Assert.Equal((40, 80), (recoded.Width, recoded.Height)); // turned upright: was landscape with "rotate 90"
        using var decoded = SKBitmap.Decode(recoded.Image);
        Assert.Equal(40, decoded.Width);
    }

    [Fact]
    public void Recode_LargePhoto_ScaledDownAndThumbnailMade()
    {
        var recoded = ImageRecoder.Recode(new MemoryStream(Jpeg(3000, 1500)), "jpeg")!;

        Assert.Equal((ImageRecoder.MaxEdge, 1280), (recoded.Width, recoded.Height));
        using var thumb = SKBitmap.Decode(recoded.Thumbnail);
        Assert.Equal(ImageRecoder.ThumbnailWidth, thumb.Width);
    }

    [Fact]
    public void Recode_BytesThatOnlyLookLikeAJpeg_ReturnsNull()
    {
        byte[] fake = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 2, 3];
        Assert.Null(ImageRecoder.Recode(new MemoryStream(fake), "jpeg"));
    }
}
