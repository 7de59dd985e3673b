using System.Net;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>A return for revision through the reviewer's pages, and what the secretary then sees.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReviewPagesTests(Azurite azurite)
{
    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [Fact]
    public async Task ReturnForRevision_ThroughThePages_SecretarySeesCommentAndHerPreviousAnswer()
    {
        var (seed, village) = DurabilityTests.OneVillageSeed();
        await using var host = DurabilityTests.Host(azurite, "rv" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        using var secretary = await host.SignedInAsync("sec." + village);
        using var reviewer = await host.SignedInAsync("town.taiping");
        await host.SignInAsync("sec." + village);
        using (var submitted = await host.SubmitAsync(2026, village, "forum", DurabilityTests.Forum(), DurabilityTests.Jpeg))
        {
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        }

        await DurabilityTests.WaitForStatusAsync(secretary, village, "forum", "submitted");
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
}
