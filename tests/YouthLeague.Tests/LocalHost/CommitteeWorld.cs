using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>A town of two villages (and another town of one) with fresh ids, its local host, and its people signed in.</summary>
public sealed class CommitteeWorld : IAsyncDisposable
{
    private CommitteeWorld(LocalHostProcess host, string town, string other, string a, string b, string c)
    {
        Host = host;
        Town = town;
        OtherTown = other;
        A = a;
        B = b;
        C = c;
    }

    public LocalHostProcess Host { get; }

    public string Town { get; }

    public string OtherTown { get; }

    /// <summary>Villages of <see cref="Town"/>: 甲村 and 乙村.</summary>
    public string A { get; }

    public string B { get; }

    /// <summary>The village of <see cref="OtherTown"/>.</summary>
    public string C { get; }

    public HttpClient Reviewer { get; private set; } = null!;

    public HttpClient OtherReviewer { get; private set; } = null!;

    public HttpClient City { get; private set; } = null!;

    public Dictionary<string, HttpClient> Secretaries { get; } = [];

    public static async Task<CommitteeWorld> StartAsync(Azurite azurite, string prefix)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (town, other) = ($"{prefix}t{suffix}", $"{prefix}o{suffix}");
        var (a, b, c) = ($"{prefix}-{suffix}-a", $"{prefix}-{suffix}-b", $"{prefix}-{suffix}-c");
        var seedPath = Path.Combine(Path.GetTempPath(), $"yl-committee-{suffix}.json");
        File.WriteAllText(seedPath, JsonSerializer.Serialize(new
        {
            city = new { id = "zoucheng", name = "邹城市", account = new { username = "city", name = "团市委" } },
            towns = new[]
            {
                new { id = town, name = "甲镇" + suffix, reviewer = new { username = "town." + town, name = "甲镇审核员" } },
                new { id = other, name = "乙镇" + suffix, reviewer = new { username = "town." + other, name = "乙镇审核员" } },
            },
            villages = new[]
            {
                new { id = a, townId = town, name = "甲村" + suffix, sample = true, secretary = new { username = "sec." + a, name = "甲村书记" } },
                new { id = b, townId = town, name = "乙村" + suffix, sample = true, secretary = new { username = "sec." + b, name = "乙村书记" } },
                new { id = c, townId = other, name = "丙村" + suffix, sample = true, secretary = new { username = "sec." + c, name = "丙村书记" } },
            },
        }));
        var host = DurabilityTests.Host(azurite, prefix + suffix, seedPath);
        await host.StartAsync();
        var world = new CommitteeWorld(host, town, other, a, b, c)
        {
            Reviewer = await host.SignedInAsync("town." + town),
            OtherReviewer = await host.SignedInAsync("town." + other),
            City = await host.SignedInAsync("city"),
        };
        foreach (var v in new[] { a, b, c })
        {
            world.Secretaries[v] = await host.SignedInAsync("sec." + v);
        }

        return world;
    }

    /// <summary>Submits as the village's secretary and waits until the checklist shows it submitted.</summary>
    public async Task SubmitAsync(string village, string step, Dictionary<string, string> fields)
    {
        await Host.SignInAsync("sec." + village);
        using (var r = await Host.SubmitAsync(2026, village, step, fields, DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(Secretaries[village], village, step, "submitted");
    }

    public async Task ReviewAsync(string village, string step, string decision, string comment, bool exemplary = false)
    {
        using (var r = await Reviewer.PostAsJsonAsync($"/api/checklists/2026/{village}/steps/{step}/reviews", new { decision, comment, exemplary }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(Secretaries[village], village, step, decision == "approve" ? "approved" : "returned");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Secretaries.Values.Append(Reviewer).Append(OtherReviewer).Append(City))
        {
            c?.Dispose();
        }

        await Host.DisposeAsync();
    }
}
