using SkiaSharp;
using YouthLeague.Tests;

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

    private static byte[] Segment(byte marker, byte[] payload)
    {
        var length = payload.Length + 2;
        return [0xFF, marker, (byte)(length >> 8), (byte)(length & 0xFF), .. payload];
    }

    /// <summary>An EXIF (APP1) segment: the orientation tag and a GPS/camera text that must not survive.</summary>
    private static byte[] Exif(ushort orientation)
    {
        var tiff = new List<byte> { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0 };
        tiff.AddRange([0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0]);
        tiff.AddRange([0, 0, 0, 0]);
        tiff.AddRange("GPS 35.40N 116.96E Canon EOS"u8.ToArray());
        return Segment(0xE1, [.. "Exif\0\0"u8.ToArray(), .. tiff]);
    }

    /// <summary>Inserts segments after the JPEG's start marker.</summary>
    private static byte[] With(byte[] jpeg, params byte[][] segments) =>
        [.. jpeg[..2], .. segments.SelectMany(s => s), .. jpeg[2..]];

    private static byte[] WithExif(byte[] jpeg, ushort orientation) => With(jpeg, Exif(orientation));

    private static bool Contains(byte[] haystack, byte[] needle) =>
        haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>The APP1 segments of a JPEG, each as its bytes from the marker on.</summary>
    private static List<byte[]> App1Segments(byte[] jpeg)
    {
        var list = new List<byte[]>();
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF && jpeg[i + 1] != 0xDA)
        {
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (jpeg[i + 1] == 0xE1)
            {
                list.Add(jpeg[i..(i + 2 + length)]);
            }

            i += 2 + length;
        }

        return list;
    }

    /// <summary>The one EXIF segment a photo taken turned keeps: the orientation tag and nothing else (34 bytes).</summary>
    private static byte[] OrientationOnly(ushort orientation) =>
    [
        0xFF, 0xE1, 0, 34, .. "Exif\0\0"u8.ToArray(), (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
        0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, 0, 0, 0, 0,
    ];

    [Fact]
    public void StripMetadata_MarkerBeforeJfif_OrientationGoesAfterTheStartNotInsideJfif()
    {
        var clean = Jpeg(80, 40);
        var body = clean[3] == 0xE0 ? clean[(4 + ((clean[4] << 8) | clean[5]))..] : clean[2..];
        var jfif = Segment(0xE0, [.. "JFIF\0"u8.ToArray(), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        byte[] input = [0xFF, 0xD8, 0xFF, 0x01, .. jfif, .. body]; // a stand-alone marker (TEM) before the JFIF segment

        var copy = JpegSegments.StripMetadata(input, orientation: 6)!;

        Assert.True(Contains(copy, jfif), "the JFIF segment is whole");
        Assert.Equal<byte>([0xFF, 0xD8, .. OrientationOnly(6), 0xFF, 0x01, .. jfif], copy[..(4 + 34 + 2 + jfif.Length)]);
        using var codec = SKCodec.Create(new MemoryStream(copy));
        Assert.Equal(SKEncodedOrigin.RightTop, codec.EncodedOrigin);
    }

    [Fact]
    public void Recode_TurnedJpeg_KeepsItsPixelsAndOnlyTheOrientationTag()
    {
        var clean = Jpeg(80, 40);
        var original = WithExif(clean, orientation: 6);
        Assert.True(Contains(original, "GPS 35.40N"u8.ToArray()));

        var recoded = ImageRecoder.Recode(new MemoryStream(original), "jpeg")!;

        foreach (var secret in new[] { "GPS 35.40N", "Canon" })
        {
            Assert.False(Contains(recoded.Image, System.Text.Encoding.ASCII.GetBytes(secret)), secret);
        }

        Assert.Equal([OrientationOnly(6)], App1Segments(recoded.Image));
        var at = clean[3] == 0xE0 ? 4 + ((clean[4] << 8) | clean[5]) : 2; // after the JFIF segment, which comes first
        Assert.Equal([.. clean[..at], .. OrientationOnly(6), .. clean[at..]], recoded.Image); // not re-encoded
        Assert.Equal((40, 80), (recoded.Width, recoded.Height)); // the upright size: was landscape with "rotate 90"
        using var codec = SKCodec.Create(new MemoryStream(recoded.Image));
        Assert.Equal(SKEncodedOrigin.RightTop, codec.EncodedOrigin);
        using var thumb = SKBitmap.Decode(recoded.Thumbnail); // the thumbnail's pixels are turned
        Assert.Equal((40, 80), (thumb.Width, thumb.Height));
        Assert.Empty(App1Segments(recoded.Thumbnail));
    }

    [Fact]
    public void Recode_UprightJpeg_DropsEveryMetadataSegmentAndKeepsTheScanByteForByte()
    {
        var clean = Jpeg(640, 480);
        byte[] icc = [.. "ICC_PROFILE\0"u8.ToArray(), 1, 1, .. new byte[64]];
        var original = With(
            clean,
            Exif(1),
            Segment(0xE1, [.. "http://ns.adobe.com/xap/1.0/\0"u8.ToArray(), .. "<x:xmpmeta>Owner Zhang San</x:xmpmeta>"u8.ToArray()]),
            Segment(0xE2, [.. "MPF\0"u8.ToArray(), 0, 0, 0, 0]),
            Segment(0xFE, "taken at 35.40N by Zhang San"u8.ToArray()),
            Segment(0xE2, icc));
        original = [.. original, .. "trailing: 35.40N"u8.ToArray()];

        var recoded = ImageRecoder.Recode(new MemoryStream(original), "jpeg")!;

        foreach (var secret in new[] { "Exif", "GPS 35.40N", "Zhang San", "MPF", "35.40N", "Canon" })
        {
            Assert.False(Contains(recoded.Image, System.Text.Encoding.ASCII.GetBytes(secret)), secret);
        }

        Assert.True(Contains(recoded.Image, "ICC_PROFILE"u8.ToArray())); // colour stays
        Assert.Equal((640, 480), (recoded.Width, recoded.Height));

        // Not re-encoded: the stored file is the clean JPEG with only the colour profile segment left in.
        Assert.Equal([.. clean[..2], .. Segment(0xE2, icc), .. clean[2..]], recoded.Image);
        using var decoded = SKBitmap.Decode(recoded.Image);
        Assert.Equal((640, 480), (decoded.Width, decoded.Height));
        using var thumb = SKBitmap.Decode(recoded.Thumbnail);
        Assert.Equal((ImageRecoder.ThumbnailWidth, 240), (thumb.Width, thumb.Height));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Recode_EveryExifOrientation_ThumbnailPutsTheStoredTopRightCornerWhereTheTagSays(ushort orientation)
    {
        var expected = YouthLeague.TestFiles.TurnedPhotos.RedCornerUpright[orientation];
        var original = WithExif(YouthLeague.TestFiles.TurnedPhotos.Pattern(), orientation);

        var recoded = ImageRecoder.Recode(new MemoryStream(original), "jpeg")!;

        // The stored photo keeps its pixels and carries the orientation alone (PhotoOrientationBrowserTests: Chromium
        // draws each of the eight upright); the thumbnail's pixels are turned.
        Assert.Equal(orientation == 1 ? [] : [OrientationOnly(orientation)], App1Segments(recoded.Image));
        Assert.Equal(orientation >= 5 ? (80, 160) : (160, 80), (recoded.Width, recoded.Height));
        using var upright = SKBitmap.Decode(recoded.Thumbnail);
        Assert.Equal(orientation >= 5 ? (80, 160) : (160, 80), (upright.Width, upright.Height));
        var corners = new Dictionary<string, SKColor>
        {
            ["top-left"] = upright.GetPixel(8, 8),
            ["top-right"] = upright.GetPixel(upright.Width - 9, 8),
            ["bottom-left"] = upright.GetPixel(8, upright.Height - 9),
            ["bottom-right"] = upright.GetPixel(upright.Width - 9, upright.Height - 9),
        };
        Assert.Equal([expected], corners.Where(c => c.Value.Red > 200 && c.Value.Blue < 60).Select(c => c.Key));
        Assert.False(Contains(recoded.Image, "GPS 35.40N"u8.ToArray()));
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

    /// <summary>A flat 7000×7000 PNG is about 100-200 KB on disk and 196 MB decoded: refused without being decoded.</summary>
    [Fact]
    public void Recode_PixelBombPng_IsRefusedAsTooManyPixels()
    {
        var bomb = PixelBomb.Png(7000, 7000);
        Assert.True(bomb.Length < 400_000, $"{bomb.Length} bytes");

        var recoded = ImageRecoder.TryRecode(bomb, "png");

        Assert.Null(recoded.Image);
        Assert.Equal(ImageRefusal.TooManyPixels, recoded.Refusal);
    }

    [Fact]
    public void Recode_HugeJpeg_IsDecodedAtReducedSize()
    {
        var recoded = ImageRecoder.TryRecode(Jpeg(6000, 4500), "jpeg");

        Assert.Equal((ImageRecoder.MaxEdge, 1920), (recoded.Image!.Width, recoded.Image.Height));
    }

    /// <summary>A stream over part of a buffer that reports a length, read in small pieces (as a form's buffered file is).</summary>
    private sealed class PieceStream(byte[] bytes, int offset, long claimedLength, bool seekable) : Stream
    {
        private int position;

        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? claimedLength : throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long o, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int o, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int o, int count)
        {
            var n = Math.Min(Math.Min(count, 3000), bytes.Length - offset - position);
            Array.Copy(bytes, offset + position, buffer, o, n);
            position += n;
            return n;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecodeAsync_FromAStream_SameAsFromItsBytes(bool seekable)
    {
        var original = WithExif(Jpeg(900, 600), orientation: 8);
        var expected = ImageRecoder.TryRecode(original, "jpeg").Image!;
        byte[] framed = [.. "before"u8.ToArray(), .. original, .. "after"u8.ToArray()];

        var recoded = (await ImageRecoder.RecodeAsync(new PieceStream(framed[6..^5], 0, original.Length, seekable), "jpeg")).Image!;

        Assert.Equal(expected.Image, recoded.Image);
        Assert.Equal(expected.Thumbnail, recoded.Thumbnail);
        Assert.Equal((expected.Width, expected.Height), (recoded.Width, recoded.Height));
    }

    /// <summary>An upload cut short (its length said more than arrived) is what arrived, never uninitialised memory after it.</summary>
    [Fact]
    public async Task RecodeAsync_StreamShorterThanItsLength_RecodesWhatArrived()
    {
        var original = Jpeg(900, 600);
        var half = original[..(original.Length / 2)];
        var expected = ImageRecoder.TryRecode(half, "jpeg");

        var recoded = await ImageRecoder.RecodeAsync(new PieceStream(half, 0, original.Length, seekable: true), "jpeg");

        Assert.Equal(expected.Refusal, recoded.Refusal);
        Assert.Equal(expected.Image?.Image, recoded.Image?.Image);
        Assert.Equal(expected.Image?.Thumbnail, recoded.Image?.Thumbnail);
    }

    [Fact]
    public async Task RecodeAsync_EmptyStream_IsRefused()
    {
        var recoded = await ImageRecoder.RecodeAsync(new MemoryStream(), "jpeg");

        Assert.Equal(ImageRefusal.NotAnImage, recoded.Refusal);
    }
}
