using System.Globalization;
using YouthLeague.Checklist;
using YouthLeague.Ledger;
using YouthLeague.Towns;

namespace YouthLeague.Committees;

/// <summary>One village of an export, with its town's name and its checklist as the projection holds it (null: not started).</summary>
public sealed record ExportVillage(Town Town, Village Village, ChecklistView? Checklist);

/// <summary>The committees' exports as sheets, from data already read: pure, so each column is unit-tested.</summary>
public static class CommitteeSheets
{
    public const string Yes = "是";
    public const string No = "否";

    /// <summary>The columns naming the village's first secretary now (every export carries them).</summary>
    public static readonly IReadOnlyList<string> SecretaryHeaders = ["第一书记", "派出单位"];

    private static object?[] SecretaryCells(Village v) =>
        [v.Secretary.Name.Length > 0 ? v.Secretary.Name : null, v.Secretary.DispatchingUnit.Length > 0 ? v.Secretary.DispatchingUnit : null];

    /// <summary>
    /// Annual assessment (年度考核): per village, the secretary now, each step's rubric parts (docs/assessment.md) and who
    /// handed it in (name and dispatching unit at the time), the total, and the year split by tenure: each secretary who
    /// handed something in, with the steps credited to them and their points (a rotation mid-year shows both).
    /// </summary>
    public static Sheet Assessment(int year, ChecklistDefinition definition, IEnumerable<ExportVillage> villages)
    {
        List<string> headers = ["镇街", "村（社区）", .. SecretaryHeaders];
        foreach (var s in definition.Steps)
        {
            headers.AddRange([$"{s.Title}·状态", $"{s.Title}·按时完成", $"{s.Title}·退回次数", $"{s.Title}·优秀典型", $"{s.Title}·得分", $"{s.Title}·提交人"]);
        }

        headers.AddRange(["已通过项数", "考核得分", "年度结账得分", "按任期（谁提交了哪些）"]);
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var v in villages)
        {
            var result = Score(year, definition, v);
            List<object?> row = [v.Town.Name, v.Village.Name, .. SecretaryCells(v.Village)];
            foreach (var s in result.Steps)
            {
                var approved = s.Status == StepStatus.Approved;
                row.AddRange([s.Status.ToChinese(), approved ? (s.OnTime ? Yes : No) : null, s.ReturnedRounds, s.Exemplary ? Yes : null, s.Points, Credited(v, s.Step)?.Handler]);
            }

            var tenures = Tenures(definition, v, result);
            row.AddRange([
                result.Steps.Count(s => s.Status == StepStatus.Approved), result.Score, v.Checklist?.Score,
                tenures.Count == 0 ? null : string.Join("；", tenures.Select(t => $"{t.Handler}：{string.Join("、", t.Steps)}（{t.Points} 分）")),
            ]);
            rows.Add(row);
        }

