using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>
/// The register through its pages (add, change, remove, import with a row-by-row report), the ledger step handed in
/// as a snapshot that later edits do not change, and drafts of a step form; against the local host on Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class LedgerPagesTests(Azurite azurite)
{
    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [GeneratedRegex("name=\"row\" value=\"([a-z0-9]+)\"")]
    private static partial Regex RowId();

    [GeneratedRegex("name=\"pending\" value=\"([a-f0-9]+)\"")]
    private static partial Regex PendingToken();

    private static async Task<List<JsonElement>> RowsAsync(HttpClient client, string village) =>
        (await client.GetFromJsonAsync<List<JsonElement>>($"/api/checklists/2026/{village}/ledger"))!;

    [Fact]
    public async Task Ledger_ThroughThePages_ThenHandedInAsASnapshotThatLaterEditsDoNotChange()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "lp" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var secretary = await host.SignedInAsync("sec." + village);
        using var city = await host.SignedInAsync("city");
        await host.SignInAsync("sec." + village);

        // An empty register cannot be handed in.
        using (var empty = await host.SubmitAsync(2026, village, "ledger", new Dictionary<string, string> { ["summary"] = "还没登记" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
            Assert.Contains("台账里还没有登记任何人", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Add a person; the same form sent twice (double tap, resend) adds one row.
        var blank = await secretary.GetStringAsync($"/villages/{village}/ledger/row?year=2026");
        var rowId = RowId().Match(blank).Groups[1].Value;
        Assert.NotEmpty(rowId);
        var person = new[] { ("row", rowId), ("name", "李青"), ("sex", "女"), ("birthYear", "1999"), ("isLeagueMember", "true"), ("phone", "13812345678"), ("note", "<script>alert(1)</script>") };
        for (var i = 0; i < 2; i++)
        {
            using var saved = await secretary.PostAsync($"/villages/{village}/ledger/row?year=2026", Form(person));
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        Assert.Single(await RowsAsync(secretary, village));

        // A child without the guardian's consent: refused with the reason, what was typed stays, nothing stored.
        var child = await secretary.GetStringAsync($"/villages/{village}/ledger/row?year=2026");
        using (var refused = await secretary.PostAsync($"/villages/{village}/ledger/row?year=2026", Form(("row", RowId().Match(child).Groups[1].Value), ("name", "王小"), ("sex", "男"), ("birthYear", "2016"))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var page = await refused.Content.ReadAsStringAsync();
            Assert.Contains("监护人", page, StringComparison.Ordinal);
            Assert.Contains("value=\"王小\"", page, StringComparison.Ordinal);
        }

        using (var notAYear = await secretary.PostAsync($"/villages/{village}/ledger/row?year=2026", Form(("row", "abc123"), ("name", "王小"), ("sex", "男"), ("birthYear", "二〇一六"))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, notAYear.StatusCode);
        }

        Assert.Single(await RowsAsync(secretary, village));

        // Import through the page: one bad row and nothing is imported, each error named by its row.
        var header = string.Join(',', YouthLeague.Ledger.LedgerFiles.Columns) + "\r\n";
        using (var bad = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(header + "张三,男,1998,是,13900001111,,,,否\r\n赵四,男,1997,否,12345,,,,否\r\n")), "file", "ledger.csv" } })
        using (var r = await secretary.PostAsync($"/villages/{village}/ledger/import?year=2026", bad))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Contains("第 3 行：电话号码格式不正确", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Single(await RowsAsync(secretary, village));
        // A good file: first the preview (nothing written), then the confirmation writes it.
        string token;
        using (var good = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(header + "张三,男,1998,是,13900001111,,,,否\r\n李青,女,1999,是,138 1234 5678,本科,,,否\r\n")), "file", "ledger.csv" } })
        using (var r = await secretary.PostAsync($"/villages/{village}/ledger/import?year=2026", good))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var preview = await r.Content.ReadAsStringAsync();
            Assert.Contains("新增 <strong>1</strong> 人，变更 <strong>1</strong> 人，未变 <strong>0</strong> 人", preview, StringComparison.Ordinal);
            Assert.Contains("学历  → 本科", preview, StringComparison.Ordinal);
            token = PendingToken().Match(preview).Groups[1].Value;
            Assert.NotEmpty(token);
        }

        Assert.Single(await RowsAsync(secretary, village));
        using (var r = await secretary.PostAsync($"/villages/{village}/ledger/import?year=2026&confirm=1", Form(("pending", token))))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Contains("imported=2", r.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        using (var r = await secretary.PostAsync($"/villages/{village}/ledger/import?year=2026&confirm=1", Form(("pending", token))))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode); // confirmed once only
        }

        Assert.Equal(2, (await RowsAsync(secretary, village)).Count);

        var list = await secretary.GetStringAsync($"/villages/{village}/ledger?year=2026");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", list, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", list, StringComparison.Ordinal);
        Assert.Contains("13812345678", list, StringComparison.Ordinal);

        // Hand the register in: the submission records its snapshot.
        using (var handedIn = await host.SubmitAsync(2026, village, "ledger", new Dictionary<string, string> { ["summary"] = "两人" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, handedIn.StatusCode);
        }

        var step = await DurabilityTests.WaitForStatusAsync(secretary, village, "ledger", "submitted");
        var fields = step.GetProperty("submissions")[0].GetProperty("fields");
        Assert.Equal("2", fields.GetProperty("registerRows").GetString());
        Assert.Equal("2", fields.GetProperty("registerMembers").GetString());
        var version = fields.GetProperty("registerVersion").GetString()!;

        // Remove 李青 afterwards: she is gone from the register and redacted from the handed-in snapshot, which keeps its count.
        using (var removed = await secretary.PostAsync($"/villages/{village}/ledger/row?year=2026&row={rowId}", Form(("row", rowId), ("intent", "delete"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        }

        Assert.DoesNotContain("李青", await secretary.GetStringAsync($"/villages/{village}/ledger?year=2026"), StringComparison.Ordinal);
        var snapshot = await secretary.GetStringAsync($"/villages/{village}/ledger?year=2026&version={version}");
        Assert.DoesNotContain("李青", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", snapshot, StringComparison.Ordinal);
        Assert.Contains("（已删除）", snapshot, StringComparison.Ordinal);
        Assert.Contains("共 <strong>2</strong> 人", snapshot, StringComparison.Ordinal);
        Assert.Contains("张三", snapshot, StringComparison.Ordinal);
        Assert.Contains("13900001111", snapshot, StringComparison.Ordinal);

        // The city reads the snapshot with phones masked, and cannot open the edit form.
        var citySnapshot = await city.GetStringAsync($"/villages/{village}/ledger?year=2026&version={version}");
        Assert.Contains("139****1111", citySnapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("13900001111", citySnapshot, StringComparison.Ordinal);
        using (var cityEdit = await city.GetAsync($"/villages/{village}/ledger/row?year=2026"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, cityEdit.StatusCode);
        }

        using (var unknown = await city.GetAsync($"/villages/{village}/ledger?year=2026&version=v00000000"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
    }

    [Fact]
    public async Task Draft_SavedWithoutFiles_ComesBackInTheForm_AndIsGoneAfterSubmitting()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "dr" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var secretary = await host.SignedInAsync("sec." + village);

        // Half filled (required fields missing, a photo chosen): saved as a draft, nothing submitted, no file kept.
        using (var draft = new MultipartFormDataContent
        {
            { new StringContent("村委会议室 <b>二楼</b>"), "place" },
            { new StringContent("draft"), "intent" },
            { new ByteArrayContent(DurabilityTests.Jpeg), "evidence", "photo.jpg" },
        })
        using (var r = await secretary.PostAsync($"/villages/{village}/steps/forum?year=2026", draft))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Contains("draft=saved", r.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        var form = await secretary.GetStringAsync($"/villages/{village}/steps/forum?year=2026&draft=saved");
        Assert.Contains("草稿已保存", form, StringComparison.Ordinal);
        Assert.Contains("value=\"村委会议室 &lt;b&gt;二楼&lt;/b&gt;\"", form, StringComparison.Ordinal);
        Assert.Equal("notStarted", (await DurabilityTests.StepAsync(secretary, village, "forum")).GetProperty("status").GetString());

        // Submitting the completed form removes the draft: the next form shows the submitted answer.
        using (var full = new MultipartFormDataContent { { new ByteArrayContent(DurabilityTests.Jpeg), "evidence", "photo.jpg" } })
        {
            foreach (var (k, v) in DurabilityTests.Forum())
            {
                full.Add(new StringContent(v), k);
            }

            full.Add(new StringContent("submit"), "intent");
            using var r = await secretary.PostAsync($"/villages/{village}/steps/forum?year=2026", full);
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(secretary, village, "forum", "submitted");
        var after = await secretary.GetStringAsync($"/villages/{village}/steps/forum?year=2026");
        Assert.DoesNotContain("草稿", after.Replace("保存草稿", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("value=\"" + DurabilityTests.Forum()["place"] + "\"", after, StringComparison.Ordinal);
    }
}
