using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Security;

/// <summary>The smaller findings of issue #14, each against the real services on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SmallFindingsTests(Azurite azurite)
{
    [Theory]
    [InlineData("请补充照片\0")]
    [InlineData("\u0007响铃")]
    [InlineData("换\u000C页")]
    public async Task ReviewComment_WithNulOrAnotherControlCharacter_422BeforeAnythingIsRead(string comment)
    {
        await using var services = AccountServiceTests.Services(azurite.ConnectionString, new FakeTimeProvider());
        var reviews = services.GetRequiredService<ReviewService>();

        var result = await reviews.ReviewAsync(new ReviewRequest(2026, "no-such-village", "forum", YouthLeague.Checklist.ReviewDecision.Return, comment, false, "town.taiping", null), client: null!);

        Assert.Equal(422, result.Status);
        Assert.Contains("控制字符", string.Join(" ", result.Errors!.Values.SelectMany(v => v)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewComment_LineBreaksAndTabs_StillAllowed()
    {
        await using var services = AccountServiceTests.Services(azurite.ConnectionString, new FakeTimeProvider());
        var result = await services.GetRequiredService<ReviewService>().ReviewAsync(new ReviewRequest(2026, "no-such-village", "forum", YouthLeague.Checklist.ReviewDecision.Return, "第一处：\r\n\t照片不清楚", false, "town.taiping", null), client: null!);
        Assert.Equal(404, result.Status); // past validation: the checklist does not exist
    }
}
