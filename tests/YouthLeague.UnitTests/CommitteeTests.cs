using MiniExcelLibs;
using YouthLeague.Committees;
using YouthLeague.Ledger;
using YouthLeague.Towns;
using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

public class MeetingRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    private static ValidationErrors Check(string? date, string? attendees = "张三、李四", string? minutes = "交流了经验", string[]? recommended = null, int quarter = 4) =>
        MeetingRules.Validate(2026, quarter, new MeetingInput(date, attendees, minutes, recommended ?? []), ["v1|forum"], Today);

    [Fact]
    public void Validate_CompleteRecord_NoErrors() => Assert.Empty(Check("2026-11-20", recommended: ["v1|forum"]));

    [Theory]
    [InlineData(null, "请填写会议日期")]
    [InlineData("  ", "请填写会议日期")]
    [InlineData("2026/11/20", "日期格式应为 年-月-日，例如 2026-10-01")]
    [InlineData("2026-02-30", "日期格式应为 年-月-日，例如 2026-10-01")]
    [InlineData("2026-09-30", "会议日期不能早于第4季度开始（2026-10-01）")]
    [InlineData("2026-11-29", "会议日期不能晚于今天")]
    [InlineData("2027-02-01", "会议日期应在第4季度内或季度结束后 31 天内")]
    public void Validate_BadDate_ChineseMessageOnDate(string? date, string message) =>
        Assert.Equal([message], Check(date)["date"]);

    [Fact]
    public void Validate_EarlierQuarterMeetingHeldWithinGrace_Accepted() => Assert.Empty(Check("2026-10-20", quarter: 3));

    [Fact]
    public void Validate_MissingMinutes_Refused_OtherAttendeesOptional()
    {
        var errors = Check("2026-11-20", attendees: "", minutes: null);
        Assert.False(errors.ContainsKey("attendees"));
        Assert.Equal(["请填写会议纪要"], errors["minutes"]);
    }

    private static readonly RollEntry[] Roll = [new("v1", "甲村", "张三", "sec.v1"), new("v2", "乙村", "李四", "sec.v2"), new("v3", "丙村", "王五", "sec.v3")];

    [Fact]
    public void Validate_Attendance_EverySecretaryMarked_AbsentNeedsAReason()
    {
        var input = new MeetingInput("2026-11-20", "", "纪要", [], new Dictionary<string, AttendanceMark>
        {
            ["v1"] = new(true, null),
            ["v2"] = new(false, "  "),
        });

        var errors = MeetingRules.Validate(2026, 4, input, [], Today, Roll);

        Assert.Equal(["乙村 李四缺席，请填写原因", "请标记丙村 王五出席或缺席"], errors["attendance"]);
    }

    [Fact]
    public void Attendances_AllMarked_PresentAndAbsentWithReason_InRollOrder()
    {
        var input = new MeetingInput("2026-11-20", "", "纪要", [], new Dictionary<string, AttendanceMark>
        {
            ["v3"] = new(true, "ignored"),
            ["v1"] = new(false, " 驻村防汛 "),
            ["v2"] = new(true, null),
        });

        Assert.Empty(MeetingRules.Validate(2026, 4, input, [], Today, Roll));
        Assert.Equal(
            [new Attendance("v1", "甲村", "张三", "sec.v1", false, "驻村防汛"), new Attendance("v2", "乙村", "李四", "sec.v2", true, ""), new Attendance("v3", "丙村", "王五", "sec.v3", true, "")],
            MeetingRules.Attendances(Roll, input));
    }

    [Fact]
    public void Agenda_FromTheOverdueListAndTheCandidates()
    {
        var pack = new MeetingPack(
            2026, 2, new Town("t1", "甲镇"), new DateOnly(2026, 6, 30), true,
            [
                new PackVillage("v1", "甲村", new Dictionary<string, string> { ["forum"] = "approved", ["plan"] = "notStarted" }, []),
                new PackVillage("v2", "乙村", new Dictionary<string, string> { ["forum"] = "notStarted", ["plan"] = "returned" }, ["forum", "plan"]),
            ],
            [new Candidate("v1|forum", "v1", "甲村", "forum", "座谈会", "", DateTimeOffset.UnixEpoch, [], [])],
            null,
            5);

        var agenda = MeetingRules.Agenda(pack, s => s == "forum" ? "座谈会" : "计划", 2);

        Assert.Equal(
            [
                "通报第2季度进度：2 个村（社区）已通过 1/4 项，逾期 2 项",
                "逾期事项督办：乙村（座谈会、计划）",
                "优秀典型交流：甲村 · 座谈会",
                "推荐优秀典型至市级",
                "部署第3季度工作",
            ],
            agenda);
    }

    [Fact]
    public void Validate_TooLongText_Refused()
    {
        var errors = Check("2026-11-20", attendees: new string('人', MeetingRules.MaxAttendees + 1), minutes: new string('记', MeetingRules.MaxMinutes + 1));
        Assert.Equal([$"其他参会人员最多 {MeetingRules.MaxAttendees} 字"], errors["attendees"]);
        Assert.Equal([$"会议纪要最多 {MeetingRules.MaxMinutes} 字"], errors["minutes"]);
    }

    [Fact]
    public void Validate_RecommendingANonCandidate_Refused() =>
        Assert.Equal(["推荐的案例不在本季度的候选名单中"], Check("2026-11-20", recommended: ["v2|forum"])["recommended"]);

    [Theory]
    [InlineData("1", true)]
    [InlineData("4", true)]
    [InlineData("0", false)]
    [InlineData("5", false)]
    [InlineData("q1", false)]
    [InlineData("+1", false)]
    public void IsQuarter_OnlyOneToFour(string value, bool expected) => Assert.Equal(expected, MeetingRules.IsQuarter(value, out _));
}

