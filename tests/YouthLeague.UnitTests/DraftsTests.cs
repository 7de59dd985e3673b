using YouthLeague.Web;
using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

public class DraftsTests
{
    private static StepDefinition Forum => Definition2026.Find("forum")!;

    [Fact]
    public void Keep_OnlyTheStepsOwnNonEmptyFields()
    {
        var kept = Drafts.Keep(Forum, new Dictionary<string, string?> { ["place"] = "村委会", ["topics"] = "", ["attendance"] = null, ["__RequestVerificationToken"] = "x", ["evil"] = "y" });

        Assert.Equal(["place"], kept.Keys);
        Assert.Equal("村委会", kept["place"]);
    }

    [Fact]
    public void Keep_TextCutToTheFieldsLimit()
    {
        var place = Forum.Fields.First(f => f.Name == "place");
        var kept = Drafts.Keep(Forum, new Dictionary<string, string?> { ["place"] = new string('村', (int)(place.Max ?? 200) + 50) });

        Assert.Equal((int)(place.Max ?? 200), kept["place"]!.Length);
    }

    [Fact]
    public void Keep_NothingLongerThanTheDefaultMax_WhateverTheField()
    {
        var step = Step("forum", new DateOnly(2026, 6, 30), [new FieldDefinition("n", "人数", FieldType.Number, true)], new EvidenceRule(["jpeg"], 0, 1, 1024));
        var kept = Drafts.Keep(step, new Dictionary<string, string?> { ["n"] = new string('9', Drafts.DefaultMax * 3) });

        Assert.Equal(Drafts.DefaultMax, kept["n"]!.Length);
    }
}
