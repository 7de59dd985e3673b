using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Xunit.Abstractions;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>A whole year of one village on the real backend (DurableTask.AzureStorage on Azurite), quarters of a few seconds.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CompressedYearTests(Azurite azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task LocalHost_CompressedYear_ClosesWithSnapshotsAssessmentAndReminders()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        var hub = "year" + Guid.NewGuid().ToString("N")[..12];
        await using var host = new LocalHostProcess(azurite.ConnectionString, hub, new Dictionary<string, string>
        {
            ["LocalHost:SeedDemo"] = "true",
            ["YouthLeague:DemoSeed"] = seed,
            ["YouthLeague:DemoYear"] = "2026",
            ["YouthLeague:QuarterLength"] = "00:00:08",
        });
        await host.StartAsync();
        await host.SignInAsync("sec." + village);
        using var reviewer = await host.SignedInAsync("town.taiping");
        var started = DateTimeOffset.UtcNow;

        // The same submission twice (a resend after a dropped connection) is one submission.
        string? first = null;
        for (var i = 0; i < 2; i++)
        {
            using var r = await host.SubmitAsync(2026, village, "forum", DurabilityTests.Forum(), DurabilityTests.Jpeg, idempotencyKey: "once");
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            var id = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("submissionId").GetString();
            first ??= id;
            Assert.Equal(first, id);
        }

        var forum = await DurabilityTests.WaitForStatusAsync(host.Http, village, "forum", "submitted");
        Assert.Single(forum.GetProperty("submissions").EnumerateArray());

        // A review of a step nobody handed in is refused; unknown villages and steps are clean 404s.
        using (var r = await reviewer.PostAsJsonAsync($"/api/checklists/2026/{village}/steps/plan/reviews", new { decision = "approve" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        }

        using (var r = await host.SubmitAsync(2026, "no-such-village", "forum", DurabilityTests.Forum(), DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        using (var r = await host.SubmitAsync(2026, village, "no-such-step", DurabilityTests.Forum(), DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        using (var r = await reviewer.PostAsJsonAsync($"/api/checklists/2026/{village}/steps/forum/reviews", new { decision = "approve", exemplary = true }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(host.Http, village, "forum", "approved");

        var instances = new TableClient(azurite.ConnectionString, hub + "Instances");
        var instanceId = $"checklist-2026-{village}";
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await instances.GetEntityAsync<TableEntity>(instanceId, "")).Value.GetString("RuntimeStatus") != "Completed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the year did not close in time:\n" + host.Output);
            await Task.Delay(500);
        }

        var snapshots = new TableClient(azurite.ConnectionString, "Snapshots")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-taiping"}"))
            .Where(e => e.RowKey.EndsWith("-" + village, StringComparison.Ordinal))
            .Select(e => e.GetInt32("Quarter"))
            .Order()
            .ToList();
        Assert.Equal([1, 2, 3, 4], snapshots);

        var checklist = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/checklists/2026/{village}")).RootElement;
        Assert.Equal(12 + 4 + 1, checklist.GetProperty("score").GetInt32()); // forum approved, on time (compressed May), exemplary

        var reminders = new TableClient(azurite.ConnectionString, "Outbox")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"sec." + village}"))
            .Select(e => e.RowKey)
            .ToList();
        // The first quarter's review runs as the second begins: the ledger (due 03-31) is late then, never "due" (#17).
        Assert.DoesNotContain("2026Q1|due-ledger", reminders);
        Assert.Contains("2026Q2|overdue-ledger", reminders);
        Assert.Contains("2026|due-volunteering", reminders); // due 09-30, reminded as the third quarter begins
        Assert.DoesNotContain(reminders, r => r.EndsWith("-forum", StringComparison.Ordinal) && r.StartsWith("2026Q3", StringComparison.Ordinal));

        // The secretary sees the reminders the year queued for her on her page (the in-app channel).
        var page = await host.Http.GetStringAsync($"/villages/{village}?year=2026");
        Assert.Contains("id=\"notices\"", page, StringComparison.Ordinal);
        Assert.Contains("建立一本团员青年台账", page[page.IndexOf("id=\"notices\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("全部标为已读", page, StringComparison.Ordinal);
        using (var read = await host.Http.PostAsync("/api/notices/read", null))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        Assert.DoesNotContain("全部标为已读", await host.Http.GetStringAsync($"/villages/{village}?year=2026"), StringComparison.Ordinal);
        Assert.All(JsonDocument.Parse(await host.Http.GetStringAsync("/api/notices")).RootElement.EnumerateArray(), n => Assert.True(n.GetProperty("read").GetBoolean()));

        var history = new TableClient(azurite.ConnectionString, hub + "History")
            .Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}"), select: ["RowKey"])
            .Count();
        output.WriteLine($"Year closed in {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s; history rows stored for the instance: {history}");
        Assert.InRange(history, 1, 200);
    }
}