public class CommitteeSheetsTests
{
    private static readonly Town Town = new("t1", "太平镇");

    private static ExportVillage Village(string id, params StepView[] steps) =>
        new(Town, new Village(id, id + "村", "t1", new Secretary("书记", "sec." + id, "市农业局")), steps.Length == 0 ? null : new ChecklistView(id, 2026, "inProgress", "t1", null, steps));

    private static StepView Step(string key, string status, DateTimeOffset? firstAt = null, int returns = 0, bool exemplary = false, Dictionary<string, string>? fields = null, SubmissionView? by = null)
    {
        var d = Definition2026.Find(key)!;
        var subs = by is not null ? [by] : firstAt is null ? [] : new List<SubmissionView> { new("s1", firstAt.Value, "sec", fields ?? [], []) };
        return new StepView(key, d.Title, d.Help, StepStatusNames.Parse(status), d.Due.ToString("yyyy-MM-dd"), false, returns, exemplary, [], new EvidenceRuleView([], 0, 0, 0), subs, null);
    }

    [Fact]
    public void Assessment_RubricPartsPerStep_AndTotal()
    {
        var onTime = ChinaTime.StartOf(Definition2026.Find("forum")!.Due).AddHours(-1);
        var late = ChinaTime.StartOf(Definition2026.Find("volunteering")!.Due).AddDays(2);
        var sheet = CommitteeSheets.Assessment(2026, Definition2026, [
            Village("a", Step("forum", "approved", onTime, returns: 1, exemplary: true), Step("volunteering", "approved", late), Step("plan", "returned", late, returns: 2)),
            Village("b"),
        ]);

        Assert.Equal(4 + (6 * 6) + 4, sheet.Headers.Count);
        Assert.Equal(["镇街", "村（社区）", "第一书记", "派出单位"], sheet.Headers.Take(4));
        Assert.Equal("召开一次团员青年座谈会·得分", sheet.Headers[4 + 6 + 4]);
        Assert.Equal("召开一次团员青年座谈会·提交人", sheet.Headers[4 + 6 + 5]);
        var a = sheet.Rows[0];
        Assert.Equal(["太平镇", "a村", "书记", "市农业局"], a.Take(4));
        object?[] forum = ["已通过", "是", 1, "是", 12 + 4 - 1 + 1, "sec"];
        Assert.Equal(forum, a.Skip(4 + 6).Take(6));
        object?[] volunteering = ["已通过", "否", 0, null, 12, "sec"];
        Assert.Equal(volunteering, a.Skip(4 + 12).Take(6));
        object?[] plan = ["已退回", null, 2, null, 0, "sec"];
        Assert.Equal(plan, a.Skip(4 + 30).Take(6));
        object?[] totals = [2, 16 + 12, null];
        Assert.Equal(totals, a.TakeLast(4).Take(3));
        Assert.Equal(["太平镇", "b村", "书记", "市农业局", "未开始"], sheet.Rows[1].Take(5));
        Assert.Equal(0, sheet.Rows[1][^3]);
        Assert.Null(sheet.Rows[1][^1]);
    }

    private static int Col(Sheet sheet, string header) => sheet.Headers.ToList().IndexOf(header);

