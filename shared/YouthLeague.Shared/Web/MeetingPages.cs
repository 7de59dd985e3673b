using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Committees;

namespace YouthLeague.Web;

/// <summary>
/// A town's quarterly exchange meeting (季度交流会): the pack to print or show on a phone, and the form that
/// records the meeting. The town's reviewer sees and records; the city sees (read-only: the meeting is the
/// town's, the city receives its recommendations). Works without JavaScript; prints as a clean document.
/// </summary>
public sealed class MeetingPages(Access access, MeetingService meetings, ChecklistDefinitions definitions, ChecklistPages checklistPages)
{
    public const string DateField = "date";
    public const string AttendeesField = "attendees";
    public const string MinutesField = "minutes";
    public const string RecommendedField = "recommended";

    /// <summary>Print: only the document (no header, forms, navigation), cards unboxed and kept whole on a page.</summary>
    private const string Style = """
        <style>
        .pack .stat{font-size:1.05rem}.pack td,.pack th{text-align:left}.pack .num{text-align:right}
        .case img{max-width:8rem;max-height:8rem;margin:.2rem;border-radius:.3rem;vertical-align:top}
        .minutes{white-space:pre-wrap}.quarters a{margin-right:.8rem}
        .case label{font-weight:400;display:inline}
        @media print{
          header,form,.noprint{display:none!important}
          body{background:#fff;font-size:12pt;color:#000}
          main{max-width:none;padding:0}
          .card{box-shadow:none;border:1px solid #999;border-radius:0;break-inside:avoid;page-break-inside:avoid}
          a{color:#000;text-decoration:none}
          .scroll{overflow:visible}
          table{font-size:10pt}
          h1{font-size:16pt;text-align:center}
        }
        </style>
        """;

    public async Task<IActionResult> PackAsync(HttpRequest req, string townId, string quarter)
    {
        var who = await access.RequireAsync(req, p => p.IsCity || p.ReviewsTown(townId));
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        return await RenderAsync(req, who.Principal!, townId, quarter, null, null, 200);
    }

    public async Task<IActionResult> RecordAsync(HttpRequest req, string townId, string quarter)
    {
        var who = await access.RequireAsync(req, p => p.ReviewsTown(townId), "只有本镇街的审核人员可以填写会议记录");
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        if (!MeetingRules.IsQuarter(quarter, out var q))
        {
            return PageAccess.Refusal(who with { Denied = Problems.NotFound("没有这个季度") });
        }

        var (form, unreadable) = await PageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var year = checklistPages.YearOf(req);
        var input = new MeetingInput(form[DateField].ToString(), form[AttendeesField].ToString(), form[MinutesField].ToString(), form[RecommendedField].Select(r => r ?? "").ToList());
        var result = await meetings.RecordAsync(year, townId, q, input, form[ChecklistPages.FormTokenField].ToString(), who.Principal!.Username, req.HttpContext.RequestAborted);
        if (result.Ok)
        {
            return Html.Redirect($"/towns/{townId}/meetings/{q}?year={year}&saved=1#record");
        }

        return await RenderAsync(req, who.Principal!, townId, quarter, input, result.Errors, result.Status, result.Title);
    }

