using System.Net;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>A return for revision through the reviewer's pages, and what the secretary then sees.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class ReviewPagesTests(Azurite azurite)
{
    [GeneratedRegex("name=\"formToken\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex FormToken();

    /// <summary>A village whose secretary has handed in the forum, with both people signed in.</summary>
    private sealed record World(LocalHostProcess Host, HttpClient Secretary, HttpClient Reviewer, string Village) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Secretary.Dispose();
            Reviewer.Dispose();
            await Host.DisposeAsync();
        }
    }

    private async Task<World> SubmittedForumAsync(string prefix)
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        var host = DurabilityTests.Host(azurite, prefix + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        var world = new World(host, await host.SignedInAsync("sec." + village), await host.SignedInAsync("town.taiping"), village);
        await host.SignInAsync("sec." + village);
        using (var submitted = await host.SubmitAsync(2026, village, "forum", DurabilityTests.Forum(), DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(world.Secretary, village, "forum", "submitted");
        return world;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [Fact]
    public async Task ReturnForRevision_ThroughThePages_SecretarySeesCommentAndHerPreviousAnswer()
    {
        await using var world = await SubmittedForumAsync("rv");
        var (secretary, reviewer, village) = (world.Secretary, world.Reviewer, world.Village);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string queue;
        while (!(queue = await reviewer.GetStringAsync("/towns/taiping/reviews?year=2026")).Contains(village, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the submission never reached the review queue");
            await Task.Delay(300);
        }

        var review = await reviewer.GetStringAsync($"/villages/{village}/steps/forum/review?year=2026");
        Assert.Contains("村委会议室", review, StringComparison.Ordinal);
        Assert.Contains("?size=thumb", review, StringComparison.Ordinal);

        using (var noComment = await reviewer.PostAsync($"/villages/{village}/steps/forum/review?year=2026", Form(("decision", "return"), ("comment", ""))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, noComment.StatusCode);
            Assert.Contains("退回时请写明需要修改的地方", await noComment.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var returned = await reviewer.PostAsync($"/villages/{village}/steps/forum/review?year=2026", Form(("decision", "return"), ("comment", "请补充参加人员名单"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, returned.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(secretary, village, "forum", "returned");
        var page = await secretary.GetStringAsync($"/villages/{village}?year=2026");
        Assert.Contains("退回意见：请补充参加人员名单", page, StringComparison.Ordinal);
        var form = await secretary.GetStringAsync($"/villages/{village}/steps/forum?year=2026");
        Assert.Contains("value=\"村委会议室\"", form, StringComparison.Ordinal); // nothing typed twice
        Assert.DoesNotContain(village, await reviewer.GetStringAsync("/towns/taiping/reviews?year=2026"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewForm_DoubleTappedApprove_IsOneReview()
    {
        await using var world = await SubmittedForumAsync("rd");
        var (secretary, reviewer, village) = (world.Secretary, world.Reviewer, world.Village);
        var token = FormToken().Match(await reviewer.GetStringAsync($"/villages/{village}/steps/forum/review?year=2026")).Groups[1].Value;
        Assert.NotEmpty(token);

        // Two taps on 通过 send the same form twice, at once: both go through, as one review.
        var taps = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            reviewer.PostAsync($"/villages/{village}/steps/forum/review?year=2026", Form(("decision", "approve"), ("comment", "材料齐全"), ("formToken", token)))));
        Assert.All(taps, t => Assert.Equal(HttpStatusCode.Redirect, t.StatusCode));
        foreach (var t in taps)
        {
            t.Dispose();
        }

        await DurabilityTests.WaitForStatusAsync(secretary, village, "forum", "approved");
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(TableNames.Checklists);
        var reviews = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Checklist(2026, village)}"), select: ["RowKey"]))
        {
            reviews += row.RowKey.StartsWith(ReviewEntity.Prefix, StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(1, reviews);
    }
}
