using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

/// <summary>The plan feeds next year: last year's approved plan items and this year's forum needs as starting points.</summary>
public class PlanFeedTests
{
    private static StepView Step(string key, StepStatus status, params Dictionary<string, string>[] answers)
    {
        var d = Definition2026.Find(key)!;
        return new StepView(
            key, d.Title, d.Help, status, "2026-12-31", false, 0, false,
            d.Fields.Select(f => new FieldView(f.Name, f.Label, f.Type, f.Required, f.Min, f.Max, f.Options)).ToList(),
            new EvidenceRuleView([], 0, 0, 0),
            answers.Select((a, i) => new SubmissionView("s" + i, DateTimeOffset.UnixEpoch.AddDays(i), "sec", a, [])).ToList(),
            null);
    }

    private static ChecklistView Year(int year, params StepView[] steps) => new("v1", year, "inProgress", "t1", null, steps);

    [Fact]
    public void PlanItems_ApprovedPlanOnly_OneItemPerLine()
    {
        var approved = Year(2025, Step("plan", StepStatus.Approved, new Dictionary<string, string> { ["plan"] = "  开办暑期课堂\r\n\n建立志愿服务队\n开办暑期课堂 " }));
        var submitted = Year(2025, Step("plan", StepStatus.Submitted, new Dictionary<string, string> { ["plan"] = "开办暑期课堂" }));

        Assert.Equal(["开办暑期课堂", "建立志愿服务队"], PlanFeed.PlanItems(approved));
        Assert.Empty(PlanFeed.PlanItems(submitted));
        Assert.Empty(PlanFeed.PlanItems(null));
    }

    [Fact]
    public void PracticalMatterCandidates_PlanItemsThenForumNeeds()
    {
        var lastYear = Year(2025, Step("plan", StepStatus.Approved, new Dictionary<string, string> { ["plan"] = "开办暑期课堂" }));
        var thisYear = Year(2026, Step("forum", StepStatus.Returned,
            new Dictionary<string, string> { ["topics"] = "返乡就业；需求：村里缺少儿童阅览角，需求：路灯" },
            new Dictionary<string, string> { ["topics"] = "需求：路灯、文艺活动" }));

        Assert.Equal(["需求：村里缺少儿童阅览角", "需求：路灯"], PlanFeed.Needs(thisYear));
        Assert.Equal(["计划：开办暑期课堂", "座谈会提出：需求：村里缺少儿童阅览角", "座谈会提出：需求：路灯"], PlanFeed.PracticalMatterCandidates(lastYear, thisYear));
    }
}
