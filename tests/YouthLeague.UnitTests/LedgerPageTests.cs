using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using YouthLeague.Ledger;
using YouthLeague.Web;
using YouthLeague.Web.Components;
using YouthLeague.Web.Pages;

namespace YouthLeague.UnitTests;

/// <summary>Issue #19's pages from their models: the import preview's three lists, consent records and review marks on the register.</summary>
public sealed class LedgerPageTests
{
    private static readonly PageChrome Chrome = new("sec.a", "tok123");

    private static async Task<IDocument> RenderAsync<TPage, TModel>(TModel model)
        where TPage : PageComponent<TModel> =>
        new HtmlParser().ParseDocument(await new PageRenderer().HtmlAsync<TPage, TModel>(model));

    private static LedgerRow Person(string name, string? education = null) => new("r" + name.Length, name, "女", 2001, true, "13812345678", education, null, null) { BirthMonth = 5 };

    [Fact]
    public async Task ImportPreview_NewChangedUnchangedIgnored_ConfirmOnlyWithAToken()
    {
        var plan = new LedgerImportPlan([Person("吴七")], [new LedgerChanged(Person("李青", "大专"), Person("李青", "本科"))], 4, ["序号", "民族"], []);
        var page = await RenderAsync<LedgerImportPage, LedgerImportModel>(new(Chrome, "v1", "甲村", 2026, plan, "abc", null));
        var nothing = await RenderAsync<LedgerImportPage, LedgerImportModel>(new(Chrome, "v1", "甲村", 2026, plan with { Added = [], Changed = [] }, null, null));

        Assert.Equal("新增 1 人，变更 1 人，未变 4 人。", page.QuerySelector("#import-summary")!.TextContent);
        Assert.Equal(["吴七", "女", "2001-05", "是", "13812345678"], page.QuerySelectorAll("#import-added tbody td").Select(td => td.TextContent));
        Assert.Equal("学历 大专 → 本科", page.QuerySelectorAll("#import-changed tbody td")[1].TextContent);
        Assert.Contains("序号、民族", page.QuerySelector("#import-ignored")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("abc", page.QuerySelector("form[action='/villages/v1/ledger/import?year=2026&confirm=1'] input[name=pending]")!.GetAttribute("value"));
        Assert.Null(nothing.QuerySelector("input[name=pending]"));
        Assert.Contains("不会带来任何修改", nothing.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportPreview_RowErrors_ListedAndNoConfirm()
    {
        var plan = LedgerImportPlan.Refused([new RowError(3, "电话号码不能含有字母")]);
        var page = await RenderAsync<LedgerImportPage, LedgerImportModel>(new(Chrome, "v1", "甲村", 2026, plan, null, "导入失败"));
        Assert.Equal("第 3 行：电话号码不能含有字母", page.QuerySelector("#import-errors li")!.TextContent);
        Assert.Null(page.QuerySelector("input[name=pending]"));
    }

    [Fact]
    public async Task Register_ConsentRecordOnlyWhenShown_MinorByMonth_ReviewMarked()
    {
        LedgerRow[] rows =
        [
            new("c1", "张小", "男", 2012, false, null, null, null, null, GuardianConsent: true) { BirthMonth = 12, ConsentRelation = "母亲", ConsentMethod = "签字照片", ConsentOn = "2026-03-01" },
            new("o1", "老青年", "男", 1990, true, null, null, null, null) { BirthMonth = 1, NeedsReview = true },
        ];
        LedgerModel Model(bool show, DateOnly today) => new(Chrome, "v1", "甲村", 2026, false, true, !show, null, null, ["姓名"], rows, show, today);
        var secretary = await RenderAsync<LedgerPage, LedgerModel>(Model(true, new DateOnly(2026, 12, 2)));
        var city = await RenderAsync<LedgerPage, LedgerModel>(Model(false, new DateOnly(2026, 12, 2)));
        var afterBirthday = await RenderAsync<LedgerPage, LedgerModel>(Model(true, new DateOnly(2027, 1, 2)));

        Assert.Contains("母亲，签字照片，2026-03-01", secretary.QuerySelectorAll("tbody tr")[0].Children[2].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("签字照片", city.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("未满 14 周岁 1 人", secretary.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("未满 14 周岁 0 人", afterBirthday.Body!.TextContent, StringComparison.Ordinal); // 2026 seen in 2027: on its last day he is 14
        Assert.Contains("待核实", secretary.QuerySelectorAll("tbody tr")[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("1 人已满 36 周岁", secretary.QuerySelector("#ledger-review")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/villages/v1/ledger?year=2025", secretary.QuerySelector("#ledger-previous")!.GetAttribute("href")); // last year's register as it was
    }
}