    private async Task<IActionResult> RenderAsync(HttpRequest req, Principal who, string townId, string quarter, MeetingInput? input, ValidationErrors? errors, int status, string? error = null)
    {
        var year = checklistPages.YearOf(req);
        var pack = MeetingRules.IsQuarter(quarter, out var q) ? await meetings.PackAsync(year, townId, q, req.HttpContext.RequestAborted) : null;
        if (pack is null)
        {
            return PageAccess.Refusal(new AccessResult(who, Problems.NotFound("找不到该镇街的季度交流会")));
        }

        var definition = definitions.For(year);
        var sb = new StringBuilder(Style).Append("<div class=\"pack\">");
        sb.Append("<p class=\"noprint quarters\"><a href=\"/towns/").Append(Html.E(townId)).Append("?year=").Append(year).Append("\">← 镇街进度</a>");
        for (var i = 1; i <= 4; i++)
        {
            sb.Append(i == q ? $"<strong>第{i}季度</strong>" : $"<a href=\"/towns/{Html.E(townId)}/meetings/{i}?year={year}\">第{i}季度</a>");
        }

        sb.Append(" · <a href=\"/api/exports/").Append(year).Append("/meeting.xlsx?town=").Append(Html.E(townId)).Append("&amp;quarter=").Append(q).Append("\">下载 Excel</a>");
        sb.Append("</p><h1>").Append(Html.E(pack.Town.Name)).Append(' ').Append(year).Append("年第").Append(q).Append("季度团建工作交流会材料</h1>");
        if (req.Query["saved"] == "1" && status == 200)
        {
            sb.Append("<p class=\"ok noprint\" role=\"status\">会议记录已保存。</p>");
        }

        // Progress summary.
        var total = pack.Villages.Count * definition.Steps.Count;
        var approved = pack.Villages.Sum(v => v.Approved);
        var overdue = pack.Villages.Sum(v => v.Overdue.Count);
        sb.Append("<section class=\"card\" id=\"progress\"><h2>一、进度小结</h2><p class=\"muted\">")
          .Append(pack.FromSnapshot ? $"数据截至 {pack.AsOf:yyyy-MM-dd}（第{q}季度末快照）" : $"数据截至今日 {pack.AsOf:yyyy-MM-dd}（本季度尚无季末快照）").Append("</p>")
          .Append("<p class=\"stat\">").Append(pack.Villages.Count).Append(" 个村（社区），应完成 ").Append(total).Append(" 项，已通过 ").Append(approved)
          .Append(" 项（").Append(total == 0 ? "0" : (100.0 * approved / total).ToString("0", CultureInfo.InvariantCulture)).Append("%），待审核 ")
          .Append(pack.Villages.Sum(v => v.Submitted)).Append(" 项，逾期 <strong class=\"late\">").Append(overdue).Append("</strong> 项。</p>")
          .Append("<div class=\"scroll\"><table><thead><tr><th>村（社区）</th><th class=\"num\">已通过</th><th class=\"num\">待审核</th><th class=\"num\">逾期</th></tr></thead><tbody>");
        foreach (var v in pack.Villages.OrderByDescending(v => v.Approved).ThenBy(v => v.Id, StringComparer.Ordinal))
        {
            sb.Append("<tr><td>").Append(Html.E(v.Name)).Append("</td><td class=\"num\">").Append(v.Approved).Append('/').Append(definition.Steps.Count)
              .Append("</td><td class=\"num\">").Append(v.Submitted).Append("</td><td class=\"num\">").Append(v.Overdue.Count).Append("</td></tr>");
        }

        sb.Append("</tbody></table></div></section>");

        // Overdue list.
        sb.Append("<section class=\"card\" id=\"overdue\"><h2>二、逾期未完成</h2>");
        var late = pack.Villages.Where(v => v.Overdue.Count > 0).ToList();
        if (late.Count == 0)
        {
            sb.Append("<p>没有逾期的事项。</p>");
        }
        else
        {
            sb.Append("<ul>");
            foreach (var v in late)
            {
                sb.Append("<li><strong>").Append(Html.E(v.Name)).Append("</strong>：")
                  .Append(string.Join("、", v.Overdue.Select(s => Html.E(definition.Find(s)?.Title ?? s)))).Append("</li>");
            }

            sb.Append("</ul>");
        }

        sb.Append("</section>");

        // Candidates.
        sb.Append("<section class=\"card\" id=\"candidates\"><h2>三、优秀典型候选（").Append(pack.Candidates.Count).Append("）</h2>")
          .Append("<p class=\"muted\">审核时被推荐为优秀典型、尚未在此前季度交流会上推荐至市级的材料。</p>");
        foreach (var c in pack.Candidates)
        {
            sb.Append("<div class=\"case\" id=\"case-").Append(Html.E(c.VillageId)).Append('-').Append(Html.E(c.Step)).Append("\"><h3>").Append(Html.E(c.VillageName)).Append(" · ").Append(Html.E(c.StepTitle)).Append("</h3>")
              .Append("<p class=\"muted\">通过于 ").Append(c.ApprovedAt.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            if (c.Comment.Length > 0)
            {
                sb.Append("，审核意见：").Append(Html.E(c.Comment));
            }

            sb.Append("</p><dl>");
            foreach (var (label, value) in c.Fields)
            {
                sb.Append("<dt>").Append(Html.E(label)).Append("</dt><dd class=\"minutes\">").Append(Html.E(value)).Append("</dd>");
            }

            sb.Append("</dl><p>");
            foreach (var e in c.Evidence)
            {
                sb.Append("<a href=\"").Append(Html.E(e.Url)).Append("\">")
                  .Append(e.ThumbnailUrl is null
                      ? $"附件 {Html.E(e.Id)}（{Html.E(EvidenceKinds.Describe(e.Kind))}）"
                      : $"<img src=\"{Html.E(e.ThumbnailUrl)}\" alt=\"{Html.E(c.VillageName)} 现场照片 {Html.E(e.Id)}\" loading=\"lazy\">")
                  .Append("</a>");
            }

            sb.Append("</p></div>");
        }

        if (pack.Candidates.Count == 0)
        {
            sb.Append("<p>本季度暂无候选案例。</p>");
        }

        sb.Append("</section>");
        sb.Append(Record(pack, definition));
        sb.Append("</div>");

        if (who.ReviewsTown(townId))
        {
            sb.Append(Form(req, pack, input, errors, error));
        }
        else
        {
            sb.Append("<p class=\"muted noprint\">会议记录由镇街审核人员填写，市级可查看。</p>");
        }

        sb.Append("<p class=\"muted noprint\">打印：使用浏览器的“打印”即可得到不含导航和表单的会议材料。</p>");
        return Html.Page($"{pack.Town.Name}第{q}季度交流会", sb.ToString(), status, who.Username, ChecklistPages.Antiforgery(req));
    }

    private static string Record(MeetingPack pack, ChecklistDefinition definition)
    {
        var sb = new StringBuilder("<section class=\"card\" id=\"record\"><h2>四、会议记录</h2>");
        if (pack.Record is not { } r)
        {
            return sb.Append("<p>尚未记录。</p></section>").ToString();
        }

        sb.Append("<dl><dt>会议日期</dt><dd>").Append(Html.E(r.Date)).Append("</dd><dt>参会人员</dt><dd class=\"minutes\">").Append(Html.E(r.Attendees))
          .Append("</dd><dt>会议纪要</dt><dd class=\"minutes\">").Append(Html.E(r.Minutes)).Append("</dd><dt>推荐至市级的优秀典型</dt><dd>");
        var names = pack.Candidates.ToDictionary(c => c.Key, c => $"{c.VillageName} · {c.StepTitle}");
        sb.Append(r.Recommended.Count == 0
            ? "无"
            : string.Join("；", r.Recommended.Select(k => Html.E(names.GetValueOrDefault(k) ?? Describe(k, definition)))));
        return sb.Append("</dd></dl><p class=\"muted\">").Append(Html.E(r.RecordedBy)).Append(" 记录于 ")
          .Append(r.RecordedAt.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</p></section>").ToString();
    }

    private static string Describe(string key, ChecklistDefinition definition)
    {
        var i = key.IndexOf('|', StringComparison.Ordinal);
        return i < 0 ? key : $"{key[..i]} · {definition.Find(key[(i + 1)..])?.Title ?? key[(i + 1)..]}";
    }

    private static string Form(HttpRequest req, MeetingPack pack, MeetingInput? input, ValidationErrors? errors, string? error)
    {
        var kept = input ?? (pack.Record is { } r ? new MeetingInput(r.Date, r.Attendees, r.Minutes, r.Recommended) : new MeetingInput("", "", "", []));
        var sb = new StringBuilder("<form method=\"post\" class=\"card\" id=\"record-form\" action=\"/towns/")
            .Append(Html.E(pack.Town.Id)).Append("/meetings/").Append(pack.Quarter).Append("?year=").Append(pack.Year).Append("\">")
            .Append("<h2>").Append(pack.Record is null ? "填写会议记录" : "修改会议记录").Append("</h2>").Append(Html.Error(error))
            .Append(Html.Hidden(Access.AntiforgeryField, ChecklistPages.Antiforgery(req)))
            .Append(Html.Hidden(ChecklistPages.FormTokenField, Guid.NewGuid().ToString("N")))
            .Append("<label for=\"m-date\">会议日期 *</label><input id=\"m-date\" name=\"").Append(DateField).Append("\" type=\"date\" required value=\"").Append(Html.E(kept.Date)).Append("\">")
            .Append(FieldErrors(errors, DateField))
            .Append("<label for=\"m-attendees\">参会人员 *</label><textarea id=\"m-attendees\" name=\"").Append(AttendeesField).Append("\" rows=\"2\" required maxlength=\"")
            .Append(MeetingRules.MaxAttendees).Append("\">").Append(Html.E(kept.Attendees)).Append("</textarea>").Append(FieldErrors(errors, AttendeesField))
            .Append("<label for=\"m-minutes\">会议纪要 *</label><textarea id=\"m-minutes\" name=\"").Append(MinutesField).Append("\" rows=\"6\" required maxlength=\"")
            .Append(MeetingRules.MaxMinutes).Append("\">").Append(Html.E(kept.Minutes)).Append("</textarea>").Append(FieldErrors(errors, MinutesField))
            .Append("<fieldset class=\"case\"><legend>推荐至市级的优秀典型</legend>");
        if (pack.Candidates.Count == 0)
        {
            sb.Append("<p class=\"muted\">本季度暂无候选案例。</p>");
        }

        foreach (var c in pack.Candidates)
        {
            sb.Append("<p><label><input type=\"checkbox\" style=\"width:auto\" name=\"").Append(RecommendedField).Append("\" value=\"").Append(Html.E(c.Key)).Append('"')
              .Append(kept.Recommended.Contains(c.Key) ? " checked" : "").Append("> ").Append(Html.E(c.VillageName)).Append(" · ").Append(Html.E(c.StepTitle)).Append("</label></p>");
        }

        return sb.Append(FieldErrors(errors, RecommendedField)).Append("</fieldset><button>保存会议记录</button></form>").ToString();
    }

    private static string FieldErrors(ValidationErrors? errors, string field) =>
        string.Concat((errors?.GetValueOrDefault(field) ?? []).Select(m => $"<p class=\"error field\">{Html.E(m)}</p>"));
}
