using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Xunit.Abstractions;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.Service;

/// <summary>
/// A compressed year on the local host (12 s quarters, so that a loaded machine still acts inside each part): a plan handed in at the end of the fourth quarter is approved
/// in the closing window and counted on time; a first submission in the window is refused. The closing date is moved
/// on the year page after the opening, and the window lasts until the new date.
/// </summary>
public sealed class ClosingWindowTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CompressedYear_PlanHandedInAtEndOfQ4_ApprovedInClosingWindow_CountsOnTime()
    {
        var azurite = Azurite.Fresh();
        await azurite.InitializeAsync();
        try
        {
            var hub = "close" + Guid.NewGuid().ToString("N")[..8];
            await using var host = new LocalHostProcess(azurite.ConnectionString, hub, new Dictionary<string, string>
            {
                ["YouthLeague:SetupSecret"] = ServiceLifecycleTests.Secret,
                ["YouthLeague:QuarterLength"] = "00:00:12",
            });
            await host.StartAsync();
            using var city = await ServiceLifecycleTests.SetUpAsync(host);
            using (var r = await ServiceLifecycleTests.ImportAsync(city, ServiceLifecycleTests.OrgSheetGbk(ServiceLifecycleTests.ThreeVillages[0]), dryRun: false))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            var invites = await ServiceLifecycleTests.InvitesAsync(city);
            var secretary = invites.Single(i => i["角色"] == "第一书记");
            var reviewer = invites.Single(i => i["角色"] == "镇街审核员");
            await ServiceLifecycleTests.SetPasswordAsync(host, secretary["邀请链接（7 天内有效）"], "zhang-ming-2026");
            await ServiceLifecycleTests.SetPasswordAsync(host, reviewer["邀请链接（7 天内有效）"], "reviewer-2026");
            var village = secretary["用户名"]["sec.".Length..];

            Assert.Equal(HttpStatusCode.OK, (await city.PostAsync("/api/years/2026/definition/publish", null)).StatusCode);
            using (var r = await city.PostAsJsonAsync("/api/years/2026/open", new { closesOn = "2027-01-15" })) // a window of ≈ 2 s
            {
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            }

            await ServiceLifecycleTests.WaitOpenedAsync(city, 2026, 1);

            // The city moves the closing date on the year page (orchestration version 4): a window of ≈ 90/92 of a quarter.
            var page = await city.GetStringAsync("/admin/years/2026");
            Assert.Contains("修改收尾截止日期", page, StringComparison.Ordinal);
            using (var r = await city.PostAsync("/admin/years/2026", new FormUrlEncodedContent([new("intent", "closes-on"), new("closesOn", "2026-12-31")])))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                Assert.Contains("收尾截止日期应在次年 1 月 1 日至 6 月 30 日之间", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var r = await city.PostAsync("/admin/years/2026", new FormUrlEncodedContent([new("intent", "closes-on"), new("closesOn", "2027-03-31")])))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Contains("收尾截止日期已改为 2027-03-31", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var checklists = new TableClient(azurite.ConnectionString, "Checklists");
            var told = DateTime.UtcNow.AddMinutes(1);
            TableEntity header;
            while ((header = (await checklists.GetEntityAsync<TableEntity>($"2026-{village}", "checklist")).Value).GetString("ClosesOn") != "2027-03-31")
            {
                Assert.True(DateTime.UtcNow < told, "the checklist's header never got the new closing date:\n" + host.Output);
                await Task.Delay(200);
            }

            var calendar = JsonSerializer.Deserialize<YouthLeague.Checklist.ChecklistCalendar>(header.GetString("CalendarJson"), YouthLeague.Workflow.Json.Options)!;
            Assert.Equal("2027-03-31", JsonDocument.Parse(await city.GetStringAsync("/api/years/2026")).RootElement.GetProperty("closesOn").GetString());
            Assert.Contains("year.closes-on", JsonDocument.Parse(await city.GetStringAsync("/api/audit")).RootElement.EnumerateArray().Select(a => a.GetProperty("action").GetString()));
            var q4Ends = calendar.QuarterEnd(4);
            var windowEnds = calendar.ClosingEnd(new DateOnly(2027, 3, 31));

            // The plan, handed in during the second half of Q4 (a compressed November or December, before its due date).
            await host.SignInAsync(secretary["用户名"], "zhang-ming-2026");
            using var town = await host.SignedInAsync(reviewer["用户名"], "reviewer-2026");
            await DelayUntil(q4Ends.AddSeconds(-6));
            using (var r = await host.SubmitAsync(2026, village, "plan", new Dictionary<string, string> { ["plan"] = "明年开展四次团日活动。" }))
            {
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            }

            Assert.True(DateTimeOffset.UtcNow < q4Ends, "the machine was too slow to hand the plan in before Q4 ended");
            await ServiceLifecycleTests.WaitStepAsync(host.Http, 2026, village, "plan", "submitted");

            // The closing window: the year is "closing", a first submission is refused, the review goes through.
            await DelayUntil(q4Ends.AddSeconds(0.7));
            Assert.Equal("closing", JsonDocument.Parse(await city.GetStringAsync("/api/years/2026")).RootElement.GetProperty("status").GetString());
            // A readable form (an empty multipart body is a 400 first): the 409 comes from the checklist's header.
            using (var r = await host.SubmitAsync(2026, village, "ledger", new Dictionary<string, string> { ["summary"] = "一名团员" }))
            {
                Assert.True(r.StatusCode == HttpStatusCode.Conflict, $"{r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
                Assert.Contains("收尾期", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var r = await town.PostAsJsonAsync($"/api/checklists/2026/{village}/steps/plan/reviews", new { decision = "approve" }))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            Assert.True(DateTimeOffset.UtcNow < windowEnds, "the machine was too slow to review inside the closing window");

            // The same on the page (after the review, so that it does not eat the window's seconds): the form comes back with the reason, nothing is handed in.
            using (var form = new MultipartFormDataContent { { new StringContent("一名团员"), "summary" } })
            using (var r = await host.Http.PostAsync($"/villages/{village}/steps/ledger?year=2026", form))
            {
                Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
                Assert.Contains("收尾期内只能审核已提交的材料", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            await ServiceLifecycleTests.WaitStepAsync(host.Http, 2026, village, "plan", "approved");

            // After the closing date: assessed, the plan counted approved and on time (12 + 4).
            var instances = new TableClient(azurite.ConnectionString, hub + "Instances");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((await instances.GetEntityAsync<TableEntity>($"checklist-2026-{village}", "")).Value.GetString("RuntimeStatus") != "Completed")
            {
                Assert.True(DateTime.UtcNow < deadline, "the year did not close:\n" + host.Output);
                await Task.Delay(500);
            }

            // It closed at the changed date, not the one it was opened with.
            Assert.True((await instances.GetEntityAsync<TableEntity>($"checklist-2026-{village}", "")).Value is var row && (row.GetDateTimeOffset("CompletedTime") ?? row.GetDateTimeOffset("LastUpdatedTime")) >= windowEnds.AddSeconds(-0.1), "the year closed at the old closing date");
            var checklist = JsonDocument.Parse(await city.GetStringAsync($"/api/checklists/2026/{village}")).RootElement;
            Assert.Equal(16, checklist.GetProperty("score").GetInt32());
            // The year's status follows the villages' closing a moment later (its own projection): wait for it.
            string? status;
            while ((status = JsonDocument.Parse(await city.GetStringAsync("/api/years/2026")).RootElement.GetProperty("status").GetString()) != "closed")
            {
                Assert.True(DateTime.UtcNow < deadline.AddMinutes(1), $"the year stayed {status} after its villages closed");
                await Task.Delay(500);
            }

            output.WriteLine($"Q4 ended {q4Ends:o}, window ended {windowEnds:o}");
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static async Task DelayUntil(DateTimeOffset at)
    {
        var wait = at - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}
