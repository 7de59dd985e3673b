using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

[Collection(AzuriteCollection.Name)]
public sealed class DurabilityTests(Azurite azurite)
{
    public static readonly byte[] Jpeg = TestImages.Jpeg();

    public static Dictionary<string, string> Forum() => new()
    {
        ["date"] = "2026-05-04",
        ["place"] = "村委会议室",
        ["attendance"] = "15",
        ["topics"] = "返乡创业",
        ["minutes"] = "大家谈了各自的打算。",
    };

    public static Dictionary<string, string> Volunteering() => new()
    {
        ["date"] = "2026-06-01",
        ["activity"] = "清扫村道",
        ["volunteers"] = "12",
        ["hours"] = "24",
    };

    /// <summary>A one-village seed with a fresh id, so tests sharing an Azurite never meet.</summary>
    public static (string SeedPath, string VillageId) OneVillageSeed()
    {
        var village = "t" + Guid.NewGuid().ToString("N")[..10];
        var seed = new
        {
            city = new { id = "zoucheng", name = "邹城市", account = new { username = "city", name = "团市委" } },
            towns = new[] { new { id = "taiping", name = "太平镇", reviewer = new { username = "town.taiping", name = "审核员" } } },
            villages = new[] { new { id = village, townId = "taiping", name = "测试村", sample = true, secretary = new { username = "sec." + village, name = "测试书记" } } },
        };
        var path = Path.Combine(Path.GetTempPath(), $"yl-seed-{village}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(seed));
        return (path, village);
    }

    public static LocalHostProcess Host(Azurite azurite, string hub, string seedPath) => new(azurite.ConnectionString, hub, new Dictionary<string, string>
    {
        ["LocalHost:SeedDemo"] = "true",
        ["YouthLeague:DemoSeed"] = seedPath,
        ["YouthLeague:DemoYear"] = "2026",
    });

    public static async Task<JsonElement> StepAsync(HttpClient http, string villageId, string step)
    {
        var json = await http.GetStringAsync($"/api/checklists/2026/{villageId}");
        return JsonDocument.Parse(json).RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("key").GetString() == step);
    }

    public static async Task<JsonElement> WaitForStatusAsync(HttpClient http, string villageId, string step, string status)
    {
        // A SIGKILL leaves the partition lease and in-flight messages to time out (30 s each on the local host).
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (true)
        {
            var s = await StepAsync(http, villageId, step);
            if (s.GetProperty("status").GetString() == status)
            {
                return s;
            }

            Assert.True(DateTime.UtcNow < deadline, $"step {step} stayed {s.GetProperty("status")} instead of {status}");
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task LocalHost_KilledAndRestarted_KeepsSubmissionAndOrchestrationAndProcessesNewOnes()
    {
        var (seed, village) = OneVillageSeed();
        var hub = "dur" + Guid.NewGuid().ToString("N")[..12];
        await using var host = Host(azurite, hub, seed);
        await host.StartAsync();
        await host.SignInAsync("sec." + village);

        using (var r = await host.SubmitAsync(2026, village, "forum", Forum(), Jpeg, idempotencyKey: "first"))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        JsonElement before;
        try
        {
            before = await WaitForStatusAsync(host.Http, village, "forum", "submitted");
        }
        catch
        {
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "yl-durability-host.log"), host.Output);
            throw;
        }

        var submissionId = before.GetProperty("submissions")[0].GetProperty("id").GetString();

        host.Kill();
        await host.StartAsync();
        // No new sign-in: the session token from before the kill still works (signing key and stamp are in storage).

        var after = await StepAsync(host.Http, village, "forum");
        Assert.Equal("submitted", after.GetProperty("status").GetString());
        Assert.Equal(submissionId, Assert.Single(after.GetProperty("submissions").EnumerateArray()).GetProperty("id").GetString());
        var evidenceUrl = after.GetProperty("submissions")[0].GetProperty("evidence")[0].GetProperty("url").GetString();
        var stored = await host.Http.GetByteArrayAsync(evidenceUrl);
        Assert.Equal([0xFF, 0xD8, 0xFF], stored[..3]); // re-encoded on the way in, still a JPEG
        Assert.NotNull(SkiaSharp.SKBitmap.Decode(stored));
        var thumbnail = after.GetProperty("submissions")[0].GetProperty("evidence")[0].GetProperty("thumbnailUrl").GetString();
        Assert.NotNull(SkiaSharp.SKBitmap.Decode(await host.Http.GetByteArrayAsync(thumbnail)));

        // The orchestration itself survived the kill and the second seeding did not restart it.
        var instances = new TableClient(azurite.ConnectionString, hub + "Instances");
        var instance = await instances.GetEntityAsync<TableEntity>($"checklist-2026-{village}", "");
        Assert.Equal("Running", instance.Value.GetString("RuntimeStatus"));
        Assert.Contains("1 already running", host.Output, StringComparison.Ordinal);

        using (var r = await host.SubmitAsync(2026, village, "volunteering", Volunteering(), Jpeg))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        await WaitForStatusAsync(host.Http, village, "volunteering", "submitted");

        // The state the orchestration holds is the one from before the kill: forum is still waiting for review.
        using var again = await host.SubmitAsync(2026, village, "forum", Forum(), Jpeg);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}
