using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using YouthLeague.Auth;
using YouthLeague.Committees;
using YouthLeague.Ledger;
using YouthLeague.Towns;
using YouthLeague.Web;
using YouthLeague.Web.Components;
using YouthLeague.Web.Pages;
using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

/// <summary>
/// Each page rendered from a model, as HTML parsed back into a document: what a person sees, not the markup's spelling.
/// No storage, no host: the components take parameters and load nothing.
/// </summary>
public sealed class PageComponentTests
{
    private const string Script = "<script>alert('x')</script>";
    private static readonly PageChrome Chrome = new("sec.a", "tok123");
    private static readonly PageRenderer Renderer = new();

    private static async Task<IDocument> RenderAsync<TPage, TModel>(TModel model)
        where TPage : PageComponent<TModel>
    {
        var html = await Renderer.HtmlAsync<TPage, TModel>(model);
        return new HtmlParser().ParseDocument(html);
    }

    private static FieldView Field(FieldType type, string name = "f", bool required = false, double? min = null, double? max = null, IReadOnlyList<string>? options = null) =>
        new(name, "标签" + name, type, required, min, max, options);

    private static StepView Step(string key, StepStatus status, IReadOnlyList<FieldView>? fields = null, SubmissionView? submission = null, ReviewView? review = null, bool overdue = false)
    {
        var d = Definition2026.Find(key)!;
        return new StepView(
            key, d.Title, d.Help, status, d.Due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), overdue, 0, false,
            fields ?? d.Fields.Select(f => new FieldView(f.Name, f.Label, f.Type, f.Required, f.Min, f.Max, f.Options)).ToList(),
            new EvidenceRuleView(d.Evidence.Kinds, d.Evidence.Min, d.Evidence.Max, d.Evidence.MaxBytes),
            submission is null ? [] : [submission],
            review);
    }

    private static StepFormModel Form(StepView step, Dictionary<string, string?>? values = null, ValidationErrors? errors = null) =>
        new(Chrome, "v1", 2026, step, values ?? [], null, errors, null);

    [Fact]
    public async Task StepForm_EachFieldType_IsTheRightControl()
    {
        var step = Step("forum", StepStatus.NotStarted,
        [
            Field(FieldType.Boolean, "ok"),
            Field(FieldType.Date, "day"),
            Field(FieldType.Number, "count", min: 1, max: 500),
            Field(FieldType.Select, "kind", options: ["甲", "乙"]),
            Field(FieldType.LongText, "notes", max: 300),
            Field(FieldType.Text, "place", required: true),
        ]);
        var page = await RenderAsync<StepFormPage, StepFormModel>(Form(step, new() { ["ok"] = "true", ["kind"] = "乙" }));

        var ok = page.QuerySelector("#f-ok")!;
        Assert.Equal("checkbox", ok.GetAttribute("type"));
        Assert.True(ok.HasAttribute("checked"));
        Assert.Equal("true", ok.GetAttribute("value"));
        Assert.Equal("date", page.QuerySelector("#f-day")!.GetAttribute("type"));
        var count = page.QuerySelector("#f-count")!;
        Assert.Equal(("number", "1", "500"), (count.GetAttribute("type"), count.GetAttribute("min"), count.GetAttribute("max")));
        Assert.Equal("乙", page.QuerySelector("#f-kind option[selected]")!.TextContent);
        Assert.Equal("textarea", page.QuerySelector("#f-notes")!.LocalName);
        Assert.Equal("300", page.QuerySelector("#f-notes")!.GetAttribute("maxlength"));
        Assert.True(page.QuerySelector("#f-place")!.HasAttribute("required"));
        Assert.False(page.QuerySelector("#f-day")!.HasAttribute("required"));
        Assert.Equal("标签place *", page.QuerySelector("label[for=f-place]")!.TextContent);
    }

    [Fact]
    public async Task StepForm_UncheckedBoolean_IsNotChecked()
    {
        var page = await RenderAsync<StepFormPage, StepFormModel>(Form(Step("forum", StepStatus.NotStarted, [Field(FieldType.Boolean, "ok")]), new() { ["ok"] = "false" }));

        Assert.False(page.QuerySelector("#f-ok")!.HasAttribute("checked"));
    }

    [Fact]
    public async Task StepForm_ScriptTypedIntoAField_ComesBackAsText()
    {
        var page = await RenderAsync<StepFormPage, StepFormModel>(Form(Step("forum", StepStatus.NotStarted), new() { ["place"] = Script, ["minutes"] = Script }));

        Assert.Equal(Script, page.QuerySelector("#f-place")!.GetAttribute("value"));
        Assert.Equal(Script, page.QuerySelector("#f-minutes")!.TextContent);
        Assert.Empty(page.QuerySelectorAll("script:not([src])"));
    }

    [Fact]
    public async Task StepForm_HasTokens_ScriptFromStaticFile_AndFieldErrors()
    {
        var errors = new ValidationErrors();
        errors.Add("place", "地点必填");
        errors.Add(SubmissionForms.EvidenceField, "至少上传 1 张照片");
        var page = await RenderAsync<StepFormPage, StepFormModel>(Form(Step("forum", StepStatus.NotStarted), errors: errors));

        var form = page.QuerySelector("form[data-upload]")!;
        Assert.Equal("multipart/form-data", form.GetAttribute("enctype"));
        Assert.Equal("tok123", form.QuerySelector($"input[name={Access.AntiforgeryField}]")!.GetAttribute("value"));
        Assert.Matches("^[0-9a-f]{32}$", form.QuerySelector($"input[name={PageSupport.FormTokenField}]")!.GetAttribute("value")!);
        Assert.Equal(UploadScript.ShrinkAboveBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), form.GetAttribute("data-shrink-above"));
        Assert.Equal(StaticAssets.UploadScript.Url, page.QuerySelector("script")!.GetAttribute("src"));
        Assert.Equal(["地点必填", "至少上传 1 张照片"], page.QuerySelectorAll("p.error.field").Select(p => p.TextContent));
    }

    [Fact]
    public async Task Village_ReturnedStep_ShowsTheCommentAndTheWayBack()
    {
        var review = new ReviewView(ReviewDecision.Return, "请补充参加人员名单", "town.t", DateTimeOffset.UnixEpoch, false);
        var submission = new SubmissionView("s1", new DateTimeOffset(2026, 5, 4, 2, 0, 0, TimeSpan.Zero), "sec.a", new Dictionary<string, string> { ["place"] = Script }, []);
        var steps = Definition2026.Steps.Select(s => s.Key == "forum" ? Step("forum", StepStatus.Returned, submission: submission, review: review, overdue: true) : Step(s.Key, StepStatus.NotStarted)).ToList();
        var page = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, true, null, NoticeList.None, steps));

        var forum = page.QuerySelector("#step-forum")!;
        Assert.Equal(["card", "step", "returned", "overdue"], forum.ClassList);
        Assert.Matches(@"^已退回 截止 \d{4}-\d{2}-\d{2}\s+已逾期\s*$", forum.QuerySelector("p")!.TextContent);
        Assert.Equal("已退回", forum.QuerySelector(".chip")!.TextContent);
        Assert.Equal("退回意见：请补充参加人员名单", forum.QuerySelector("p.error")!.TextContent);
        Assert.Equal("修改后重新提交", forum.QuerySelector("a.button")!.TextContent);
        Assert.Contains("2026-05-04 10:00", forum.QuerySelector("summary")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Script, forum.QuerySelector("dd")!.TextContent);
        Assert.Empty(page.QuerySelectorAll("script"));
        Assert.Equal($"已通过 0 / {Definition2026.Steps.Count} 项", page.QuerySelector("p.muted")!.TextContent);
    }

    [Fact]
    public async Task Village_HandedInNotYetProjected_ShowsSubmittedAndBeingRegistered_NoSecondForm()
    {
        var submission = new SubmissionView("s1", new DateTimeOffset(2026, 5, 4, 2, 0, 0, TimeSpan.Zero), "sec.a", new Dictionary<string, string>(), []);
        var steps = Definition2026.Steps.Select(s => s.Key == "forum" ? Step("forum", StepStatus.Submitted, submission: submission) with { InFlight = true } : Step(s.Key, StepStatus.NotStarted)).ToList();
        var page = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, true, "主题团课", NoticeList.None, steps));

        var forum = page.QuerySelector("#step-forum")!;
        Assert.Equal("待审核", forum.QuerySelector(".chip")!.TextContent);
        Assert.Equal("刚刚收到，正在登记", forum.QuerySelector(".in-flight")!.TextContent);
        Assert.Null(forum.QuerySelector("a.button"));
        Assert.Contains("2026-05-04 10:00", forum.QuerySelector("summary")!.TextContent, StringComparison.Ordinal);
        Assert.Single(page.QuerySelectorAll(".in-flight"));
        Assert.NotNull(page.QuerySelector("#step-volunteering a.button"));
    }

    [Fact]
    public async Task Village_NotMine_HasNoButtons_AndNotStartedYear_SaysSo()
    {
        var steps = Definition2026.Steps.Select(s => Step(s.Key, StepStatus.NotStarted)).ToList();
        var reader = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, false, null, NoticeList.None, steps));
        var empty = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, true, null, NoticeList.None, null));

        Assert.Empty(reader.QuerySelectorAll("a.button"));
        Assert.Equal("查看台账", reader.QuerySelector("#step-ledger p a")!.TextContent);
        Assert.Contains("本年度的清单尚未开始", empty.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Village_TheYearsRubric_ShownAsHowThisYearIsScored()
    {
        var steps = Definition2026.Steps.Select(s => Step(s.Key, StepStatus.NotStarted)).ToList();
        var rubric = new AssessmentRubric(Approved: 10, ReturnPenalty: 2, Maximum: 90, Steps: new Dictionary<string, StepPoints> { ["plan"] = new(Approved: 20, OnTime: 0) });
        var page = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, true, null, NoticeList.None, steps, rubric));
        var none = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, true, null, NoticeList.None, steps));

        var card = page.QuerySelector("#scoring")!;
        Assert.Equal("今年怎么评分（年度考核）", card.QuerySelector("summary")!.TextContent);
        var rows = card.QuerySelectorAll("tbody tr").Select(r => string.Join("|", r.QuerySelectorAll("td").Select(td => td.TextContent))).ToList();
        Assert.Equal(Definition2026.Steps.Count, rows.Count);
        Assert.Equal("召开一次团员青年座谈会|10 分|4 分", rows[1]);
        Assert.Equal($"{Definition2026.Find("plan")!.Title}|20 分|0 分", rows[5]);
        Assert.Contains("每被退回一次扣 2 分，每项最多扣 3 分", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("满分 90 分（各项合计 90 分", card.TextContent, StringComparison.Ordinal);
        Assert.Null(none.QuerySelector("#scoring"));
    }

    [Fact]
    public async Task Village_LastYearsPlan_ShownAsThisYearsPlan_PracticalMatterFormOffersCandidates()
    {
        var steps = Definition2026.Steps.Select(s => Step(s.Key, StepStatus.NotStarted)).ToList();
        var village = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, true, null, NoticeList.None, steps, null, ["开办暑期课堂", Script]));
        var form = await RenderAsync<StepFormPage, StepFormModel>(new(Chrome, "v1", 2026, Step("practical-matter", StepStatus.NotStarted), new Dictionary<string, string?>(), null, null, null, ["计划：开办暑期课堂", "座谈会提出：需求：路灯"]));
        var plain = await RenderAsync<StepFormPage, StepFormModel>(Form(Step("forum", StepStatus.NotStarted)));

        var plan = village.QuerySelector("#this-years-plan")!;
        Assert.Equal("今年的计划（2025年制定的工作计划）", plan.QuerySelector("summary")!.TextContent);
        Assert.Equal(["开办暑期课堂", Script], plan.QuerySelectorAll("li").Select(li => li.TextContent));
        Assert.Empty(village.QuerySelectorAll("script"));
        Assert.Equal(["计划：开办暑期课堂", "座谈会提出：需求：路灯"], form.QuerySelectorAll("#suggestions li").Select(li => li.TextContent));
        Assert.Null(plain.QuerySelector("#suggestions"));
    }

    [Fact]
    public async Task Layout_ChineseStaysReadable_StylesheetAndIconLinked_SignOutCarriesToken()
    {
        var html = await Renderer.HtmlAsync<LoginPage, LoginModel>(new(PageChrome.Anonymous("af"), null, null));
        var page = new HtmlParser().ParseDocument(html);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<title>登录 · 团建指导员“六个一”</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("&#x767B;", html, StringComparison.Ordinal); // 登 as an entity
        Assert.Equal(StaticAssets.Stylesheet.Url, page.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href"));
        Assert.Equal(StaticAssets.Icon.Url, page.QuerySelector("link[rel=icon]")!.GetAttribute("href"));
        Assert.Empty(page.QuerySelectorAll("style, [style]"));

        var signedIn = await RenderAsync<MessagePage, MessageModel>(new(new PageChrome("town.t", "sess"), "找不到", "找不到该页面"));
        var logout = signedIn.QuerySelector("form[action='/logout']")!;
        Assert.Equal("town.t", logout.QuerySelector("span")!.TextContent);
        Assert.Equal("sess", logout.QuerySelector($"input[name={Access.AntiforgeryField}]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Login_UsernameWithScript_IsShownAsText()
    {
        var page = await RenderAsync<LoginPage, LoginModel>(new(PageChrome.Anonymous("af"), "用户名或密码不正确", "a\"><script>x</script>"));

        Assert.Equal("a\"><script>x</script>", page.QuerySelector("#username")!.GetAttribute("value"));
        Assert.Equal("用户名或密码不正确", page.QuerySelector("[role=alert]")!.TextContent);
        Assert.Equal("af", page.QuerySelector($"input[name={Access.AntiforgeryField}]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Invite_FormCarriesTheDoubleSubmitToken()
    {
        var page = await RenderAsync<InvitePage, InviteModel>(new(PageChrome.Anonymous("double"), "abc", "sec.a", null));

        var form = page.QuerySelector("form[action='/invite/abc']")!;
        Assert.Equal("double", form.QuerySelector($"input[name={Access.AntiforgeryField}]")!.GetAttribute("value"));
        Assert.Contains("sec.a", page.QuerySelector("strong")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_SubmittedStep_FormHasTokensAndBothDecisions()
    {
        var submission = new SubmissionView("s1", DateTimeOffset.UnixEpoch, "sec.a", new Dictionary<string, string> { ["place"] = "村委会议室" }, [new EvidenceView("e1", "jpeg", 10, "/api/evidence/x", "/api/evidence/x?size=thumb")]);
        var page = await RenderAsync<ReviewPage, ReviewModel>(new(Chrome, "v1", "甲村", "t1", 2026, Step("forum", StepStatus.Submitted, submission: submission), submission, null));

        var form = page.QuerySelector("form[action='/villages/v1/steps/forum/review?year=2026']")!;
        Assert.Matches("^[0-9a-f]{32}$", form.QuerySelector($"input[name={PageSupport.FormTokenField}]")!.GetAttribute("value")!);
        Assert.Equal("tok123", form.QuerySelector($"input[name={Access.AntiforgeryField}]")!.GetAttribute("value"));
        Assert.Equal(["approve", "return"], form.QuerySelectorAll("button[name=decision]").Select(b => b.GetAttribute("value")));
        Assert.Equal("/api/evidence/x?size=thumb", page.QuerySelector("img.photo")!.GetAttribute("src"));
        Assert.Equal("村委会议室", page.QuerySelector("dd")!.TextContent);
    }

    [Fact]
    public async Task Review_ApprovedStep_HasNoDecisionForm()
    {
        var submission = new SubmissionView("s1", DateTimeOffset.UnixEpoch, "sec.a", new Dictionary<string, string>(), []);
        var page = await RenderAsync<ReviewPage, ReviewModel>(new(Chrome, "v1", "甲村", "t1", 2026, Step("forum", StepStatus.Approved, submission: submission), submission, null));

        Assert.Empty(page.QuerySelectorAll("button[name=decision]"));
        Assert.Equal("已通过", page.QuerySelector(".chip")!.TextContent);
    }

    [Fact]
    public async Task Review_FurtherActivity_FormNamesTheActivity_EvenThoughTheStepIsApproved()
    {
        var own = new SubmissionView("s1", DateTimeOffset.UnixEpoch, "sec.a", new Dictionary<string, string>(), []);
        var further = new ActivityView(new SubmissionView("s2", DateTimeOffset.UnixEpoch, "sec.a", new Dictionary<string, string> { ["place"] = "文化广场" }, []), StepStatus.Submitted, null, false);
        var step = Step("forum", StepStatus.Approved, submission: own) with { Further = [further] };
        var page = await RenderAsync<ReviewPage, ReviewModel>(new(Chrome, "v1", "甲村", "t1", 2026, step, further.Submission, null, further));

        Assert.Equal("待审核", page.QuerySelector(".chip")!.TextContent);
        Assert.Contains("（后续活动）", page.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("s2", page.QuerySelector("form input[name=activity]")!.GetAttribute("value"));
        Assert.Equal(2, page.QuerySelectorAll("button[name=decision]").Length);
        Assert.Equal("文化广场", page.QuerySelector("dd")!.TextContent);
    }

    [Fact]
    public async Task ReviewQueue_StepTitleNotKey_FurtherActivityLinkedToItsReview()
    {
        var at = DateTimeOffset.UnixEpoch;
        var page = await RenderAsync<ReviewQueuePage, ReviewQueueModel>(new(Chrome, "t1", 2026, null, NoticeList.None, 0, [],
            [new QueueItem("v1", "甲村", "forum", at, "召开一次团员青年座谈会"), new QueueItem("v1", "甲村", "volunteering", at, "组织一次青年志愿服务活动", "s2")]));

        Assert.Equal(["甲村 · 召开一次团员青年座谈会", "甲村 · 组织一次青年志愿服务活动（后续活动）"], page.QuerySelectorAll("label").Select(l => l.TextContent.Trim()));
        Assert.Equal(["v1|forum", "v1|volunteering|s2"], page.QuerySelectorAll("input[name=item]").Select(i => i.GetAttribute("value")));
        Assert.Equal("/villages/v1/steps/volunteering/review?year=2026&activity=s2", page.QuerySelectorAll(".card a")[1].GetAttribute("href"));
    }

    [Fact]
    public async Task Village_ApprovedStep_ListsFurtherActivities_AndTheSecretaryMayRecordAnother()
    {
        var own = new SubmissionView("s1", DateTimeOffset.UnixEpoch, "sec.a", new Dictionary<string, string>(), []);
        var step = Step("volunteering", StepStatus.Approved, submission: own) with
        {
            Further =
            [
                new(new SubmissionView("s2", DateTimeOffset.UnixEpoch, "sec.a", new Dictionary<string, string>(), []), StepStatus.Approved, null, true),
                new(new SubmissionView("s3", DateTimeOffset.UnixEpoch, "sec.a", new Dictionary<string, string>(), []), StepStatus.Returned, new ReviewView(ReviewDecision.Return, "请补照片", "town.t1", DateTimeOffset.UnixEpoch, false), false),
            ],
        };
        var mine = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, true, null, NoticeList.None, [step], FurtherActivities: true));
        var further = mine.QuerySelector("#further-volunteering")!;
        Assert.Contains("本项已完成，可继续记录活动", further.TextContent, StringComparison.Ordinal);
        Assert.Contains("已通过的活动共 2 次", further.TextContent, StringComparison.Ordinal);
        Assert.Equal(["已通过", "已退回"], further.QuerySelectorAll("li .chip").Select(c => c.TextContent));
        Assert.Contains("退回意见：请补照片", further.TextContent, StringComparison.Ordinal);
        Assert.Equal("/villages/v1/steps/volunteering?year=2026", further.QuerySelector("a.button")!.GetAttribute("href"));

        // A reviewer sees the list, not the link; a checklist older than version 3 offers no further activity.
        var reader = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, false, null, NoticeList.None, [step], FurtherActivities: true));
        Assert.Null(reader.QuerySelector("#further-volunteering a.button"));
        var old = await RenderAsync<VillagePage, VillageModel>(new(Chrome, "v1", "甲村", 2026, true, null, NoticeList.None, [Step("volunteering", StepStatus.Approved, submission: own)]));
        Assert.Null(old.QuerySelector("#further-volunteering"));
    }

    [Fact]
    public async Task Town_Matrix_OverdueCellsAndLinks_ChartHeights()
    {
        var columns = new List<StepColumn> { new("forum", "座谈会"), new("plan", "计划") };
        var rows = new List<TownRow>
        {
            new("v1", "甲村", [new("forum", StepStatus.Submitted, false), new("plan", StepStatus.NotStarted, true)]),
        };
        var model = new TownModel(Chrome, "t1", "甲镇", 2026, 1, 0, 1, 1, [1, 2, 0, 0], 2, columns, columns, new TownFilter("", "overdue"), rows);
        var page = await RenderAsync<TownPage, TownModel>(model);

        var cells = page.QuerySelectorAll("tbody td");
        Assert.Equal(("submitted", "待审核", "/villages/v1/steps/forum/review?year=2026"), (cells[0].ClassName, cells[0].TextContent, cells[0].QuerySelector("a")!.GetAttribute("href")));
        Assert.Equal(("overdue", "逾期", "/villages/v1?year=2026#step-plan"), (cells[1].ClassName, cells[1].TextContent, cells[1].QuerySelector("a")!.GetAttribute("href")));
        Assert.Equal("overdue", page.QuerySelector("#status option[selected]")!.GetAttribute("value"));
        Assert.Contains("第1季度 第2季度", page.QuerySelector("#exports")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["50", "100", "0", "0"], page.QuerySelectorAll("svg rect").Select(r => r.GetAttribute("height")));
        Assert.Equal("/api/exports/2026/assessment.csv?town=t1", page.QuerySelectorAll("#exports a").Single(a => a.TextContent == "CSV" && a.GetAttribute("href")!.Contains("assessment", StringComparison.Ordinal)).GetAttribute("href"));
    }

    [Fact]
    public async Task City_PercentOfTheYearsSteps()
    {
        var model = new CityModel(Chrome, 2026, [], [new CityTown("t1", "甲镇", 5, 2 * 5, 1, 0)]);
        var page = await RenderAsync<CityPage, CityModel>(model);

        Assert.Equal("完成 50%（5/10），待审核 1，逾期 0", page.QuerySelector("div.card p.muted")!.TextContent);
        Assert.Equal("50", page.QuerySelector("svg.bar rect")!.GetAttribute("width"));
    }

    [Fact]
    public async Task Ledger_MaskedPhones_MinorsConsent_NoEditingOfSnapshot()
    {
        LedgerRow[] rows = [new("r1", "张三", "男", 2015, false, "138****5678", null, null, Script, GuardianConsent: true), new("r2", "李四", "女", 1998, true, null, null, null, null)];
        var snapshot = await RenderAsync<LedgerPage, LedgerModel>(new(Chrome, "v1", "甲村", 2026, true, false, true, null, null, ["姓名"], rows));
        var live = await RenderAsync<LedgerPage, LedgerModel>(new(Chrome, "v1", "甲村", 2026, false, true, false, "已保存。", new ImportFailure("导入失败", [new RowError(3, "姓名必填")]), ["姓名"], rows));

        Assert.Contains("电话号码已部分隐藏", snapshot.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal("2015（监护人已同意）", snapshot.QuerySelectorAll("tbody tr")[0].Children[2].TextContent);
        Assert.Equal(Script, snapshot.QuerySelectorAll("tbody tr")[0].Children[7].TextContent);
        Assert.Empty(snapshot.QuerySelectorAll("form[enctype]"));
        Assert.Empty(snapshot.QuerySelectorAll("a[href*='ledger.csv']"));
        Assert.Equal("第 3 行：姓名必填", live.QuerySelector("#import-errors li")!.TextContent);
        Assert.NotNull(live.QuerySelector($"form[action='/villages/v1/ledger/import?year=2026'] input[name={PageSupport.FormTokenField}]"));
        Assert.Equal("共 2 人，其中团员 1 人，未满 14 周岁 1 人。", live.QuerySelectorAll("main > p").Single(p => p.TextContent.StartsWith('共')).TextContent);
    }

    [Fact]
    public async Task LedgerRow_KeepsWhatWasTyped_DeleteOnlyWhenEditing()
    {
        var values = new Dictionary<string, string?> { ["row"] = "abc", ["name"] = "王五", ["sex"] = "女", ["isLeagueMember"] = "true" };
        var adding = await RenderAsync<LedgerRowPage, LedgerRowModel>(new(Chrome, "v1", 2026, null, values, ["出生年份请填 4 位数字，如 1998"]));
        var editing = await RenderAsync<LedgerRowPage, LedgerRowModel>(new(Chrome, "v1", 2026, "abc", values, []));

        Assert.Equal("王五", adding.QuerySelector("#l-name")!.GetAttribute("value"));
        Assert.Equal("女", adding.QuerySelector("#l-sex option[selected]")!.TextContent);
        Assert.True(adding.QuerySelector("input[name=isLeagueMember]")!.HasAttribute("checked"));
        Assert.False(adding.QuerySelector("input[name=guardianConsent]")!.HasAttribute("checked"));
        Assert.Equal("出生年份请填 4 位数字，如 1998", adding.QuerySelector("[role=alert] li")!.TextContent);
        Assert.Null(adding.QuerySelector("button[value=delete]"));
        Assert.NotNull(editing.QuerySelector("button[value=delete]"));
        Assert.Equal("/villages/v1/ledger/row?year=2026&row=abc", editing.QuerySelector("main form")!.GetAttribute("action"));
    }

    [Fact]
    public async Task Meeting_CityReadsOnly_ReviewerGetsTheForm_PrintsAsDocument()
    {
        var pack = new MeetingPack(
            2026, 2, new Town("t1", "甲镇"), new DateOnly(2026, 6, 30), true,
            [new PackVillage("v1", "甲村", new Dictionary<string, string> { ["forum"] = "approved", ["plan"] = "notStarted" }, ["plan"])],
            [new Candidate("v1|forum", "v1", "甲村", "forum", "座谈会", "很好", DateTimeOffset.UnixEpoch, [("地点", Script)], [])],
            new MeetingRecord(2, "2026-06-20", "张三", "纪要", ["v1|forum", "v9|plan"], "town.t1", DateTimeOffset.UnixEpoch),
            5);
        var titles = Definition2026.Steps.ToDictionary(s => s.Key, s => s.Title);
        var input = new MeetingInput("2026-06-20", "张三", "纪要", ["v1|forum"]);
        var city = await RenderAsync<MeetingPage, MeetingModel>(new(Chrome, pack, titles, false, false, input, null, null));
        var reviewer = await RenderAsync<MeetingPage, MeetingModel>(new(Chrome, pack, titles, true, true, input, null, null));

        Assert.Contains("document", city.Body!.ClassList);
        Assert.Null(city.QuerySelector("#record-form"));
        Assert.Equal($"1/{titles.Count}", city.QuerySelector("#progress td.num")!.TextContent);
        Assert.Equal($"甲村：{titles["plan"]}", city.QuerySelector("#overdue li")!.TextContent);
        Assert.Equal(Script, city.QuerySelector("#case-v1-forum dd")!.TextContent);
        Assert.Equal($"甲村 · 座谈会；v9 · {titles["plan"]}", city.QuerySelectorAll("#record dd")[3].TextContent);
        Assert.True(reviewer.QuerySelector("#record-form input[value='v1|forum']")!.HasAttribute("checked"));
        Assert.NotNull(reviewer.QuerySelector($"#record-form input[name={PageSupport.FormTokenField}]"));
        Assert.Equal("会议记录已保存。", reviewer.QuerySelector("p.ok")!.TextContent);
    }

    [Fact]
    public async Task Meeting_AttendanceChecklistAgendaAndVersion_ShownAndKept()
    {
        var roll = new RollEntry[] { new("v1", "甲村", "张三", "sec.v1"), new("v2", "乙村", "李四", "sec.v2") };
        var record = new MeetingRecord(2, "2026-06-20", "镇团委", "纪要", [], "office.t1", DateTimeOffset.UnixEpoch,
            [new Attendance("v1", "甲村", "张三", "sec.v1", true, ""), new Attendance("v2", "乙村", "李四", "sec.v2", false, "驻村防汛")],
            ["通报第2季度进度", "推荐优秀典型至市级"], Version: 3);
        var pack = new MeetingPack(
            2026, 2, new Town("t1", "甲镇"), new DateOnly(2026, 6, 30), true,
            [new PackVillage("v1", "甲村", new Dictionary<string, string> { ["forum"] = "approved" }, [])],
            [new Candidate("v1|forum", "v1", "甲村", "forum", "座谈会", "", DateTimeOffset.UnixEpoch, [], [], [1])],
            record, 5, roll);
        var titles = Definition2026.Steps.ToDictionary(s => s.Key, s => s.Title);
        var typed = new MeetingInput("2026-06-21", "", "改过的纪要", [], new Dictionary<string, AttendanceMark> { ["v1"] = new(false, "开会"), ["v2"] = new(true, null) }, "2");
        var page = await RenderAsync<MeetingPage, MeetingModel>(new(Chrome, pack, titles, true, false, typed, null, "会议记录已被 town.t1 修改（第 3 版）"));

        Assert.Equal(["通报第2季度进度", "推荐优秀典型至市级"], page.QuerySelectorAll("#agenda li").Select(li => li.TextContent));
        Assert.Equal("张三（甲村）", page.QuerySelector("#present")!.TextContent);
        Assert.Equal("李四（乙村）：驻村防汛", page.QuerySelector("#absent li")!.TextContent);
        Assert.Contains("第 3 版", page.QuerySelector("#record p.muted")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("已在第1季度交流会推荐", page.QuerySelector("#case-v1-forum .recommended-before")!.TextContent, StringComparison.Ordinal);

        // The form keeps what was typed, and carries the newer record's version so that saving again is a knowing overwrite.
        var form = page.QuerySelector("#record-form")!;
        Assert.Equal("3", form.QuerySelector("input[name=version]")!.GetAttribute("value"));
        Assert.True(form.QuerySelector("input[name=att-v1][value=absent]")!.HasAttribute("checked"));
        Assert.Equal("开会", form.QuerySelector("input[name=reason-v1]")!.GetAttribute("value"));
        Assert.True(form.QuerySelector("input[name=att-v2][value=present]")!.HasAttribute("checked"));
        Assert.Contains("第 3 版", form.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notices_UnreadMarked_MarkAllReadComesBack()
    {
        var notices = new NoticeList([new("请提交座谈会", "/villages/v1/steps/forum", false, DateTimeOffset.UnixEpoch), new("已读的", "/", true, DateTimeOffset.UnixEpoch)], "/villages/v1");
        var html = await Renderer.HtmlAsync<Notices>(new Dictionary<string, object?> { ["List"] = notices });
        var page = new HtmlParser().ParseDocument(html);

        Assert.Equal(["新"], page.QuerySelectorAll("strong.late").Select(s => s.TextContent));
        Assert.StartsWith("新 请提交座谈会", page.QuerySelector("li")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/api/notices/read?back=%2Fvillages%2Fv1", page.QuerySelector("form")!.GetAttribute("action"));
    }

    [Fact]
    public void StaticAssets_UrlCarriesTheContentHash_FindTellsCurrentFromStale()
    {
        var css = StaticAssets.Stylesheet;
        var file = css.Url[StaticAssets.RoutePrefix.Length..];

        Assert.Matches(@"^/static/site\.[0-9a-f]{12}\.css$", css.Url);
        Assert.Equal((css, true), StaticAssets.Find(file));
        Assert.Equal((css, false), StaticAssets.Find("site.000000000000.css"));
        Assert.Equal((null, false), StaticAssets.Find("../secrets.css"));
        Assert.Contains("data-shrink-above", System.Text.Encoding.UTF8.GetString(StaticAssets.UploadScript.Content), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layout_UnreadNoticesAndAnnouncements_BadgeAndBannerUntilRead()
    {
        var chrome = new PageChrome("sec.v", "af", 3, [new UnreadAnnouncement("市级通知公告：<b>年度通知</b>", "/announcements/123abc")]);
        var page = await RenderAsync<MessagePage, MessageModel>(new(chrome, "页", "页"));
        Assert.Equal("3", page.QuerySelector("header a[href='/notices'] .badge")!.TextContent);
        var banner = page.QuerySelector("#announcements a")!;
        Assert.Equal("/announcements/123abc", banner.GetAttribute("href"));
        Assert.Equal("市级通知公告：<b>年度通知</b>", banner.TextContent); // text, not markup
        Assert.Null(page.QuerySelector("header a[href='/announcements']")); // a secretary sends none

        var read = await RenderAsync<MessagePage, MessageModel>(new(new PageChrome("town.t", "af", 0, [], SendsAnnouncements: true), "页", "页"));
        Assert.Null(read.QuerySelector(".badge"));
        Assert.Null(read.QuerySelector("#announcements"));
        Assert.NotNull(read.QuerySelector("header a[href='/announcements']"));
    }

    [Fact]
    public async Task NoticesPage_PagedNewestFirst_MarkReadFormsForUnreadOnly()
    {
        var items = new List<NoticeItem>
        {
            new("2026Q3|overdue-forum", "“座谈会”已逾期 3 天", "/villages/v/steps/forum?year=2026", false, DateTimeOffset.Parse("2026-07-03T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
            new("2026|due14-plan", "“计划”还有 14 天截止", "/villages/v/steps/plan?year=2026", true, DateTimeOffset.Parse("2026-07-01T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
        };
        var page = await RenderAsync<NoticesPage, NoticesModel>(new(new PageChrome("sec.v", "af", 1), items, 2, 3, 45, 1, null));
        var links = page.QuerySelectorAll("#notice-list li > a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/villages/v/steps/forum?year=2026", "/villages/v/steps/plan?year=2026"], links);
        var one = Assert.Single(page.QuerySelectorAll("#notice-list li form input[name=id]"));
        Assert.Equal("2026Q3|overdue-forum", one.GetAttribute("value"));
        Assert.Equal(["/notices?page=1", "/notices?page=3"], page.QuerySelectorAll(".pager a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task CityPage_MeetingMarks_HeldWithDateAndMissed()
    {
        var meetings = new List<YouthLeague.Notifications.QuarterMeeting>
        {
            new(1, YouthLeague.Notifications.MeetingState.Held, "2026-03-20"),
            new(2, YouthLeague.Notifications.MeetingState.Missed, ""),
            new(3, YouthLeague.Notifications.MeetingState.Open, ""),
            new(4, YouthLeague.Notifications.MeetingState.NotYet, ""),
        };
        var page = await RenderAsync<CityPage, CityModel>(new(new PageChrome("city", "af"), 2026, [], [new CityTown("tp", "太平镇", 1, 6, 0, 0, meetings)]));
        Assert.Equal("1季度 已开（2026-03-20）", page.QuerySelector(".meeting-held")!.TextContent);
        Assert.Equal("/towns/tp/meetings/2?year=2026", page.QuerySelector(".meeting-missed")!.GetAttribute("href"));
        Assert.Equal("2季度 未开", page.QuerySelector(".meeting-missed")!.TextContent);
    }
}
