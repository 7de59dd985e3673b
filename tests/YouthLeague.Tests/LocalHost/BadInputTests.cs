using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>Bad input through the API: each gets a clear 4xx in Chinese and stores nothing.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BadInputTests(Azurite azurite)
{
    private static byte[] JpegOf(int size) => TestImages.Jpeg(padTo: size);

    private static MultipartFormDataContent Form(Dictionary<string, string> fields, params (byte[] Bytes, string Name)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (k, v) in fields)
        {
            form.Add(new StringContent(v), k);
        }

        foreach (var (bytes, name) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "evidence", name);
        }

        return form;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> fields, string key, string value)
    {
        var copy = new Dictionary<string, string>(fields) { [key] = value };
        return copy;
    }

    [Fact]
    public async Task Submissions_BadInputCorpus_ClearProblemsAndNothingStored()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        var (_, other) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "bad" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var secretary = await host.SignedInAsync("sec." + village);
        using var reviewer = await host.SignedInAsync("town.taiping");
        var url = $"/api/checklists/2026/{village}/steps/volunteering/submissions";
        var volunteering = DurabilityTests.Volunteering();
        var elf = new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0 };
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");

        var cases = new (string Name, Func<HttpContent> Body, HttpStatusCode Status, string TitleOrError)[]
        {
            ("empty file", () => Form(volunteering, ([], "a.jpg")), HttpStatusCode.UnprocessableEntity, "文件是空的"),
            ("oversized file", () => Form(volunteering, (JpegOf((10 * 1024 * 1024) + 1), "big.jpg")), HttpStatusCode.RequestEntityTooLarge, "文件过大"),
            ("executable named .jpg", () => Form(volunteering, (elf, "photo.jpg")), HttpStatusCode.UnsupportedMediaType, "不支持的文件类型"),
            ("PDF named .jpg where only photos are allowed", () => Form(volunteering, (pdf, "photo.jpg")), HttpStatusCode.UnsupportedMediaType, "不支持的文件类型"),
            ("HEIC photo (its metadata cannot be stripped here)", () => Form(volunteering, ([0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8], "IMG_0001.HEIC")), HttpStatusCode.UnsupportedMediaType, "暂不支持 HEIC"),
            ("JPEG header on bytes that do not decode", () => Form(volunteering, ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 2, 3], "photo.jpg")), HttpStatusCode.UnsupportedMediaType, "图片已损坏"),
            ("too many photos", () => Form(volunteering, (JpegOf(100), "1.jpg"), (JpegOf(100), "2.jpg"), (JpegOf(100), "3.jpg"), (JpegOf(100), "4.jpg")), HttpStatusCode.UnprocessableEntity, "最多上传 3 个文件"),
            ("no photo where one is required", () => Form(volunteering), HttpStatusCode.UnprocessableEntity, "请至少上传 1 个文件"),
            ("date outside the year", () => Form(With(volunteering, "date", "2025-06-01"), (JpegOf(100), "a.jpg")), HttpStatusCode.UnprocessableEntity, "应在 2026 年内"),
            ("number out of range", () => Form(With(volunteering, "volunteers", "-3"), (JpegOf(100), "a.jpg")), HttpStatusCode.UnprocessableEntity, "不能小于"),
            ("unknown field", () => Form(With(volunteering, "salary", "100"), (JpegOf(100), "a.jpg")), HttpStatusCode.UnprocessableEntity, "不是这一项的填写内容"),
            ("file in a text field", () => { var f = Form(volunteering, (JpegOf(100), "a.jpg")); f.Add(new ByteArrayContent(JpegOf(50)), "activity", "x.jpg"); return f; }, HttpStatusCode.BadRequest, "文件只能放在 evidence 字段中"),
            ("malformed multipart", () => { var c = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"date\"\r\n\r\n2026"u8.ToArray()); c.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=xyz"); return c; }, HttpStatusCode.BadRequest, "表单格式不正确"),
            ("JSON instead of a form", () => JsonContent.Create(volunteering), HttpStatusCode.UnsupportedMediaType, "multipart/form-data"),
        };

        var failures = new List<string>();
        foreach (var (name, body, status, text) in cases)
        {
            using var content = body();
            using var response = await secretary.PostAsync(url, content);
            var problem = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != status || !problem.Contains(text, StringComparison.Ordinal) || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{name}: {(int)response.StatusCode} {problem}");
            }
        }

        // Another village's secretary may not hand in here.
        using (var stranger = await host.SignedInAsync("sec." + village))
        using (var r = await stranger.PostAsync($"/api/checklists/2026/{other}/steps/volunteering/submissions", Form(volunteering, (JpegOf(100), "a.jpg"))))
        {
            if (r.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
            {
                failures.Add($"another village: {(int)r.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Empty(SubmissionRows(village));
        Assert.Empty(Blobs(village));

        // The largest file allowed (10 MB) with a path in its name and script in a text field: accepted, stored under the app's own name, shown escaped.
        using (var r = await secretary.PostAsync(url, Form(With(volunteering, "activity", "<script>alert('x')</script>清扫村道"), (JpegOf(10 * 1024 * 1024), "../../etc/passwd.jpg"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        var stored = Blobs(village);
        Assert.Equal(2, stored.Count); // the photo, re-encoded, and its thumbnail
        Assert.All(stored, b => Assert.Matches($"^2026/{village}/volunteering/[0-9a-f]+/1\\.(thumb\\.)?jpg$", b));
        await DurabilityTests.WaitForStatusAsync(secretary, village, "volunteering", "submitted");
        var page = await secretary.GetStringAsync($"/villages/{village}?year=2026");
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;清扫村道", page, StringComparison.Ordinal);

        // A stale form: the step is approved meanwhile, the old form is sent again. Since further activities (#18,
        // checklist version 3) that is another activity of the step: accepted with its own id, the approved one untouched
        // (409 stays for a step in review and for older checklists: FurtherActivityTests).
        using (var r = await reviewer.PostAsJsonAsync($"/api/checklists/2026/{village}/steps/volunteering/reviews", new { decision = "approve" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(secretary, village, "volunteering", "approved");
        using (var r = await secretary.PostAsync(url, Form(volunteering, (JpegOf(100), "a.jpg"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        // A return needs a comment; malformed review JSON is a 400.
        using (var r = await reviewer.PostAsJsonAsync($"/api/checklists/2026/{village}/steps/forum/reviews", new { decision = "return" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        }

        using (var r = await reviewer.PostAsync($"/api/checklists/2026/{village}/steps/forum/reviews", new StringContent("{\"decision\":", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }

        Assert.Equal(2, SubmissionRows(village).Count); // the approved submission and the further activity
        Assert.Equal(4, Blobs(village).Count);
        Assert.Equal("approved", (await DurabilityTests.StepAsync(secretary, village, "volunteering")).GetProperty("status").GetString());

        List<string> SubmissionRows(string v) => new TableClient(azurite.ConnectionString, "Checklists")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + v}"), select: ["RowKey"])
            .Select(e => e.RowKey).Where(k => k.StartsWith("sub-", StringComparison.Ordinal)).ToList();

        List<string> Blobs(string v) => TestData.BlobNames(new BlobContainerClient(azurite.ConnectionString, "evidence"), $"2026/{v}/");
    }

    [Fact]
    public async Task Pages_UnreadableOrHugeBodies_ClearPageNeverAServerError()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "bp" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var secretary = await host.SignedInAsync("sec." + village);
        using var reviewer = await host.SignedInAsync("town.taiping");

        static HttpContent Malformed()
        {
            var c = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"u8.ToArray());
            c.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=xyz");
            return c;
        }

        var cases = new (string What, HttpClient Client, string Path, Func<HttpContent> Body, HttpStatusCode Expected)[]
        {
            ("login page, malformed form", host.Http, "/login", Malformed, HttpStatusCode.BadRequest),
            ("review page, malformed form", reviewer, $"/villages/{village}/steps/forum/review?year=2026", Malformed, HttpStatusCode.BadRequest),
            ("review page, JSON instead of a form", reviewer, $"/villages/{village}/steps/forum/review?year=2026", () => JsonContent.Create(new { decision = "approve" }), HttpStatusCode.BadRequest),
            ("bulk approve, malformed form", reviewer, "/towns/taiping/reviews?year=2026", Malformed, HttpStatusCode.BadRequest),
            ("ledger row, malformed form", secretary, $"/villages/{village}/ledger/row?year=2026", Malformed, HttpStatusCode.BadRequest),
            ("ledger import page, malformed form", secretary, $"/villages/{village}/ledger/import?year=2026", Malformed, HttpStatusCode.BadRequest),
            ("step form, 49 MB of photos", secretary, $"/villages/{village}/steps/volunteering?year=2026", () => Form(DurabilityTests.Volunteering(), (JpegOf(49 * 1024 * 1024), "a.jpg")), HttpStatusCode.RequestEntityTooLarge),
            ("API submission, 49 MB of photos", secretary, $"/api/checklists/2026/{village}/steps/volunteering/submissions", () => Form(DurabilityTests.Volunteering(), (JpegOf(49 * 1024 * 1024), "a.jpg")), HttpStatusCode.RequestEntityTooLarge),
        };
        var failures = new List<string>();
        foreach (var (what, client, path, body, expected) in cases)
        {
            // Expect: 100-continue, as browsers and curl send for big bodies: the 413 arrives before the 49 MB are sent.
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body() };
            request.Headers.ExpectContinue = true;
            using var r = await client.SendAsync(request);
            var text = await r.Content.ReadAsStringAsync();
            if (r.StatusCode != expected || text.Length == 0)
            {
                failures.Add($"{what}: {(int)r.StatusCode} {text[..Math.Min(200, text.Length)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal("notStarted", (await DurabilityTests.StepAsync(secretary, village, "volunteering")).GetProperty("status").GetString());
    }
}
