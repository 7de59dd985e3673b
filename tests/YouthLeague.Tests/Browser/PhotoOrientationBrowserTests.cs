using System.Text.Json;
using Microsoft.Playwright;
using YouthLeague.Checklist;
using YouthLeague.TestFiles;

namespace YouthLeague.Tests.Browser;

/// <summary>
/// A photo taken turned is stored with its own pixels and an EXIF segment holding the orientation tag alone; Debian's
/// Chromium (image-orientation: from-image, the default) must draw each of the eight orientations upright, in the page
/// and on a canvas, at the upright size.
/// </summary>
public sealed class PhotoOrientationBrowserTests
{
    [Fact]
    public async Task EveryExifOrientation_StoredPhoto_IsDrawnUprightByChromium()
    {
        var jpeg = TurnedPhotos.Pattern();
        var stored = TurnedPhotos.RedCornerUpright.Keys.ToDictionary(o => o, o => ImageRecoder.Recode(new MemoryStream(WithExif(jpeg, (ushort)o)), "jpeg")!.Image);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await SecretaryBrowserTests.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("<!DOCTYPE html><body style=\"margin:0\">"
            + string.Concat(stored.Select(kv => $"<img id=\"o{kv.Key}\" src=\"data:image/jpeg;base64,{Convert.ToBase64String(kv.Value)}\">"))
            + "</body>");
        await page.WaitForFunctionAsync("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)");
        var json = await page.EvaluateAsync<string>(
            """
            () => JSON.stringify([...document.images].map(img => {
              const c = document.createElement('canvas');
              c.width = img.naturalWidth; c.height = img.naturalHeight;
              const g = c.getContext('2d');
              g.drawImage(img, 0, 0);
              const at = (x, y) => { const d = g.getImageData(x, y, 1, 1).data; return d[0] > 200 && d[2] < 60; };
              const w = c.width, h = c.height;
              const red = [];
              if (at(8, 8)) red.push('top-left');
              if (at(w - 9, 8)) red.push('top-right');
              if (at(8, h - 9)) red.push('bottom-left');
              if (at(w - 9, h - 9)) red.push('bottom-right');
              const box = img.getBoundingClientRect();
              return { id: img.id, w, h, shownW: Math.round(box.width), shownH: Math.round(box.height), red };
            }))
            """);
        var results = JsonSerializer.Deserialize<List<Drawn>>(json, Web)!;

        Assert.Equal(8, results.Count);
        foreach (var r in results)
        {
            var o = int.Parse(r.Id[1..], System.Globalization.CultureInfo.InvariantCulture);
            var size = o >= 5 ? (80, 160) : (160, 80);
            Assert.True(size == (r.W, r.H) && size == (r.ShownW, r.ShownH) && r.Red.SequenceEqual([TurnedPhotos.RedCornerUpright[o]]), $"orientation {o}: {JsonSerializer.Serialize(r)}");
        }
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private sealed record Drawn(string Id, int W, int H, int ShownW, int ShownH, string[] Red);

    /// <summary>An EXIF segment as a camera writes it (little-endian, the orientation tag, then camera and location text) after the start marker.</summary>
    private static byte[] WithExif(byte[] jpeg, ushort orientation)
    {
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0, 0, 0, 0, 0, .. "GPS 35.40N 116.96E Canon EOS"u8.ToArray()];
        byte[] payload = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        var length = payload.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xE1, (byte)(length >> 8), (byte)(length & 0xFF), .. payload, .. jpeg[2..]];
    }
}
