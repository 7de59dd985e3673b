using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using MiniExcelLibs;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

[Collection(AzuriteCollection.Name)]
public sealed class LedgerTests(Azurite azurite)
{
    private static object Person(string name, int birthYear, string? phone, bool consent = false, string? note = null) => new
    {
        name, sex = "女", birthYear, isLeagueMember = true, phone, education = "本科", occupation = "村委会", note, guardianConsent = consent,
        consentRelation = consent ? "母亲" : null, consentMethod = consent ? "纸质同意书" : null, consentOn = consent ? "2026-01-10" : null,
    };

    private static async Task<List<JsonElement>> RowsAsync(HttpClient client, string village) =>
        (await client.GetFromJsonAsync<List<JsonElement>>($"/api/checklists/2026/{village}/ledger"))!;

    [Fact]
    public async Task Ledger_PhonesMaskedForAllButSecretaryAndTown_ImportAllOrNothing_DeletedPersonGone()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        var hub = "lg" + Guid.NewGuid().ToString("N")[..12];
        await using var host = DurabilityTests.Host(azurite, hub, seed);
        await host.StartAsync();
        using var secretary = await host.SignedInAsync("sec." + village);
        using var reviewer = await host.SignedInAsync("town.taiping");
        using var city = await host.SignedInAsync("city");

