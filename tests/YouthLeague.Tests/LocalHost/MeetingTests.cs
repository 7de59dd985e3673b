using System.Globalization;
using System.Net;
using Azure.Data.Tables;
using MiniExcelLibs;
using YouthLeague.Checklist;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>A town's quarterly exchange meeting: the pack, the record (validation, access, form token), the city's list.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MeetingTests(Azurite azurite)
{
    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [Fact]
    public async Task Meeting_PackListsCandidateWithEvidence_RecordValidatedGuardedIdempotent_CitySeesRecommendation()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "mt");
        await w.SubmitAsync(w.A, "forum", DurabilityTests.Forum());
        await w.ReviewAsync(w.A, "forum", "approve", "座谈扎实，可作典型", exemplary: true);
        var pack = $"/towns/{w.Town}/meetings/4?year=2026";
        var key = $"{w.A}|forum";

        // The candidate is projected right after the approval.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string page;
        while (!(page = await w.Reviewer.GetStringAsync(pack)).Contains("优秀典型候选（1）", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the exemplary case never reached the pack:\n" + page);
            await Task.Delay(300);
        }

        Assert.Contains("<body class=\"document\">", page, StringComparison.Ordinal); // the stylesheet's print rules for documents
        Assert.Contains("座谈扎实，可作典型", page, StringComparison.Ordinal);
        Assert.Contains("村委会议室", page, StringComparison.Ordinal);
        Assert.Contains($"/api/evidence/2026/{w.A}/", page, StringComparison.Ordinal);
        Assert.Contains("?size=thumb", page, StringComparison.Ordinal);
        Assert.Matches("<li><strong>乙村[0-9a-f]+</strong>：[^<]*召开一次团员青年座谈会", page); // 乙村's forum is overdue (due 06-30)
        Assert.Contains("id=\"record-form\"", page, StringComparison.Ordinal);

        // Invalid input: 422, messages next to the fields, input kept and script shown as text, nothing stored.
        using (var bad = await w.Reviewer.PostAsync(pack, Form(("date", ""), ("attendees", "张三"), ("minutes", "<script>alert(1)</script>"), ("recommended", "nope|forum"), ("formToken", "t-bad"))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
            var html = await bad.Content.ReadAsStringAsync();
            Assert.Matches("name=\"date\"[^>]*>\\s*<p class=\"error field\">请填写会议日期</p>", html);
            Assert.Contains("推荐的案例不在本季度的候选名单中", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;</textarea>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
            Assert.Contains(">张三</textarea>", html, StringComparison.Ordinal);
        }

        var meetings = new TableClient(azurite.ConnectionString, "Meetings");
        Assert.Empty(meetings.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + w.Town}")));

        // Only the town's own reviewer records; the city reads.
        var date = ChinaTime.Today(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (string, string)[] good = [("date", date), ("attendees", "镇团委书记、各村第一书记"), ("minutes", "交流了座谈会的组织经验。\n<b>下季度</b>重点抓志愿服务。"), ("recommended", key), ("formToken", "t-good"), ("version", "0"), ("att-" + w.A, "present"), ("att-" + w.B, "absent"), ("reason-" + w.B, "驻村防汛")];
        using (var r = await w.OtherReviewer.PostAsync(pack, Form(good)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        using (var r = await w.City.PostAsync(pack, Form(good)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        using (var r = await w.OtherReviewer.GetAsync(pack))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        // Recorded once; the same form again (a double tap) changes nothing.
        for (var i = 0; i < 2; i++)
        {
            using var r = await w.Reviewer.PostAsync(pack, Form(good));
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith($"/towns/{w.Town}/meetings/4?year=2026&saved=1", r.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        var record = Assert.Single(meetings.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + w.Town} and RowKey eq {"q4"}")));
        Assert.Equal(date, record.GetString("Date"));
        Assert.Equal($"[\"{key}\"]", record.GetString("RecommendedJson"));
        var firstWrite = record.ETag;
        using (var again = await w.Reviewer.PostAsync(pack, Form(good)))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        }

        Assert.Equal(firstWrite, meetings.GetEntity<TableEntity>("2026-" + w.Town, "q4").Value.ETag);
        var recommendAudit = new TableClient(azurite.ConnectionString, "Checklists")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + w.A} and RowKey ge {"audit-"} and RowKey lt {"audit."}"))
            .Where(e => e.GetString("Kind") == "recommend")
            .ToList();
        Assert.Equal("forum", Assert.Single(recommendAudit).GetString("Step"));
        Assert.Contains("第4季度交流会", recommendAudit[0].GetString("Comment"), StringComparison.Ordinal);
        Assert.Single(meetings.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + w.Town} and RowKey ge {"audit-"} and RowKey lt {"audit."}")));

        // The pack shows the record (escaped); the city sees it without the form, and lists the case.
        var recorded = await w.City.GetStringAsync(pack);
        Assert.Contains("&lt;b&gt;下季度&lt;/b&gt;", recorded, StringComparison.Ordinal);
        Assert.Contains("镇团委书记、各村第一书记", recorded, StringComparison.Ordinal);
        Assert.Contains("乙村书记（乙村", recorded, StringComparison.Ordinal);
        Assert.Contains("驻村防汛", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"record-form\"", recorded, StringComparison.Ordinal);
        var city = await w.City.GetStringAsync("/city?year=2026");
        var recommended = city[city.IndexOf("id=\"recommended\"", StringComparison.Ordinal)..];
        Assert.Contains($"/villages/{w.A}/steps/forum/review?year=2026", recommended, StringComparison.Ordinal);
        // The town's card marks the recorded meeting held (read in the same query as the recommended cases).
        Assert.Contains($"<a class=\"meeting-held\" href=\"/towns/{w.Town}/meetings/4?year=2026\">4季度 已开（{date}）</a>", city, StringComparison.Ordinal);

        // The pack as a workbook, for the town's files or the city.
        using (var xlsx = new MemoryStream(await w.City.GetByteArrayAsync($"/api/exports/2026/meeting.xlsx?town={w.Town}&quarter=4")))
        {
            var cases = xlsx.Query(useHeaderRow: true, sheetName: "优秀典型候选").Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal("座谈扎实，可作典型", Assert.Single(cases)["审核意见"]);
            Assert.Equal("是", cases[0]["推荐至市级"]);
            Assert.StartsWith($"/api/evidence/2026/{w.A}/", (string)cases[0]["证据"]!, StringComparison.Ordinal);
            var minutes = xlsx.Query(useHeaderRow: true, sheetName: "会议记录").Cast<IDictionary<string, object?>>().Single(r => (string?)r["项目"] == "会议纪要");
            Assert.Equal("交流了座谈会的组织经验。\n<b>下季度</b>重点抓志愿服务。", minutes["内容"]);
        }

        using (var r = await w.City.GetAsync("/api/exports/2026/meeting.xlsx?quarter=4"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }

        // A correction (another form) that withdraws the recommendation: gone from the city's list, in the audit trail.
        using (var r = await w.Reviewer.PostAsync(pack, Form(("date", date), ("attendees", "镇团委书记"), ("minutes", "更正：暂不推荐。"), ("formToken", "t-edit"), ("version", "1"), ("att-" + w.A, "present"), ("att-" + w.B, "present"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        Assert.DoesNotContain($"/villages/{w.A}/steps/forum/review", (await w.City.GetStringAsync("/city?year=2026")).Split("id=\"recommended\"")[1], StringComparison.Ordinal);
        Assert.Contains(
            new TableClient(azurite.ConnectionString, "Checklists").Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + w.A} and RowKey ge {"audit-"} and RowKey lt {"audit."}")),
            e => e.GetString("Kind") == "unrecommend");
        Assert.Contains("更正：暂不推荐。", await w.Reviewer.GetStringAsync(pack), StringComparison.Ordinal);

        // An earlier quarter's pack does not offer a case approved after that quarter.
        Assert.Contains("优秀典型候选（0）", await w.Reviewer.GetStringAsync($"/towns/{w.Town}/meetings/1?year=2026"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Meeting_RecordedByTheOffice_TwoMeetingsAreTwoRecommendations_StaleFormGets409WithTheNewerRecord()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "mv");
        using var office = await w.Host.SignedInAsync("office." + w.Town);

        // A candidate approved in the first quarter, as the checklist projection writes it.
        var progress = new TableClient(azurite.ConnectionString, "TownProgress");
        await progress.UpsertEntityAsync(new TableEntity($"2026-{w.Town}-cases", $"{w.A}|forum")
        {
            ["VillageId"] = w.A, ["Step"] = "forum", ["SubmissionId"] = "s-q1", ["ReviewId"] = "r-q1", ["Comment"] = "可推广",
            ["ReviewedBy"] = "town." + w.Town, ["ApprovedAt"] = new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero), ["FieldsJson"] = "{}", ["EvidenceJson"] = "[]",
        });
        var key = $"{w.A}|forum";
        (string, string)[] Marks() => [("att-" + w.A, "present"), ("att-" + w.B, "present")];

        // The town's dispatch office records the first quarter's meeting; the reviewer the second's: the same case twice.
        using (var r = await office.PostAsync($"/towns/{w.Town}/meetings/1?year=2026", Form([("date", "2026-03-20"), ("minutes", "一季度交流"), ("recommended", key), ("formToken", "q1-a"), ("version", "0"), .. Marks()])))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        var q2 = $"/towns/{w.Town}/meetings/2?year=2026";
        Assert.Contains("已在第1季度交流会推荐", await w.Reviewer.GetStringAsync(q2), StringComparison.Ordinal);
        using (var r = await w.Reviewer.PostAsync(q2, Form([("date", "2026-06-20"), ("minutes", "二季度交流"), ("recommended", key), ("formToken", "q2-a"), ("version", "0"), .. Marks()])))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        var meetings = new TableClient(azurite.ConnectionString, "Meetings");
        var rows = meetings.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-recommended"} and TownId eq {w.Town}")).ToList();
        Assert.Equal([1, 2], rows.Select(e => e.GetInt32("Quarter")!.Value).Order());
        var city = (await w.City.GetStringAsync("/city?year=2026")).Split("id=\"recommended\"")[1];
        Assert.Equal(2, city.Split($"/villages/{w.A}/steps/forum/review").Length - 1);

        // Both open the second quarter's record (version 1); the office saves a correction first (version 2) ...
        using (var r = await office.PostAsync(q2, Form([("date", "2026-06-20"), ("minutes", "下派办更正的纪要"), ("recommended", key), ("formToken", "q2-b"), ("version", "1"), .. Marks()])))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        // ... then the reviewer's form, opened on version 1: 409, the newer record shown, what was typed kept, nothing stored.
        using (var stale = await w.Reviewer.PostAsync(q2, Form([("date", "2026-06-20"), ("minutes", "审核员的旧表单"), ("formToken", "q2-c"), ("version", "1"), .. Marks()])))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            var html = await stale.Content.ReadAsStringAsync();
            Assert.Contains($"会议记录已被 office.{w.Town} 于", html, StringComparison.Ordinal);
            Assert.Contains("下派办更正的纪要", html, StringComparison.Ordinal);
            Assert.Contains(">审核员的旧表单</textarea>", html, StringComparison.Ordinal);
            Assert.Contains("name=\"version\" value=\"2\"", html, StringComparison.Ordinal);
        }

        var stored = meetings.GetEntity<TableEntity>($"2026-{w.Town}", "q2").Value;
        Assert.Equal("下派办更正的纪要", stored.GetString("Minutes"));
        Assert.Equal(2, stored.GetInt32("Version"));

        // Saved again from the form the 409 showed (version 2): a knowing overwrite, accepted; the withdrawal leaves Q1's recommendation.
        using (var r = await w.Reviewer.PostAsync(q2, Form([("date", "2026-06-20"), ("minutes", "审核员核对后的纪要"), ("formToken", "q2-d"), ("version", "2"), .. Marks()])))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        Assert.Equal(3, meetings.GetEntity<TableEntity>($"2026-{w.Town}", "q2").Value.GetInt32("Version"));
        Assert.Equal(1, Assert.Single(meetings.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-recommended"} and TownId eq {w.Town}"))).GetInt32("Quarter"));

        // Another town's office may neither read nor record this town's meeting.
        using var otherOffice = await w.Host.SignedInAsync("office." + w.OtherTown);
        using (var r = await otherOffice.GetAsync(q2))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
    }
}
