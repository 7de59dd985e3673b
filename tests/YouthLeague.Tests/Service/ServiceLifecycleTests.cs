using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using MiniExcelLibs;
using Xunit.Abstractions;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Tests.LocalHost;

namespace YouthLeague.Tests.Service;

/// <summary>
/// A new deployment's life on the local host, from empty storage (its own Azurite), through the HTTP API only:
/// setup → org import → invites → passwords from links → publish → open → submit → approve.
/// </summary>
public sealed class ServiceLifecycleTests(ITestOutputHelper output)
{
    public const string Secret = "test-setup-secret-0123456789";
    public const string CityPassword = "city-pass-2026";

    static ServiceLifecycleTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The sheet as a city keeps it: a title row, headers with synonyms, saved by Excel as GBK CSV.</summary>
    public static byte[] OrgSheetGbk(params string[] rows) =>
        Encoding.GetEncoding("GB18030").GetBytes(string.Join("\r\n", ["邹城市第一书记名单（2026年）,,,,,", "镇（街道）,村（社区）,第一书记姓名,手机号码,选派单位,任职时间", .. rows]) + "\r\n");

    public static readonly string[] ThreeVillages =
    [
        "太平镇,东村,张明,138 0000 0001,市财政局,2024.03-2026.03",
        "太平镇,西村,李华,13800000002,市教育局,2024.03-2026.03",
        "中心店镇,南村,王芳,+86 13800000003,市卫健委,2025.01-2027.01",
    ];

    internal static async Task<HttpResponseMessage> ImportAsync(HttpClient http, byte[] sheet, bool dryRun, string name = "org.csv", string? key = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(sheet);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", name);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/org/import?dryRun={(dryRun ? "true" : "false")}") { Content = form };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Sets up the deployment and signs the city administrator in; returns the city's client.</summary>
    internal static async Task<HttpClient> SetUpAsync(LocalHostProcess host)
    {
        using (var r = await host.Http.PostAsJsonAsync("/setup", new { secret = Secret, username = "admin", displayName = "团市委", password = CityPassword }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        return await host.SignedInAsync("admin", CityPassword);
    }

    /// <summary>Sets a password from an invite link, as a person does on the invite page.</summary>
    internal static async Task SetPasswordAsync(LocalHostProcess host, string link, string password)
    {
        // The invite page sets its double-submit cookie and writes the same token in its form.
        var path = new Uri(link).AbsolutePath;
        var page = await host.Http.GetStringAsync(path);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([0-9a-f]+)\"").Groups[1].Value;
        using var r = await host.Http.PostAsync(path, new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("password", password), new("confirm", password)]));
        Assert.True(r.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.OK, $"{r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
    }

