using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using MiniExcelLibs;
using YouthLeague.Checklist;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>
/// Further activities of an approved step (#18, orchestration version 3), end to end through the HTTP routes on Azurite:
/// handed in after the approval (202, not 409), queued for the town's reviewer under the step's title, reviewed by
/// naming the activity, shown on the village page, and counted in the volunteering summary and the meeting pack.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FurtherActivityTests(Azurite azurite)
{
    private static List<Dictionary<string, object?>> Xlsx(byte[] bytes, string? sheet = null)
    {
        using var stream = new MemoryStream(bytes);
        return stream.Query(useHeaderRow: true, sheetName: sheet).Select(r => ((IDictionary<string, object?>)r).ToDictionary(kv => kv.Key, kv => kv.Value)).ToList();
    }

    private static async Task<JsonElement> WaitForActivityAsync(HttpClient http, string village, string step, int index, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var s = await DurabilityTests.StepAsync(http, village, step);
            var further = s.GetProperty("furtherActivities");
            if (further.GetArrayLength() > index && further[index].GetProperty("status").GetString() == status)
            {
                return s;
            }

            Assert.True(DateTime.UtcNow < deadline, $"activity {index} of {step} never became {status}: {further}");
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task TwoActivitiesOfOneStep_BothApproved_BothCountedInVolunteeringSummaryAndMeetingPack()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "fa");
        var first = new Dictionary<string, string> { ["date"] = "2026-10-10", ["activity"] = "清扫村道", ["volunteers"] = "12", ["hours"] = "24" };
        var second = new Dictionary<string, string> { ["date"] = "2026-11-15", ["activity"] = "防疫值守", ["volunteers"] = "8", ["hours"] = "16" };
        await w.SubmitAsync(w.A, "volunteering", first);
        await w.ReviewAsync(w.A, "volunteering", "approve", "");

        // The approved step takes a further activity: 202 with its own submission id.
        await w.Host.SignInAsync("sec." + w.A);
        string activity;
        using (var r = await w.Host.SubmitAsync(2026, w.A, "volunteering", second, DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            activity = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("submissionId").GetString()!;
        }

        var step = await WaitForActivityAsync(w.Secretaries[w.A], w.A, "volunteering", 0, "submitted");
        Assert.Equal("approved", step.GetProperty("status").GetString()); // the step stays approved
        Assert.Equal(activity, step.GetProperty("furtherActivities")[0].GetProperty("submission").GetProperty("id").GetString());
        Assert.Equal(1, step.GetProperty("approvedActivities").GetInt32());

        // The queue lists it under the step's Chinese title, linked to its own review page.
        var title = TestData.Definition.Find("volunteering")!.Title;
        var queue = await w.Reviewer.GetStringAsync($"/towns/{w.Town}/reviews?year=2026");
        Assert.Contains($"{title}（后续活动）", queue, StringComparison.Ordinal);
        Assert.Contains($"value=\"{w.A}|volunteering|{activity}\"", queue, StringComparison.Ordinal);
        Assert.Contains($"/villages/{w.A}/steps/volunteering/review?year=2026&amp;activity={activity}", queue, StringComparison.Ordinal);
        var form = await w.Reviewer.GetStringAsync($"/villages/{w.A}/steps/volunteering/review?year=2026&activity={activity}");
        Assert.Contains("防疫值守", form, StringComparison.Ordinal);
        Assert.Contains($"name=\"activity\" value=\"{activity}\"", form, StringComparison.Ordinal);

        // Another town's reviewer may not review it; a made-up activity is 404; the reviewer approves it as exemplary.
        using (var r = await w.OtherReviewer.PostAsJsonAsync($"/api/checklists/2026/{w.A}/steps/volunteering/reviews", new { decision = "approve", comment = "", activity }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        using (var r = await w.Reviewer.PostAsJsonAsync($"/api/checklists/2026/{w.A}/steps/volunteering/reviews", new { decision = "approve", comment = "", activity = "nope" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        using (var r = await w.Reviewer.PostAsJsonAsync($"/api/checklists/2026/{w.A}/steps/volunteering/reviews", new { decision = "approve", comment = "防疫值守组织有序", exemplary = true, activity }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        step = await WaitForActivityAsync(w.Secretaries[w.A], w.A, "volunteering", 0, "approved");
        Assert.Equal(2, step.GetProperty("approvedActivities").GetInt32());
        Assert.DoesNotContain($"{w.A}|volunteering|{activity}", await w.Reviewer.GetStringAsync($"/towns/{w.Town}/reviews?year=2026"), StringComparison.Ordinal);

        // Reviewed once: a second decision on it is 409.
        using (var r = await w.Reviewer.PostAsJsonAsync($"/api/checklists/2026/{w.A}/steps/volunteering/reviews", new { decision = "return", comment = "再看看", activity }))
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        }

        // The village page shows it, and the secretary may record another.
        var village = await w.Secretaries[w.A].GetStringAsync($"/villages/{w.A}?year=2026");
        Assert.Contains("本项已完成，可继续记录活动", village, StringComparison.Ordinal);
        Assert.Contains("已通过的活动共 2 次", village, StringComparison.Ordinal);
        Assert.Contains("防疫值守", village, StringComparison.Ordinal);
        Assert.Contains("记录又一次活动", village, StringComparison.Ordinal);

        // The handover pack lists it after the step's own submission, with its review.
        var handover = await w.Secretaries[w.A].GetStringAsync($"/villages/{w.A}/handover?year=2026");
        Assert.Contains("后续活动", handover, StringComparison.Ordinal);
        Assert.Contains("防疫值守组织有序", handover, StringComparison.Ordinal);

        // Volunteering summary: both activities, both approved, both in the totals.
        var volunteering = Xlsx(await w.City.GetByteArrayAsync($"/api/exports/2026/volunteering.xlsx?town={w.Town}"));
        var rowsA = volunteering.Where(r => (string?)r["村（社区）"] == "甲村" + w.A.Split('-')[1]).ToList();
        Assert.Equal(["清扫村道", "防疫值守"], rowsA.Select(r => r["活动内容"]));
        Assert.Equal(["已通过", "已通过"], rowsA.Select(r => r["状态"]));
        var approved = volunteering.Single(r => (string?)r["镇街"] == "其中已通过");
        Assert.Equal("2 次活动", approved["村（社区）"]);
        Assert.Equal(20.0, approved["志愿者人数"]);
        Assert.Equal(40.0, approved["服务总时长（小时）"]);

        // Meeting pack: the village's approved activities are 2 (the step's own + the further one); the exemplary further one is a candidate.
        var xlsx = await w.City.GetByteArrayAsync($"/api/exports/2026/meeting.xlsx?town={w.Town}&quarter=4");
        var progress = Xlsx(xlsx, "进度小结").Single(r => (string?)r["村（社区）"] == "甲村" + w.A.Split('-')[1]);
        Assert.Equal(1.0, Convert.ToDouble(progress["已通过"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2.0, Convert.ToDouble(progress["已通过活动"], System.Globalization.CultureInfo.InvariantCulture));
        var candidate = Assert.Single(Xlsx(xlsx, "优秀典型候选"));
        Assert.Equal(title, candidate["事项"]);
        Assert.Equal("防疫值守组织有序", candidate["审核意见"]);
        var pack = await w.Reviewer.GetStringAsync($"/towns/{w.Town}/meetings/4?year=2026");
        Assert.Contains("已通过的活动共 2 次（含各项通过后继续记录的 1 次）", pack, StringComparison.Ordinal);
        Assert.Contains("另有 1 次后续活动已通过", pack, StringComparison.Ordinal);

        // The meeting recommends the further activity: the city's list shows it under the step's title; saving the
        // record again (a correction) keeps it recommended, not withdrawn.
        var key = $"{w.A}|volunteering|{activity}";
        var date = ChinaTime.Today(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        for (var version = 0; version < 2; version++)
        {
            using var r = await w.Reviewer.PostAsync($"/towns/{w.Town}/meetings/4?year=2026", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["date"] = date, ["minutes"] = "交流了防疫值守的做法", ["recommended"] = key, ["formToken"] = $"fa-{version}",
                ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture), ["att-" + w.A] = "present", ["att-" + w.B] = "present",
            }));
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        }

        var recommendations = new TableClient(azurite.ConnectionString, "Meetings")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-recommended"} and TownId eq {w.Town}")).ToList();
        var recommendation = Assert.Single(recommendations);
        Assert.Equal(("volunteering", activity), (recommendation.GetString("Step"), recommendation.GetString("Activity")));
        var city = await w.City.GetStringAsync("/city?year=2026");
        var listed = city[city.IndexOf("id=\"recommended\"", StringComparison.Ordinal)..];
        Assert.Contains(title, listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FurtherActivity_RefusedWhileInReview_AndOnAChecklistOlderThanVersion3()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "fb");
        await w.SubmitAsync(w.B, "volunteering", DurabilityTests.Volunteering());
        await w.Host.SignInAsync("sec." + w.B);
        using (var r = await w.Host.SubmitAsync(2026, w.B, "volunteering", DurabilityTests.Volunteering(), DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Contains("正在等待审核", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await w.ReviewAsync(w.B, "volunteering", "approve", "");

        // A checklist that started under version 2 keeps the 409 after approval, saying why.
        var checklists = new TableClient(azurite.ConnectionString, "Checklists");
        var header = (await checklists.GetEntityAsync<TableEntity>($"2026-{w.B}", "checklist")).Value;
        header["Version"] = 2;
        await checklists.UpdateEntityAsync(header, header.ETag, TableUpdateMode.Merge);
        await w.Host.SignInAsync("sec." + w.B);
        using (var r = await w.Host.SubmitAsync(2026, w.B, "volunteering", DurabilityTests.Volunteering(), DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Contains(ChecklistRules.NoFurtherActivities, await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("记录又一次活动", await w.Secretaries[w.B].GetStringAsync($"/villages/{w.B}?year=2026"), StringComparison.Ordinal);
    }
}