    [Fact]
    public void Assessment_RotationMidYear_EachSecretaryNamedForWhatTheyHandedIn()
    {
        var due = (string step) => ChinaTime.StartOf(Definition2026.Find(step)!.Due).AddDays(-5);
        SubmissionView By(string who, string name, string unit, DateTimeOffset at) => new("s-" + who + at.Ticks, at, who, new Dictionary<string, string>(), [], name, unit);
        var sheet = CommitteeSheets.Assessment(2026, Definition2026, [
            Village("a",
                Step("ledger", "approved", by: By("sec.old", "张三", "市农业局", due("ledger"))),
                Step("forum", "approved", by: By("sec.old", "张三", "市农业局", due("forum"))),
                Step("volunteering", "approved", by: By("sec.new", "李四", "市交通局", due("volunteering"))),
                Step("plan", "submitted", by: By("sec.new", "李四", "市交通局", due("plan")))),
        ]);

        var row = sheet.Rows[0];
        Assert.Equal("张三（市农业局）", row[Col(sheet, "召开一次团员青年座谈会·提交人")]);
        Assert.Equal("李四（市交通局）", row[Col(sheet, "组织一次青年志愿服务活动·提交人")]);
        Assert.Null(row[Col(sheet, "开展一次主题团日活动·提交人")]);
        Assert.Equal(
            $"张三（市农业局）：{Definition2026.Find("ledger")!.Title}、{Definition2026.Find("forum")!.Title}（32 分）；李四（市交通局）：{Definition2026.Find("volunteering")!.Title}、{Definition2026.Find("plan")!.Title}（16 分）",
            row[^1]);
        Assert.Equal(48, row[^3]);
    }

    [Fact]
    public void Volunteering_FieldsByLabel_NumbersAsNumbers_TotalsOfAllAndApproved()
    {
        var step = Definition2026.Find("volunteering")!;
        var at = new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.Zero);
        var sheet = CommitteeSheets.Volunteering(2026, step, [
            Village("a", Step("volunteering", "approved", at, fields: new() { ["date"] = "2026-06-01", ["activity"] = "清扫村道", ["volunteers"] = "12", ["hours"] = "24.5", ["beneficiaries"] = "300" })),
            Village("b", Step("volunteering", "returned", at, fields: new() { ["date"] = "2026-06-03", ["activity"] = "=1+1", ["volunteers"] = "5", ["hours"] = "10" })),
            Village("c"),
        ]);

        Assert.Equal(["镇街", "村（社区）", "第一书记", "派出单位", "状态", "活动日期", "活动内容", "志愿者人数", "服务总时长（小时）", "受益人数", "提交人"], sheet.Headers);
        Assert.Equal(["太平镇", "a村", "书记", "市农业局", "已通过", "2026-06-01", "清扫村道", 12.0, 24.5, 300.0, "sec"], sheet.Rows[0]);
        Assert.Equal(["太平镇", "b村", "书记", "市农业局", "已退回", "2026-06-03", "=1+1", 5.0, 10.0, null, "sec"], sheet.Rows[1]);
        Assert.Equal(["太平镇", "c村", "书记", "市农业局", "未开始", null, null, null, null, null, null], sheet.Rows[2]);
        Assert.Equal(["合计（全部已提交）", "2 次活动", null, null, null, null, null, 17.0, 34.5, 300.0, null], sheet.Rows[3]);
        Assert.Equal(["其中已通过", "1 次活动", null, null, null, null, null, 12.0, 24.5, 300.0, null], sheet.Rows[4]);

