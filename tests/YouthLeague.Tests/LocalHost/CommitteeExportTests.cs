using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using MiniExcelLibs;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Web;

namespace YouthLeague.Tests.LocalHost;

/// <summary>The committees' exports, parsed back and checked cell by cell against the checklist projections and what was handed in.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class CommitteeExportTests(Azurite azurite)
{
    private static readonly ChecklistDefinition Definition = TestData.Definition;

    private static List<Dictionary<string, object?>> Xlsx(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return stream.Query(useHeaderRow: true).Select(r => ((IDictionary<string, object?>)r).ToDictionary(kv => kv.Key, kv => kv.Value)).ToList();
    }

    /// <summary>Read back with a reader the app does not use (Sylvan), so a fault shared by writer and reader cannot hide.</summary>
    private static List<List<string>> CsvRows(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = Sylvan.Data.Csv.CsvDataReader.Create(reader, new Sylvan.Data.Csv.CsvDataReaderOptions { HasHeaders = false, Delimiter = ',' });
        var rows = new List<List<string>>();
        while (csv.Read())
        {
            rows.Add(Enumerable.Range(0, csv.RowFieldCount).Select(csv.GetString).ToList());
        }

        return rows;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() is { Length: > 0 } s ? s : null,
    };

    [Fact]
    public async Task Exports_ParsedBack_MatchProjectionsAndSubmissions_PhonesAsTheReaderMaySee()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "ex");
        var volunteeringA = new Dictionary<string, string> { ["date"] = "2026-06-01", ["activity"] = "清扫村道", ["volunteers"] = "12", ["hours"] = "24.5", ["beneficiaries"] = "300" };
        var volunteeringB = new Dictionary<string, string> { ["date"] = "2026-06-03", ["activity"] = "=HYPERLINK(\"x\")", ["volunteers"] = "5", ["hours"] = "10" };
        await w.SubmitAsync(w.A, "forum", DurabilityTests.Forum());
        await w.SubmitAsync(w.A, "volunteering", volunteeringA);
        await w.SubmitAsync(w.B, "volunteering", volunteeringB);
        await w.ReviewAsync(w.A, "forum", "approve", "材料翔实，可推广", exemplary: true);
        await w.ReviewAsync(w.A, "volunteering", "approve", "");
        await w.ReviewAsync(w.B, "volunteering", "return", "请补充服务对象");
        using (var r = await w.Secretaries[w.A].PutAsJsonAsync($"/api/checklists/2026/{w.A}/ledger", new[] { new { name = "李青", sex = "女", birthYear = 2000, isLeagueMember = true, phone = "13812345678", education = "本科", occupation = "村委会", note = "<b>返乡</b>" } }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        using (var r = await w.Secretaries[w.B].PutAsJsonAsync($"/api/checklists/2026/{w.B}/ledger", new[] { new { name = "王强", sex = "男", birthYear = 1998, isLeagueMember = false, phone = "13998765432" } }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var checklists = new Dictionary<string, JsonElement>();
        foreach (var v in new[] { w.A, w.B })
        {
            checklists[v] = JsonDocument.Parse(await w.Reviewer.GetStringAsync($"/api/checklists/2026/{v}")).RootElement;
        }

        // Annual assessment: each step's status, on-time, returns, exemplary and points, from the checklist the API shows.
        var assessment = Xlsx(await w.Reviewer.GetByteArrayAsync("/api/exports/2026/assessment.xlsx"));
        Assert.Equal(2, assessment.Count); // the reviewer's town only
        foreach (var (row, village) in assessment.Zip(new[] { w.A, w.B }))
        {
            Assert.Equal(checklists[village].GetProperty("villageId").GetString(), village);
            Assert.StartsWith(village == w.A ? "甲村" : "乙村", (string)row["村（社区）"]!, StringComparison.Ordinal);
            var total = 0;
            foreach (var step in checklists[village].GetProperty("steps").EnumerateArray())
            {
                var title = step.GetProperty("title").GetString();
                var status = StepStatusNames.Parse(step.GetProperty("status").GetString()!);
                var returns = step.GetProperty("returnedRounds").GetInt32();
                var exemplary = step.GetProperty("exemplary").GetBoolean();
                var subs = step.GetProperty("submissions");
                var onTime = status == StepStatus.Approved && ChinaTime.Today(subs[0].GetProperty("submittedAt").GetDateTimeOffset()) <= DateOnly.Parse(step.GetProperty("due").GetString()!, CultureInfo.InvariantCulture);
                var points = status == StepStatus.Approved ? 12 + (onTime ? 4 : 0) - Math.Min(returns, 3) + (exemplary ? 1 : 0) : 0;
                total += points;
                Assert.Equal(status.ToChinese(), row[$"{title}·状态"]);
                Assert.Equal(status == StepStatus.Approved ? (onTime ? "是" : "否") : null, row[$"{title}·按时完成"]);
                Assert.Equal((double)returns, row[$"{title}·退回次数"]);
                Assert.Equal(exemplary ? "是" : null, row[$"{title}·优秀典型"]);
                Assert.Equal((double)points, row[$"{title}·得分"]);
            }

            Assert.Equal((double)total, row["考核得分"]);
        }

        Assert.Equal("是", assessment[0]["召开一次团员青年座谈会·优秀典型"]);
        Assert.Equal(1.0, assessment[1]["组织一次青年志愿服务活动·退回次数"]);

        // The CSV carries the same cells.
        var csv = CsvRows(await w.Reviewer.GetByteArrayAsync("/api/exports/2026/assessment.csv"));
        Assert.Equal(assessment[0].Keys, csv[0]);
        for (var i = 0; i < assessment.Count; i++)
        {
            Assert.Equal(assessment[i].Values.Select(Text), csv[i + 1].Select(c => c.Length == 0 ? null : c));
        }

        // Volunteering: the answers as handed in, numbers as numbers, totals.
        var volunteering = Xlsx(await w.City.GetByteArrayAsync($"/api/exports/2026/volunteering.xlsx?town={w.Town}"));
        Assert.Equal(4, volunteering.Count);
        foreach (var (row, village, answer, status) in new[] { (volunteering[0], w.A, volunteeringA, "已通过"), (volunteering[1], w.B, volunteeringB, "已退回") })
        {
            Assert.Equal(status, row["状态"]);
            foreach (var f in Definition.Find("volunteering")!.Fields)
            {
                var expected = answer.GetValueOrDefault(f.Name);
                Assert.Equal(expected is null ? null : f.Type == FieldType.Number ? double.Parse(expected, CultureInfo.InvariantCulture) : expected, row[f.Label]);
            }
        }

        Assert.Equal(["合计（全部已提交）", 17.0, 34.5, 300.0], new[] { volunteering[2]["镇街"], volunteering[2]["志愿者人数"], volunteering[2]["服务总时长（小时）"], volunteering[2]["受益人数"] });
        Assert.Equal(["其中已通过", 12.0, 24.5, 300.0], new[] { volunteering[3]["镇街"], volunteering[3]["志愿者人数"], volunteering[3]["服务总时长（小时）"], volunteering[3]["受益人数"] });
        var volunteeringCsv = Encoding.UTF8.GetString(await w.City.GetByteArrayAsync($"/api/exports/2026/volunteering.csv?town={w.Town}"));
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", volunteeringCsv, StringComparison.Ordinal); // stays text in Excel

        // Ledger roll-up: the town's reviewer sees phones in full, the city masked; nobody else gets it.
        var ledger = Xlsx(await w.Reviewer.GetByteArrayAsync("/api/exports/2026/ledger.xlsx"));
        Assert.Equal(["李青", "王强"], ledger.Select(r => r["姓名"]));
        Assert.Equal(["13812345678", "13998765432"], ledger.Select(r => Text(r["联系电话"])));
        Assert.Equal("<b>返乡</b>", ledger[0]["备注"]);
        Assert.Equal(["是", "否"], ledger.Select(r => r["是否团员"]));
        var cityLedger = Xlsx(await w.City.GetByteArrayAsync($"/api/exports/2026/ledger.xlsx?town={w.Town}"));
        Assert.Equal(["138****5678", "139****5432"], cityLedger.Select(r => r["联系电话"]));
        var cityCsv = Encoding.UTF8.GetString(await w.City.GetByteArrayAsync($"/api/exports/2026/ledger.csv?town={w.Town}"));
        Assert.DoesNotContain("13812345678", cityCsv, StringComparison.Ordinal);
        using (var r = await w.OtherReviewer.GetAsync($"/api/exports/2026/ledger.xlsx?town={w.Town}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        }

        using (var r = await w.Secretaries[w.A].GetAsync("/api/exports/2026/ledger.xlsx"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        using (var r = await w.City.GetAsync("/api/exports/2026/ledger.pdf"))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        // Reviews are in the audit trail with their comment and outstanding-case mark.
        var audit = new TableClient(azurite.ConnectionString, "Checklists")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + w.A} and RowKey ge {"audit-"} and RowKey lt {"audit."}"))
            .Single(e => e.GetString("Kind") == "approve" && e.GetString("Step") == "forum");
        Assert.Equal("材料翔实，可推广", audit.GetString("Comment"));
        Assert.True(audit.GetBoolean("Exemplary"));
        var returned = new TableClient(azurite.ConnectionString, "Checklists")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + w.B} and RowKey ge {"audit-"} and RowKey lt {"audit."}"))
            .Single(e => e.GetString("Kind") == "return");
        Assert.Equal("请补充服务对象", returned.GetString("Comment"));
    }

    [System.Text.RegularExpressions.GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([0-9a-f]+)\"")]
    private static partial System.Text.RegularExpressions.Regex TokenField();

    [Fact]
    public async Task RotationMidYear_AssessmentAndExportsNameEachSecretaryForWhatTheyHandedIn()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "rt");
        await w.SubmitAsync(w.A, "forum", DurabilityTests.Forum());
        await w.ReviewAsync(w.A, "forum", "approve", "");

        // The town rotates 甲村's secretary: the successor comes from another dispatching unit and accepts the invite.
        var successor = $"sec.{w.A}-2";
        string invite;
        using (var r = await w.Reviewer.PostAsJsonAsync($"/api/villages/{w.A}/secretary", new { username = successor, displayName = "接任书记", dispatchingUnit = "市交通运输局" }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            invite = new Uri((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inviteUrl").GetString()!).AbsolutePath;
        }

        var cookies = new System.Net.CookieContainer();
        using (var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = w.Host.Http.BaseAddress })
        {
            var token = TokenField().Match(await browser.GetStringAsync(invite)).Groups[1].Value;
            using var accepted = await browser.PostAsync(invite, new FormUrlEncodedContent(new Dictionary<string, string> { ["password"] = "jieren-2026", ["confirm"] = "jieren-2026", [Access.AntiforgeryField] = token }));
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        await w.Host.SignInAsync(successor, "jieren-2026");
        var volunteering = new Dictionary<string, string> { ["date"] = "2026-06-01", ["activity"] = "清扫村道", ["volunteers"] = "12", ["hours"] = "24", ["beneficiaries"] = "300" };
        using (var r = await w.Host.SubmitAsync(2026, w.A, "volunteering", volunteering, DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(w.Reviewer, w.A, "volunteering", "submitted");
        using (var r = await w.Reviewer.PostAsJsonAsync($"/api/checklists/2026/{w.A}/steps/volunteering/reviews", new { decision = "approve", comment = "" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(w.Reviewer, w.A, "volunteering", "approved");

        // The submission records who handed it in and their unit at the time.
        var subs = new TableClient(azurite.ConnectionString, "Checklists")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + w.A} and RowKey ge {"sub-"} and RowKey lt {"sub."}"))
            .ToDictionary(e => e.GetString("Step"));
        Assert.Equal(("sec." + w.A, "甲村书记"), (subs["forum"].GetString("By"), subs["forum"].GetString("ByName")));
        Assert.Equal((successor, "接任书记", "市交通运输局"), (subs["volunteering"].GetString("By"), subs["volunteering"].GetString("ByName"), subs["volunteering"].GetString("DispatchingUnit")));

        var forum = Definition.Find("forum")!.Title;
        var vol = Definition.Find("volunteering")!.Title;
        var row = Xlsx(await w.City.GetByteArrayAsync($"/api/exports/2026/assessment.xlsx?town={w.Town}")).Single(r => ((string)r["村（社区）"]!).StartsWith("甲村", StringComparison.Ordinal));
        Assert.Equal(("接任书记", "市交通运输局"), ((string?)row["第一书记"], (string?)row["派出单位"]));
        Assert.Equal("甲村书记", row[$"{forum}·提交人"]);
        Assert.Equal("接任书记（市交通运输局）", row[$"{vol}·提交人"]);
        var tenures = (string)row["按任期（谁提交了哪些）"]!;
        Assert.Matches($"^甲村书记：{forum}（\\d+ 分）；接任书记（市交通运输局）：{vol}（\\d+ 分）$", tenures);

        var volunteeringRow = Xlsx(await w.Reviewer.GetByteArrayAsync("/api/exports/2026/volunteering.xlsx"))[0];
        Assert.Equal(("接任书记", "接任书记（市交通运输局）"), ((string?)volunteeringRow["第一书记"], (string?)volunteeringRow["提交人"]));
        var ledger = Encoding.UTF8.GetString(await w.Reviewer.GetByteArrayAsync("/api/exports/2026/ledger.csv"));
        Assert.StartsWith("\uFEFF镇街,村（社区）,第一书记,派出单位,", ledger, StringComparison.Ordinal);

        // The handover pack for the successor: the page and the workbook name who handed in what.
        using var mine = await w.Host.SignedInAsync(successor, "jieren-2026");
        var page = await mine.GetStringAsync($"/villages/{w.A}/handover?year=2026");
        Assert.Contains("现任第一书记 接任书记（市交通运输局）", page, StringComparison.Ordinal);
        Assert.Contains("甲村书记 提交于", page, StringComparison.Ordinal);
        Assert.Contains("接任书记（市交通运输局） 提交于", page, StringComparison.Ordinal);
        Assert.Contains("尚未提交工作计划", page, StringComparison.Ordinal);
        using (var xlsx = new MemoryStream(await mine.GetByteArrayAsync($"/api/exports/2026/villages/{w.A}/handover.xlsx")))
        {
            Assert.Equal(["概况", "提交材料", "工作计划", "2026年团员青年台账"], xlsx.GetSheetNames());
            var handedIn = xlsx.Query(useHeaderRow: true, sheetName: "提交材料").Cast<IDictionary<string, object?>>().ToDictionary(r => (string)r["事项"]!, r => (string?)r["提交人"]);
            Assert.Equal("甲村书记", handedIn[forum]);
            Assert.Equal("接任书记（市交通运输局）", handedIn[vol]);
        }

        using (var r = await w.OtherReviewer.GetAsync($"/api/exports/2026/villages/{w.A}/handover.xlsx"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
    }
}
