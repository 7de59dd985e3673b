using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>通知公告 through the pages of the local host: the city to a town, the town to its villages; PDF attachment; who read it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class AnnouncementTests(Azurite azurite)
{
    [GeneratedRegex("href=\"/announcements/([0-9a-f]+)\"")]
    private static partial Regex AnnouncementLink();

    /// <summary>The unread announcements shown above a page's content (the page's own notices list may name them too).</summary>
    private static string Banner(string page)
    {
        var start = page.IndexOf("id=\"announcements\"", StringComparison.Ordinal);
        return start < 0 ? "" : page[start..page.IndexOf("</div>", start, StringComparison.Ordinal)];
    }

    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();

    private static MultipartFormDataContent Form(string title, string text, byte[]? file = null, params (string Key, string Value)[] fields)
    {
        var form = new MultipartFormDataContent { { new StringContent(title), "title" }, { new StringContent(text), "text" } };
        foreach (var (k, v) in fields)
        {
            form.Add(new StringContent(v), k);
        }

        if (file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(part, "pdf", "notice.pdf");
        }

        return form;
    }

    [Fact]
    public async Task Announcement_CityToTownToVillages_ShownUntilReadAndReadersVisibleToTheSender()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "an" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var city = await host.SignedInAsync("city");
        using var town = await host.SignedInAsync("town.taiping");
        using var secretary = await host.SignedInAsync("sec." + village);
        var title = "关于开展2026年度“六个一”工作的通知 " + village;

        // Bad input: not a PDF (415), no town chosen (422); nothing is stored.
        using (var r = await city.PostAsync("/announcements", Form(title, "正文", "not a pdf"u8.ToArray(), ("towns", "taiping"))))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
            Assert.Contains("附件只能是 PDF 文件", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var r = await city.PostAsync("/announcements", Form(title, "正文", Pdf)))
        {
            Assert.Equal((HttpStatusCode)422, r.StatusCode);
        }

        Assert.DoesNotContain(title, Banner(await town.GetStringAsync("/towns/taiping?year=2026")), StringComparison.Ordinal);

        // The city to the town, with the year's notice as a PDF.
        string id;
        using (var r = await city.PostAsync("/announcements", Form(title, "请各镇街按时完成。\n第二行", Pdf, ("towns", "taiping"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            id = Regex.Match(r.Headers.Location!.OriginalString, "^/announcements/([0-9a-f]+)").Groups[1].Value;
            Assert.NotEmpty(id);
        }

        // On the town's home page until read; opening it reads it (and the attachment is the PDF).
        var home = Banner(await town.GetStringAsync("/towns/taiping?year=2026"));
        Assert.Contains(title, home, StringComparison.Ordinal);
        Assert.Contains($"href=\"/announcements/{id}\"", home, StringComparison.Ordinal);
        using (var r = await city.GetAsync($"/announcements/{id}"))
        {
            Assert.Contains("已读 0/1", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains("第二行", await town.GetStringAsync($"/announcements/{id}"), StringComparison.Ordinal);
        Assert.Equal(Pdf, await town.GetByteArrayAsync($"/announcements/{id}/attachment"));
        Assert.DoesNotContain(title, Banner(await town.GetStringAsync("/towns/taiping?year=2026")), StringComparison.Ordinal);
        Assert.Contains("已读 1/1", await city.GetStringAsync($"/announcements/{id}"), StringComparison.Ordinal);

        // Someone it was not for: a clean 404, for the page and the attachment.
        Assert.Equal(HttpStatusCode.NotFound, (await secretary.GetAsync($"/announcements/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await secretary.GetAsync($"/announcements/{id}/attachment")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await secretary.GetAsync("/announcements")).StatusCode);

        // The town to its villages: on the secretary's home page until she opens it.
        using (var r = await town.PostAsync("/announcements", Form("本镇通知 " + village, "请各村第一书记周五前提交。")))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        var sent = await town.GetStringAsync("/announcements");
        var townId = AnnouncementLink().Matches(sent).Select(m => m.Groups[1].Value).First();
        var villageHome = Banner(await secretary.GetStringAsync($"/villages/{village}?year=2026"));
        Assert.Contains("本镇通知 " + village, villageHome, StringComparison.Ordinal);
        Assert.Contains("测试村：未读", await town.GetStringAsync($"/announcements/{townId}"), StringComparison.Ordinal);
        await secretary.GetStringAsync($"/announcements/{townId}");
        Assert.DoesNotContain("本镇通知 " + village, Banner(await secretary.GetStringAsync($"/villages/{village}?year=2026")), StringComparison.Ordinal);
        Assert.Contains("测试村：已读", await town.GetStringAsync($"/announcements/{townId}"), StringComparison.Ordinal);
    }
}