        return new Sheet($"{year}年度考核", headers, rows);
    }

    /// <summary>The submission a step is credited to: its latest (the approved one once approved; approval is final).</summary>
    public static SubmissionView? Credited(ExportVillage v, string step) =>
        v.Checklist?.Steps.FirstOrDefault(s => s.Key == step)?.Submissions.LastOrDefault();

    /// <summary>
    /// The village's year split by who handed in (by username, in order of their first credited submission): each
    /// secretary's steps and the points those steps scored.
    /// </summary>
    public static List<(string Handler, List<string> Steps, int Points)> Tenures(ChecklistDefinition definition, ExportVillage v, AssessmentResult result) =>
        result.Steps
            .Select(s => (Score: s, Sub: Credited(v, s.Step)))
            .Where(x => x.Sub is not null)
            .GroupBy(x => x.Sub!.By)
            .OrderBy(g => g.Min(x => x.Sub!.SubmittedAt))
            .Select(g => (g.OrderByDescending(x => x.Sub!.SubmittedAt).First().Sub!.Handler, g.Select(x => definition.Find(x.Score.Step)?.Title ?? x.Score.Step).ToList(), g.Sum(x => x.Score.Points)))
            .ToList();

    /// <summary>The rubric applied to the state the projection holds, on the real calendar (China time).</summary>
    public static AssessmentResult Score(int year, ChecklistDefinition definition, ExportVillage v)
    {
        var steps = (v.Checklist?.Steps ?? []).ToDictionary(
            s => s.Key,
            s => new StepState
            {
                Status = s.Status,
                ReturnedRounds = s.ReturnedRounds,
                Exemplary = s.Exemplary,
                FirstSubmittedAt = s.Submissions.Count > 0 ? s.Submissions[0].SubmittedAt : null,
            });
        var state = new ChecklistState { Year = year, VillageId = v.Village.Id, Steps = steps };
        return Checklist.Assessment.Score(state, definition, ChecklistCalendar.Real(year));
    }

    /// <summary>
    /// Volunteering summary (志愿服务汇总): per village, the latest answer to the step (its fields by label, numbers as
    /// numbers), then one row per further activity of the step (version 3: recorded after the step was approved, with
    /// its own status); then a total of every number field over all answers and over approved ones, each with the
    /// number of activities it counts (the step's own and every further one).
    /// </summary>
    public static Sheet Volunteering(int year, StepDefinition step, IEnumerable<ExportVillage> villages)
    {
        List<string> headers = ["镇街", "村（社区）", .. SecretaryHeaders, "状态"];
        headers.AddRange(step.Fields.Select(f => f.Label));
        headers.Add("提交人");
        var rows = new List<IReadOnlyList<object?>>();
        var numbers = step.Fields.Select((f, i) => (f, i)).Where(x => x.f.Type == FieldType.Number).ToList();
        var all = new double[step.Fields.Count];
        var approved = new double[step.Fields.Count];
        var (allCount, approvedCount) = (0, 0);
        foreach (var v in villages)
        {
            var view = v.Checklist?.Steps.FirstOrDefault(s => s.Key == step.Key);
            var own = view?.Submissions.LastOrDefault();
            List<(StepStatus Status, SubmissionView? Answer)> activities = [(view?.Status ?? StepStatus.NotStarted, own)];
            activities.AddRange((view?.FurtherActivities ?? []).Select(a => (a.Status, (SubmissionView?)a.Submission)));
            foreach (var (status, answer) in activities)
            {
                List<object?> row = [v.Town.Name, v.Village.Name, .. SecretaryCells(v.Village), status.ToChinese()];
                allCount += answer is null ? 0 : 1;
                approvedCount += answer is not null && status == StepStatus.Approved ? 1 : 0;
                for (var i = 0; i < step.Fields.Count; i++)
                {
                    var f = step.Fields[i];
                    var text = answer?.Fields.GetValueOrDefault(f.Name);
                    if (f.Type == FieldType.Number && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                    {
                        row.Add(n);
                        all[i] += n;
                        approved[i] += status == StepStatus.Approved ? n : 0;
                    }
                    else
                    {
                        row.Add(string.IsNullOrEmpty(text) ? null : text);
                    }
                }

                row.Add(answer?.Handler);
                rows.Add(row);
            }
        }

        rows.Add(Total("合计（全部已提交）", allCount, step, numbers.Select(x => x.i), all));
        rows.Add(Total("其中已通过", approvedCount, step, numbers.Select(x => x.i), approved));
        return new Sheet($"{year}年志愿服务汇总", headers, rows);
    }

    private static List<object?> Total(string label, int activities, StepDefinition step, IEnumerable<int> numberColumns, double[] sums)
    {
        var row = new List<object?> { label, $"{activities} 次活动", null, null, null };
        row.AddRange(Enumerable.Repeat<object?>(null, step.Fields.Count + 1));
        foreach (var i in numberColumns)
        {
            row[5 + i] = sums[i];
        }

        return row;
    }

    /// <summary>A quarterly meeting's pack as a workbook: progress, overdue, candidates (with their evidence links), the record.</summary>
    public static IReadOnlyList<Sheet> MeetingPack(MeetingPack pack, ChecklistDefinition definition)
    {
        var progress = new List<string> { "村（社区）", "第一书记", "已通过", "已通过活动", "待审核", "逾期项数" };
        var secretaries = (pack.Roll ?? []).ToDictionary(r => r.VillageId, r => r.SecretaryName);
        progress.AddRange(definition.Steps.Select(s => s.Title));
        var recommended = pack.Record?.Recommended.ToHashSet() ?? [];
        return
        [
            new("进度小结", progress, pack.Villages.Select(v => (IReadOnlyList<object?>)
            [
                v.Name, secretaries.GetValueOrDefault(v.Id), v.Approved, v.Activities, v.Submitted, v.Overdue.Count,
                .. definition.Steps.Select(s => (object?)(StepStatusNames.Parse(v.Steps[s.Key]).ToChinese() + (v.Overdue.Contains(s.Key) ? "（逾期）" : ""))),
            ]).ToList()),
            new("逾期未完成", ["村（社区）", "逾期事项"], pack.Villages.Where(v => v.Overdue.Count > 0).Select(v => (IReadOnlyList<object?>)
            [
                v.Name, string.Join("、", v.Overdue.Select(s => definition.Find(s)?.Title ?? s)),
            ]).ToList()),
            new("优秀典型候选", ["村（社区）", "事项", "通过日期", "审核意见", "提交内容", "证据", "推荐至市级"], pack.Candidates.Select(c => (IReadOnlyList<object?>)
            [
                c.VillageName, c.StepTitle, ChinaTime.Today(c.ApprovedAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Comment,
                string.Join("\n", c.Fields.Select(f => $"{f.Label}：{f.Value}")), string.Join("\n", c.Evidence.Select(e => e.Url)), recommended.Contains(c.Key) ? Yes : null,
            ]).ToList()),
            new("会议记录", ["项目", "内容"], pack.Record is { } r
                ? [
                    ["会议日期", r.Date],
                    .. (r.Agenda ?? []).Select((a, i) => (IReadOnlyList<object?>)[$"议程 {i + 1}", a]),
                    .. (r.Attendance ?? []).Select(a => (IReadOnlyList<object?>)[$"出席：{a.VillageName} {a.SecretaryName}", a.Present ? "出席" : "缺席：" + a.Reason]),
                    [r.Attendance is { Count: > 0 } ? "其他参会人员" : "参会人员", r.Attendees],
                    ["会议纪要", r.Minutes],
                    ["推荐至市级", string.Join("、", pack.Candidates.Where(c => recommended.Contains(c.Key)).Select(c => $"{c.VillageName} · {c.StepTitle}"))],
                    ["记录人", r.RecordedBy],
                    ["版本", r.Version],
                ]
                : [["会议日期", "尚未记录"]]),
        ];
    }

    /// <summary>
    /// The handover pack (交接材料) as a workbook: 概况 (the village, its secretary, each step's status), 提交材料 (every
    /// submission with who handed it in, its answers and evidence links, the step's last review), 工作计划, 团员青年台账.
    /// </summary>
    public static IReadOnlyList<Sheet> Handover(int year, Town town, Village village, DateOnly today, ChecklistView? checklist, IReadOnlyList<LedgerRow> register)
    {
        var steps = checklist?.Steps ?? [];
        IReadOnlyList<object?>[] head =
        [
            ["镇街", town.Name], ["村（社区）", village.Name], ["现任第一书记", village.Secretary.Name], ["派出单位", village.Secretary.DispatchingUnit],
            ["截至", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
            .. steps.Select(s => (IReadOnlyList<object?>)[s.Title, s.Status.ToChinese() + (s.Overdue ? "（逾期）" : "")]),
        ];
        // Every submission of each step, then its further activities (version 3) as "{title}（后续活动）" with their own review.
        var submissions = steps.SelectMany(s => s.Submissions.Select(sub => (Title: s.Title, Submission: sub, Review: sub == s.Submissions[^1] ? s.LastReview : null))
                .Concat(s.FurtherActivities.Select(a => (Title: s.Title + "（后续活动）", a.Submission, a.Review)))
                .Select(x => (IReadOnlyList<object?>)
                [
                    x.Title, ChinaTime.ToChina(x.Submission.SubmittedAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), x.Submission.Handler,
                    string.Join("\n", s.Fields.Where(f => x.Submission.Fields.ContainsKey(f.Name)).Select(f => $"{f.Label}：{x.Submission.Fields[f.Name]}")),
                    string.Join("\n", x.Submission.Evidence.Select(e => e.Url)),
                    x.Review is { } r ? $"{(r.Decision == ReviewDecision.Approve ? "通过" : "退回")}（{r.By}）{(r.Comment.Length > 0 ? "：" + r.Comment : "")}" : null,
                ]))
            .ToList();
        var plan = steps.FirstOrDefault(s => s.Key == "plan");
        var planAnswer = plan?.Submissions.LastOrDefault();
        return
        [
            new("概况", ["项目", "内容"], head),
            new("提交材料", ["事项", "提交时间", "提交人", "提交内容", "附件", "审核意见"], submissions),
            new("工作计划", ["项目", "内容"], planAnswer is null
                ? [["工作计划", "尚未提交"]]
                : [.. plan!.Fields.Where(f => planAnswer.Fields.ContainsKey(f.Name)).Select(f => (IReadOnlyList<object?>)[f.Label, planAnswer.Fields[f.Name]]), ["提交人", planAnswer.Handler], ["状态", plan.Status.ToChinese()]]),
            new($"{year}年团员青年台账", LedgerHeaders.Skip(4).ToList(), register.Select(r => (IReadOnlyList<object?>)
            [
                r.Name, r.Sex, r.BirthYear, r.IsLeagueMember ? Yes : No, r.Phone, r.Education, r.Occupation, r.Note,
            ]).ToList()),
        ];
    }

    public static readonly IReadOnlyList<string> LedgerHeaders = ["镇街", "村（社区）", "第一书记", "派出单位", "姓名", "性别", "出生年份", "是否团员", "联系电话", "学历", "工作或学习单位", "备注"];

    /// <summary>A town's ledger roll-up (团员青年台账汇总): every village's register rows; phones as the reader may see them.</summary>
    public static Sheet Ledger(int year, IEnumerable<(Town Town, Village Village, IReadOnlyList<LedgerRow> Rows)> villages) =>
        new(
            $"{year}年团员青年台账",
            LedgerHeaders,
            villages.SelectMany(v => v.Rows.Select(r => (IReadOnlyList<object?>)
            [
                v.Town.Name, v.Village.Name, .. SecretaryCells(v.Village), r.Name, r.Sex, r.BirthYear, r.IsLeagueMember ? Yes : No, r.Phone, r.Education, r.Occupation, r.Note,
            ])).ToList());
}