        // CSV keeps a formula-looking answer as text.
        var csv = System.Text.Encoding.UTF8.GetString(sheet.ToCsv());
        Assert.Contains("'=1+1", csv, StringComparison.Ordinal);
        Assert.StartsWith("\uFEFF镇街,村（社区）,第一书记,派出单位,状态", csv, StringComparison.Ordinal);
    }

    private static ActivityView Further(string id, StepStatus status, Dictionary<string, string> fields, bool exemplary = false) =>
        new(new SubmissionView(id, new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero), "sec", fields, [], "张三", "市农业局"), status, null, exemplary);

    [Fact]
    public void Volunteering_FurtherActivities_OneRowEach_EveryApprovedActivityCounted()
    {
        var step = Definition2026.Find("volunteering")!;
        var at = new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.Zero);
        var own = Step("volunteering", "approved", at, fields: new() { ["activity"] = "清扫村道", ["volunteers"] = "12", ["hours"] = "24" }) with
        {
            Further =
            [
                Further("f1", StepStatus.Approved, new() { ["activity"] = "防疫值守", ["volunteers"] = "8", ["hours"] = "16" }),
                Further("f2", StepStatus.Submitted, new() { ["activity"] = "读书班", ["volunteers"] = "3", ["hours"] = "6" }),
                Further("f3", StepStatus.Returned, new() { ["activity"] = "义诊", ["volunteers"] = "1", ["hours"] = "1" }),
            ],
        };
        var sheet = CommitteeSheets.Volunteering(2026, step, [Village("a", own), Village("c")]);

        Assert.Equal(["清扫村道", "防疫值守", "读书班", "义诊", null], sheet.Rows.Take(5).Select(r => r[6]));
        Assert.Equal(["已通过", "已通过", "待审核", "已退回", "未开始"], sheet.Rows.Take(5).Select(r => r[4]));
        Assert.Equal("张三（市农业局）", sheet.Rows[1][^1]);
        Assert.Equal(["合计（全部已提交）", "4 次活动", null, null, null, null, null, 24.0, 47.0, 0.0, null], sheet.Rows[5]);
        Assert.Equal(["其中已通过", "2 次活动", null, null, null, null, null, 20.0, 40.0, 0.0, null], sheet.Rows[6]);
    }

    [Fact]
    public void StepView_ApprovedActivities_TheStepsOwnAndEveryApprovedFurtherOne()
    {
        var at = new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.Zero);
        var approved = Step("volunteering", "approved", at) with
        {
            Further = [Further("f1", StepStatus.Approved, []), Further("f2", StepStatus.Approved, []), Further("f3", StepStatus.Returned, []), Further("f4", StepStatus.Submitted, [])],
        };
        Assert.Equal(3, approved.ApprovedActivities);
        Assert.Equal(1, Step("volunteering", "approved", at).ApprovedActivities);
        Assert.Equal(0, Step("volunteering", "submitted", at).ApprovedActivities);
    }

    [Fact]
    public void MeetingPack_CountsEveryApprovedActivity_InTheProgressSheetAndTheAgenda()
    {
        var steps = Definition2026.Steps.ToDictionary(s => s.Key, s => s.Key is "forum" or "volunteering" ? "approved" : "notStarted");
        var pack = new MeetingPack(
            2026, 4, Town, new DateOnly(2026, 11, 28), false,
            [new PackVillage("a", "a村", steps, [], FurtherApproved: 3), new PackVillage("b", "b村", steps, [])],
            [], null, 5, []);
        Assert.Equal([5, 2], pack.Villages.Select(v => v.Activities));
        var progress = CommitteeSheets.MeetingPack(pack, Definition2026)[0];
        Assert.Equal(["a村", null, 2, 5, 0, 0], progress.Rows[0].Take(6));
        Assert.Equal(["b村", null, 2, 2, 0, 0], progress.Rows[1].Take(6));
        Assert.Equal(
            $"通报第4季度进度：2 个村（社区）已通过 4/{2 * Definition2026.Steps.Count} 项（另有 3 次后续活动已通过），逾期 0 项",
            MeetingRules.Agenda(pack, s => s, Definition2026.Steps.Count)[0]);
    }

    [Fact]
    public void Handover_FurtherActivitiesListedAfterTheStepsOwn_WithTheirReview()
    {
        var at = new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.Zero);
        var step = Step("volunteering", "approved", at, fields: new() { ["activity"] = "清扫村道" }) with
        {
            Further = [Further("f1", StepStatus.Returned, new() { ["activity"] = "防疫值守" }) with { Review = new ReviewView(ReviewDecision.Return, "请补照片", "town.t1", at, false) }],
            Fields = [new FieldView("activity", "活动内容", FieldType.Text, true, null, null, null)],
        };
        var village = new Village("a", "a村", "t1", new Secretary("张三", "sec.a", "市农业局"));
        var sheets = CommitteeSheets.Handover(2026, Town, village, new DateOnly(2026, 7, 1), new ChecklistView("a", 2026, "inProgress", "t1", null, [step], 4), []);

        var submissions = sheets.Single(s => s.Name == "提交材料").Rows;
        Assert.Equal([step.Title, step.Title + "（后续活动）"], submissions.Select(r => r[0]));
        Assert.Equal("张三（市农业局）", submissions[1][2]);
        Assert.Equal(["活动内容：清扫村道", "活动内容：防疫值守"], submissions.Select(r => r[3]));
        Assert.Equal("退回（town.t1）：请补照片", submissions[1][5]);
    }

    [Fact]
    public void ProgressWorkbook_NamesEachVillagesSecretaryAndDispatchingUnit()
    {
        var steps = Definition2026.Steps.ToDictionary(s => s.Key, s => s.Key == "forum" ? "approved" : "notStarted");
        var report = new YouthLeague.Progress.ProgressReport(2026, [], [new("a", "a村", "t1", steps, ["ledger"]), new("b", "b村", "t1", steps, []), new("c", "c村", "t1", steps, [])], 3);
        var bytes = YouthLeague.Progress.ProgressWorkbook.Build(report, Definition2026, new Dictionary<string, string> { ["t1"] = "太平镇" }, new Dictionary<string, Secretary>
        {
            ["a"] = new("王书记", "sec.a", "市财政局"),
            ["b"] = new("李书记", "sec.b"),
        });

        using var stream = new MemoryStream(bytes);
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["镇街", "村（社区）", "第一书记", "派出单位", Definition2026.Steps[0].Title], rows[0].Keys.Take(5));
        Assert.Equal(["太平镇", "a村", "王书记", "市财政局", "未开始（逾期）"], rows[0].Values.Take(5));
        Assert.Equal(["太平镇", "b村", "李书记", null], rows[1].Values.Take(4));
        Assert.Equal(["太平镇", "c村", null, null], rows[2].Values.Take(4)); // not in the directory: empty, not another's
        Assert.Equal(1.0, Convert.ToDouble(rows[0]["已通过"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Ledger_RowsOfEveryVillage_AsGiven()
    {
        var sheet = CommitteeSheets.Ledger(2026, [
            (Town, new Village("a", "a村", "t1", new Secretary("王书记", "sec.a", "市财政局")), [new LedgerRow("1", "李青", "女", 2000, true, "138****5678", "本科", "村委会", null)]),
            (Town, new Village("b", "b村", "t1", new Secretary("", "")), []),
        ]);
        Assert.Equal(CommitteeSheets.LedgerHeaders, sheet.Headers);
        Assert.Equal(["太平镇", "a村", "王书记", "市财政局", "李青", "女", 2000, "是", "138****5678", "本科", "村委会", null], Assert.Single(sheet.Rows));
    }

    [Fact]
    public void MeetingPack_FourSheets_ProgressOverdueCandidatesRecord()
    {
        var steps = Definition2026.Steps.ToDictionary(s => s.Key, s => s.Key == "forum" ? "approved" : "notStarted");
        var pack = new MeetingPack(
            2026,
            4,
            Town,
            new DateOnly(2026, 11, 28),
            false,
            [new PackVillage("a", "a村", steps, ["ledger"])],
            [new Candidate("a|forum", "a", "a村", "forum", "召开一次团员青年座谈会", "可推广", new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero), [("地点", "村委会")], [new EvidenceView("1", "jpeg", 10, "/api/evidence/2026/a/s1/1", null)])],
            new MeetingRecord(4, "2026-11-25", "张三", "纪要", ["a|forum"], "town.t1", DateTimeOffset.UnixEpoch),
            5,
            [new RollEntry("a", "a村", "王书记", "sec.a")]);
        var sheets = CommitteeSheets.MeetingPack(pack, Definition2026);
        Assert.Equal(["进度小结", "逾期未完成", "优秀典型候选", "会议记录"], sheets.Select(s => s.Name));
        Assert.Equal(["a村", "王书记", 1, 1, 0, 1, "未开始（逾期）", "已通过"], sheets[0].Rows[0].Take(8));
        Assert.Equal(["a村", "建立一本团员青年台账"], sheets[1].Rows[0]);
        Assert.Equal(["a村", "召开一次团员青年座谈会", "2026-11-20", "可推广", "地点：村委会", "/api/evidence/2026/a/s1/1", "是"], sheets[2].Rows[0]);
        Assert.Equal(["推荐至市级", "a村 · 召开一次团员青年座谈会"], sheets[3].Rows[3]);

        using var stream = new MemoryStream(Sheet.Workbook(sheets));
        Assert.Equal(["进度小结", "逾期未完成", "优秀典型候选", "会议记录"], stream.GetSheetNames());
    }

    [Fact]
    public void ToXlsx_HeadersInOrder_EvenWithoutRows()
    {
        var sheet = new Sheet("空", ["镇街", "村（社区）"], []);
        using var stream = new MemoryStream(sheet.ToXlsx());
        var header = (IDictionary<string, object>)stream.Query().First();
        Assert.Equal(["镇街", "村（社区）"], header.Values.Select(v => v?.ToString()));
    }
}