        // A child without a guardian's consent: the whole change is refused, nothing stored.
        using (var r = await secretary.PutAsJsonAsync($"/api/checklists/2026/{village}/ledger", new[] { Person("李青", 2000, "13812345678"), Person("王小", 2016, null) }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Contains("\"row\":2", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await RowsAsync(secretary, village));

        using (var r = await secretary.PutAsJsonAsync($"/api/checklists/2026/{village}/ledger", new[] { Person("李青", 2000, "13812345678", note: "<script>x</script>"), Person("王小", 2016, null, consent: true) }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        // The consent record (who, how, when) is for the village's secretary and its town reviewers only.
        static string? Consent(JsonElement row) => row.TryGetProperty("consentRelation", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        Assert.Equal("母亲", Consent((await RowsAsync(secretary, village))[1]));
        Assert.Equal("母亲", Consent((await RowsAsync(reviewer, village))[1]));
        Assert.Null(Consent((await RowsAsync(city, village))[1]));
        Assert.DoesNotContain("纸质同意书", await city.GetStringAsync($"/villages/{village}/ledger?year=2026"), StringComparison.Ordinal);
        Assert.Contains("纸质同意书", await reviewer.GetStringAsync($"/villages/{village}/ledger?year=2026"), StringComparison.Ordinal);

        Assert.Equal("13812345678", (await RowsAsync(secretary, village))[0].GetProperty("phone").GetString());
        Assert.Equal("13812345678", (await RowsAsync(reviewer, village))[0].GetProperty("phone").GetString());
        Assert.Equal("138****5678", (await RowsAsync(city, village))[0].GetProperty("phone").GetString());
        var cityCsv = await city.GetStringAsync($"/api/checklists/2026/{village}/ledger.csv");
        Assert.Contains("138****5678", cityCsv, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", cityCsv, StringComparison.Ordinal);
        Assert.Contains("13812345678", await secretary.GetStringAsync($"/api/checklists/2026/{village}/ledger.csv"), StringComparison.Ordinal);

        // Import: one bad row (phone) and nothing is imported; the row number points at the file's line.
        var header = "姓名,性别,出生年份,是否团员,联系电话,学历,工作或学习单位,备注,监护人已同意\r\n";
        using (var bad = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(header + "张三,男,1999,是,13900001111,,,,否\r\n赵四,男,1998,否,12345,,,,否\r\n")), "file", "ledger.csv" } })
        using (var r = await secretary.PostAsync($"/api/checklists/2026/{village}/ledger/import", bad))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(0, body.GetProperty("imported").GetInt32());
            Assert.Equal(3, body.GetProperty("errors")[0].GetProperty("row").GetInt32());
        }

        Assert.Equal(2, (await RowsAsync(secretary, village)).Count);

        using var xlsx = new MemoryStream();
        xlsx.SaveAs(new[] { new Dictionary<string, object> { ["姓名"] = "张三", ["性别"] = "男", ["出生年份"] = 1999, ["是否团员"] = "是", ["联系电话"] = "13900001111", ["监护人已同意"] = "否" } });

        // The preview: ?dryRun=true answers what would happen and writes nothing.
        using (var preview = new MultipartFormDataContent { { new ByteArrayContent(xlsx.ToArray()), "file", "ledger.xlsx" } })
        using (var r = await secretary.PostAsync($"/api/checklists/2026/{village}/ledger/import?dryRun=true", preview))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var body = await r.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(["张三"], body.GetProperty("added").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
            Assert.Equal((0, 0, 0), (body.GetProperty("changed").GetArrayLength(), body.GetProperty("unchanged").GetInt32(), body.GetProperty("imported").GetInt32()));
            Assert.Equal(0, body.GetProperty("ignoredColumns").GetArrayLength());
        }

        Assert.Equal(2, (await RowsAsync(secretary, village)).Count);
        using (var good = new MultipartFormDataContent { { new ByteArrayContent(xlsx.ToArray()), "file", "ledger.xlsx" } })
        using (var r = await secretary.PostAsync($"/api/checklists/2026/{village}/ledger/import", good))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(1, (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        }

        var rows = await RowsAsync(secretary, village);
        Assert.Equal(["李青", "王小", "张三"], rows.Select(r => r.GetProperty("name").GetString()));

        // Deleting a person (saving the ledger without them) removes them from storage, not just from view.
        var kept = rows.Where(r => r.GetProperty("name").GetString() != "张三").ToList();
        using (var r = await secretary.PutAsJsonAsync($"/api/checklists/2026/{village}/ledger", kept))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var stored = new TableClient(azurite.ConnectionString, "Ledger")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + village}"))
            .Select(e => e.GetString("Name"))
            .ToList();
        Assert.DoesNotContain("张三", stored);
        Assert.Equal(2, stored.Count(n => n is not null));
        Assert.DoesNotContain("张三", await city.GetStringAsync($"/api/checklists/2026/{village}/ledger.csv"), StringComparison.Ordinal);
    }
    [Fact]
    public async Task ConsentPhoto_SeenOnlyBySecretaryAndTown_NonImageRefused_RemovalDeletesTheBlob()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        var hub = "lc" + Guid.NewGuid().ToString("N")[..12];
        await using var host = DurabilityTests.Host(azurite, hub, seed);
        await host.StartAsync();
        using var secretary = await host.SignedInAsync("sec." + village);
        using var reviewer = await host.SignedInAsync("town.taiping");
        using var city = await host.SignedInAsync("city");
        using (var r = await secretary.PutAsJsonAsync($"/api/checklists/2026/{village}/ledger", new[] { Person("王小", 2016, null, consent: true) }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var rowId = (await RowsAsync(secretary, village))[0].GetProperty("id").GetString()!;
        var photoUrl = $"/villages/{village}/ledger/consent-photo?row={rowId}";
        var container = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "evidence");
        List<string> Stored() => container.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"ledger-consent/{village}/", CancellationToken.None).Select(b => b.Name).ToList();

        // Not an image: a clear 4xx and nothing stored.
        using (var text = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("not a photo")), "photo", "form.jpg" } })
        using (var r = await secretary.PostAsync($"{photoUrl.Replace("?", "?year=2026&", StringComparison.Ordinal)}", text))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
            Assert.Contains("只能上传 JPEG 或 PNG 照片", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(Stored());

        using (var photo = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Jpeg(640, 480)), "photo", "form.jpg" } })
        using (var r = await secretary.PostAsync($"/villages/{village}/ledger/consent-photo?year=2026&row={rowId}", photo))
        {
            Assert.True(r.IsSuccessStatusCode || (int)r.StatusCode is 302 or 303, $"upload: {(int)r.StatusCode}");
        }

        Assert.Equal([$"ledger-consent/{village}/{rowId}"], Stored());

        // Shown to the village's secretary and its town reviewers, through the app; the city gets 403 and no link.
        foreach (var allowed in new[] { secretary, reviewer })
        {
            using var r = await allowed.GetAsync(photoUrl);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("image/jpeg", r.Content.Headers.ContentType?.MediaType);
            var bytes = await r.Content.ReadAsByteArrayAsync();
            Assert.Equal((byte)0xFF, bytes[0]);
            Assert.Contains(photoUrl, await allowed.GetStringAsync($"/villages/{village}/ledger?year=2026"), StringComparison.Ordinal);
        }

        using (var r = await city.GetAsync(photoUrl))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.DoesNotContain("ledger-consent", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var cityPage = await city.GetStringAsync($"/villages/{village}/ledger?year=2026");
        Assert.DoesNotContain("consent-photo", cityPage, StringComparison.Ordinal);
        Assert.DoesNotContain("ledger-consent", cityPage, StringComparison.Ordinal);

        // Removing the person deletes the blob itself.
        using (var r = await secretary.PutAsJsonAsync($"/api/checklists/2026/{village}/ledger", Array.Empty<object>()))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.Empty(Stored());
        using (var r = await secretary.GetAsync(photoUrl))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
    }
}
