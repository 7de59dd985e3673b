using System.Net;
using System.Net.Http.Json;
using MiniExcelLibs;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>A rotation's dispatching unit (派出单位), and progress.xlsx naming each village's secretary and unit now.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecretaryRotationTests(Azurite azurite)
{
    private static List<IDictionary<string, object?>> Progress(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return [.. stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>()];
    }

    private static IDictionary<string, object?> Row(List<IDictionary<string, object?>> rows, string village) =>
        rows.Single(r => (string?)r["村（社区）"] == village);

    [Fact]
    public async Task Rotation_WithoutDispatchingUnit_LeavesItEmpty_ProgressWorkbookNamesSecretaryAndUnit()
    {
        await using var w = await CommitteeWorld.StartAsync(azurite, "sr");
        var suffix = w.A.Split('-')[1];
        var (a, b) = ("甲村" + suffix, "乙村" + suffix);

        using (var r = await w.Reviewer.PostAsJsonAsync($"/api/villages/{w.A}/secretary", new { username = $"sec.{w.A}-2", displayName = "接任书记", dispatchingUnit = "市交通运输局" }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var progress = Progress(await w.Reviewer.GetByteArrayAsync("/api/exports/2026/progress.xlsx"));
        Assert.Equal(["镇街", "村（社区）", "第一书记", "派出单位"], progress[0].Keys.Take(4));
        Assert.Equal(("接任书记", "市交通运输局"), ((string?)Row(progress, a)["第一书记"], (string?)Row(progress, a)["派出单位"]));
        Assert.Equal(("乙村书记", null), ((string?)Row(progress, b)["第一书记"], (string?)Row(progress, b)["派出单位"]));

        // The next rotation names no unit: the successor's unit is empty, not the predecessor's 市交通运输局.
        using (var r = await w.Reviewer.PostAsJsonAsync($"/api/villages/{w.A}/secretary", new { username = $"sec.{w.A}-3", displayName = "第三任书记" }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        progress = Progress(await w.City.GetByteArrayAsync($"/api/exports/2026/progress.xlsx?town={w.Town}"));
        Assert.Equal(("第三任书记", null), ((string?)Row(progress, a)["第一书记"], (string?)Row(progress, a)["派出单位"]));
        var assessment = Progress(await w.Reviewer.GetByteArrayAsync("/api/exports/2026/assessment.xlsx"));
        Assert.Null(Row(assessment, a)["派出单位"]);
    }
}