    internal static async Task<List<Dictionary<string, string>>> InvitesAsync(HttpClient http, string query = "")
    {
        using var r = await http.GetAsync("/api/org/invites.xlsx" + query);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var stream = new MemoryStream(await r.Content.ReadAsByteArrayAsync());
        return stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>()
            .Select(row => row.ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value) ?? ""))
            .ToList();
    }

    internal static async Task WaitOpenedAsync(HttpClient http, int year, int villages, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var view = JsonDocument.Parse(await http.GetStringAsync($"/api/years/{year}")).RootElement;
            if (view.GetProperty("started").GetInt32() >= villages && !view.GetProperty("opening").GetBoolean())
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the year did not open in time: " + view);
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task EmptyDeployment_SetupImportInviteOpenSubmitApprove_Works()
    {
        var azurite = Azurite.Fresh();
        await azurite.InitializeAsync();
        try
        {
            await using var host = new LocalHostProcess(azurite.ConnectionString, "life" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string>
            {
                ["YouthLeague:SetupSecret"] = Secret,
            });
            await host.StartAsync();
            var year = YouthLeague.Checklist.ChinaTime.Year(DateTimeOffset.UtcNow);

            // Setup: a wrong secret creates nothing; the right one creates the administrator; afterwards /setup is gone.
            Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/setup")).StatusCode);
            using (var r = await host.Http.PostAsJsonAsync("/setup", new { secret = "wrong-secret-000000000", username = "admin", displayName = "团市委", password = CityPassword }))
            {
                Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
                Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            }

            using (var r = await host.Http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = CityPassword }))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            }

            using var city = await SetUpAsync(host);
            using (var r = await host.Http.PostAsJsonAsync("/setup", new { secret = Secret, username = "admin2", displayName = "又一个", password = CityPassword }))
            {
                Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            }

            Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/setup")).StatusCode);

            // Org import: the preview writes nothing; applying adds; the same sheet again changes nothing.
            var sheet = OrgSheetGbk(ThreeVillages);
            using (var r = await ImportAsync(city, sheet, dryRun: true))
            {
                var body = await r.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                var preview = JsonDocument.Parse(body).RootElement;
                Assert.Equal(2, preview.GetProperty("added").GetProperty("towns").GetArrayLength());
                Assert.Equal(3, preview.GetProperty("added").GetProperty("villages").GetArrayLength());
                Assert.Equal(5, preview.GetProperty("added").GetProperty("accounts").GetArrayLength());
            }

            Assert.Equal("[]", await city.GetStringAsync("/api/towns"));
            using (var r = await ImportAsync(city, sheet, dryRun: false, key: "import-1"))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            var towns = JsonDocument.Parse(await city.GetStringAsync("/api/towns")).RootElement.EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("id").GetString()!);
            Assert.Equal(["中心店镇", "太平镇"], towns.Keys.Order());
            using (var r = await ImportAsync(city, OrgSheetGbk(ThreeVillages[0]), dryRun: false, key: "import-1"))
            {
                // The same Idempotency-Key answers the first import's result, and applies nothing (not even the closing its sheet would mean).
                var replay = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(3, replay.GetProperty("added").GetProperty("villages").GetArrayLength());
                Assert.Equal(0, replay.GetProperty("closed").GetArrayLength());
            }

            using (var r = await ImportAsync(city, sheet, dryRun: false))
            {
                var again = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(3, again.GetProperty("unchanged").GetInt32());
                Assert.Equal(0, again.GetProperty("added").GetProperty("villages").GetArrayLength());
                Assert.Equal(0, again.GetProperty("changed").GetArrayLength());
            }

            // Invites: a sheet of links for accounts without a password; the secretary and the reviewer set theirs.
            var invites = await InvitesAsync(city);
            Assert.Equal(5, invites.Count);
            var secretary = invites.Single(i => i["姓名"] == "张明");
            var reviewer = invites.Single(i => i["角色"] == "镇街审核员" && i["镇街"] == "太平镇");
            await SetPasswordAsync(host, secretary["邀请链接（7 天内有效）"], "zhang-ming-2026");
            await SetPasswordAsync(host, reviewer["邀请链接（7 天内有效）"], "reviewer-2026");
            Assert.Equal(3, (await InvitesAsync(city)).Count);

            // The year: a bad definition is refused with the reason; the default is published; opening is safe twice.
            using (var r = await city.PutAsync($"/api/years/{year}/definition", new StringContent($$"""{"year":{{year}},"title":"空","steps":[]}""", Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                Assert.Contains("至少要有一个步骤", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var r = await city.PostAsync($"/api/years/{year}/open", null))
            {
                Assert.Equal(HttpStatusCode.Conflict, r.StatusCode); // not published yet
            }

            using (var r = await city.PostAsync($"/api/years/{year}/definition/publish", null))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            using (var r = await city.PostAsync($"/api/years/{year}/open", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
                var opened = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(3, opened.GetProperty("total").GetInt32());
                Assert.Equal(3, opened.GetProperty("started").GetInt32());
            }

            await WaitOpenedAsync(city, year, 3);
            using (var r = await city.PostAsync($"/api/years/{year}/open", null))
            {
                var again = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(0, again.GetProperty("started").GetInt32());
                Assert.Equal(3, again.GetProperty("alreadyRunning").GetInt32());
            }

            using (var r = await city.PutAsync($"/api/years/{year}/definition", new StringContent(await city.GetStringAsync($"/api/years/{year}/definition"), Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.Conflict, r.StatusCode); // immutable once open
            }

            // She submits, her reviewer approves.
            var village = secretary["用户名"]["sec.".Length..];
            await host.SignInAsync(secretary["用户名"], "zhang-ming-2026");
            using (var r = await host.SubmitAsync(year, village, "forum", DurabilityTests.Forum(), DurabilityTests.Jpeg))
            {
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            }

            await WaitStepAsync(host.Http, year, village, "forum", "submitted");
            using var town = await host.SignedInAsync(reviewer["用户名"], "reviewer-2026");
            using (var r = await town.PostAsJsonAsync($"/api/checklists/{year}/{village}/steps/forum/reviews", new { decision = "approve", comment = "很好" }))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            await WaitStepAsync(host.Http, year, village, "forum", "approved");

            // A village added mid-year gets its checklist at once; a merged one is closed and keeps its history.
            using (var r = await city.PostAsJsonAsync("/api/org/villages", new { townId = towns["太平镇"], name = "新村" }))
            {
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
                var added = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.True(added.GetProperty("checklistStarted").GetBoolean());
                Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/checklists/{year}/{added.GetProperty("id").GetString()}")).StatusCode);
            }

            using (var r = await city.PostAsJsonAsync($"/api/org/villages/{village}/close", new { mergedInto = "" }))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/checklists/{year}/{village}")).StatusCode);

            // Every administrative action is in the audit log, newest first.
            var audit = JsonDocument.Parse(await city.GetStringAsync("/api/audit")).RootElement.EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
            foreach (var action in new[] { "setup", "org.import", "account.invite", "definition.publish", "year.open", "village.add", "village.close" })
            {
                Assert.Contains(action, audit);
            }

            Assert.Equal("village.close", audit[0]);
            using (var r = await town.GetAsync("/api/audit"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            }

            output.WriteLine(string.Join(", ", audit));
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task OrgImport_BadSheets_RefusedPerRowAndNothingApplied()
    {
        var azurite = Azurite.Fresh();
        await azurite.InitializeAsync();
        try
        {
            await using var host = new LocalHostProcess(azurite.ConnectionString, "bad" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string>
            {
                ["YouthLeague:SetupSecret"] = Secret,
            });
            await host.StartAsync();
            using var city = await SetUpAsync(host);
            using (var r = await ImportAsync(city, OrgSheetGbk(ThreeVillages), dryRun: false))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            var directory = new TableClient(azurite.ConnectionString, "Directory");
            var accounts = new TableClient(azurite.ConnectionString, "Accounts");
            var before = Rows(directory) + "|" + Rows(accounts);

            async Task<JsonElement> Refused(byte[] sheet, string name = "org.csv")
            {
                using var r = await ImportAsync(city, sheet, dryRun: false, name);
                var body = await r.Content.ReadAsStringAsync();
                Assert.True(r.StatusCode is HttpStatusCode.UnprocessableEntity, $"{r.StatusCode}: {body}");
                Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
                return JsonDocument.Parse(body).RootElement;
            }

            static string Messages(JsonElement e) => string.Join(" / ", e.GetProperty("errors").EnumerateArray().Select(x => $"{x.GetProperty("row")}:{x.GetProperty("message").GetString()}"));

            // A missing column.
            var missing = await Refused(Encoding.UTF8.GetBytes("镇街,村/社区,第一书记\n太平镇,东村,张明\n"));
            Assert.Contains("缺少列：手机", Messages(missing), StringComparison.Ordinal);

            // Several problems at once, each on its row: duplicate village, unknown town, bad phone, one secretary for two villages.
            var bad = await Refused(OrgSheetGbk(
                "太平镇,东村,张明,13800000001,,",
                "太平镇,东村,张明二,13800000011,,",
                "不存在镇,北村,赵六,13800000012,,",
                "太平镇,北村,钱七,12345,,",
                "中心店镇,北村,孙八,13800000001,,"));
            var messages = Messages(bad);
            output.WriteLine(messages);
            Assert.Contains("4:与第 3 行重复", messages, StringComparison.Ordinal);
            Assert.Contains("5:未知的镇街「不存在镇」", messages, StringComparison.Ordinal);
            Assert.Contains("6:手机号「12345」不是 11 位手机号码", messages, StringComparison.Ordinal);
            Assert.Contains("7:同一位第一书记", messages, StringComparison.Ordinal);
            Assert.DoesNotContain(bad.GetProperty("errors").EnumerateArray(), e => e.GetProperty("row").GetInt32() == 3);

            // An empty file, and one of 10,000 rows.
            using (var r = await ImportAsync(city, [], dryRun: false))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                Assert.Contains("文件是空的", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var huge = await Refused(OrgSheetGbk(Enumerable.Range(0, 10_000).Select(i => $"太平镇,村{i},书记{i},139{i:D8},,").ToArray()));
            Assert.Contains("超过 3000 行", Messages(huge), StringComparison.Ordinal);

            // Not a sheet at all.
            using (var r = await ImportAsync(city, DurabilityTests.Jpeg, dryRun: false, "photo.xlsx"))
            {
                Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
            }

            Assert.Equal(before, Rows(directory) + "|" + Rows(accounts));

            // A secretary changes: the sheet names a successor; the predecessor's village history stays, one row changed.
            using (var r = await ImportAsync(city, OrgSheetGbk("太平镇,东村,周新,13900000009,市财政局,2026.03-2028.03", ThreeVillages[1], ThreeVillages[2]), dryRun: true))
            {
                var preview = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(1, preview.GetProperty("changed").GetArrayLength());
                Assert.Equal(2, preview.GetProperty("unchanged").GetInt32());
                Assert.DoesNotContain("13900000009", preview.ToString(), StringComparison.Ordinal); // phones masked in the preview
            }

            // A sheet without a village the town had: that village is closed (merged), listed in the preview.
            using (var r = await ImportAsync(city, OrgSheetGbk(ThreeVillages[0], ThreeVillages[2]), dryRun: true))
            {
                var preview = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal("西村", preview.GetProperty("closed")[0].GetProperty("name").GetString());
            }

            // Definitions: duplicate keys, a due date outside the year, an unknown field type.
            var definition = JsonNode.Parse(await city.GetStringAsync("/api/years/2026/definition"))!;
            var steps = definition["steps"]!.AsArray();
            steps[1]!["key"] = "ledger";
            steps[2]!["due"] = "2027-02-01";
            steps[3]!["fields"]![0]!["type"] = "colour";
            using (var r = await city.PutAsync("/api/years/2026/definition", new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json")))
            {
                var body = await r.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                Assert.Contains("类型「colour」未知", body, StringComparison.Ordinal);
            }

            steps[3]!["fields"]![0]!["type"] = "date";
            using (var r = await city.PutAsync("/api/years/2026/definition", new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json")))
            {
                var body = await r.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                Assert.Contains("步骤键「ledger」重复", body, StringComparison.Ordinal);
                Assert.Contains("不在 2026 年内", body, StringComparison.Ordinal);
            }

            Assert.Equal("default", (await city.GetAsync("/api/years/2026/definition")).Headers.GetValues("X-YL-Definition-Source").Single());
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    internal static async Task WaitStepAsync(HttpClient http, int year, string village, string step, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var s = JsonDocument.Parse(await http.GetStringAsync($"/api/checklists/{year}/{village}")).RootElement
                .GetProperty("steps").EnumerateArray().Single(x => x.GetProperty("key").GetString() == step);
            if (s.GetProperty("status").GetString() == status)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{step} stayed {s.GetProperty("status")} instead of {status}");
            await Task.Delay(300);
        }
    }

    private static string Rows(TableClient table) =>
        string.Join(";", table.Query<TableEntity>().Select(e => $"{e.PartitionKey}/{e.RowKey}/{e.ETag}").Order());
}
