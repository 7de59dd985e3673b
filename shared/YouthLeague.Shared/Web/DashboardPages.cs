using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Progress;
using YouthLeague.Storage;

namespace YouthLeague.Web;

/// <summary>
/// Committee dashboards, from projections only. Town page: 4 table queries (towns, villages, the town's progress
/// partition, the town's snapshots partition) whatever the number of villages, plus the caller's account lookup
/// (one point read); DashboardQueryTests counts them. City page: 3 + one per town (towns, villages, the
/// recommended cases, each town's progress partition).
/// </summary>
public sealed class DashboardPages(Access access, ProgressService progress, ChecklistDefinitions definitions, StorageClients storage, ChecklistPages checklistPages, Committees.MeetingService meetings)
{
    public async Task<IActionResult> TownAsync(HttpRequest req, string townId)
    {
        var who = await access.RequireAsync(req, p => p.IsCity || p.ReviewsTown(townId));
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklistPages.YearOf(req);
        var definition = definitions.Find(year);
        var report = definition is null ? null : await progress.ReportAsync(year, [townId], req.HttpContext.RequestAborted);
        if (report is null || report.Towns.Count == 0)
        {
            return PageAccess.Refusal(who with { Denied = Problems.NotFound("找不到该镇街") });
        }

        var town = report.Towns[0];
        var stepFilter = req.Query["step"].ToString();
        var statusFilter = req.Query["status"].ToString();
        var steps = definition!.Steps.Where(s => stepFilter.Length == 0 || s.Key == stepFilter).ToList();
        var villages = report.Villages.Where(v => statusFilter.Length == 0 || steps.Any(s => Matches(v, s.Key, statusFilter))).ToList();

        var sb = new StringBuilder();
        sb.Append("<h1>").Append(Html.E(town.Name)).Append(" · ").Append(year).Append("年进度</h1>")
          .Append("<p>").Append(town.Villages).Append(" 个村，已通过 ").Append(town.StepsApproved).Append(" 项，待审核 ").Append(town.StepsSubmitted)
          .Append(" 项，逾期 <strong class=\"late\">").Append(town.StepsOverdue).Append("</strong> 项。</p>")
          .Append(Links(year, townId))
          .Append(await ChartAsync(year, townId, town.Villages * definition.Steps.Count, req.HttpContext.RequestAborted))
          .Append("<form method=\"get\" class=\"card\"><input type=\"hidden\" name=\"year\" value=\"").Append(year).Append("\"><label for=\"step\">步骤</label><select id=\"step\" name=\"step\"><option value=\"\">全部</option>");
        foreach (var s in definition.Steps)
        {
            sb.Append("<option value=\"").Append(s.Key).Append('"').Append(s.Key == stepFilter ? " selected" : "").Append('>').Append(Html.E(s.Title)).Append("</option>");
        }

        sb.Append("</select><label for=\"status\">状态</label><select id=\"status\" name=\"status\"><option value=\"\">全部</option>");
        foreach (var (value, label) in new[] { ("overdue", "逾期"), ("submitted", "待审核"), ("returned", "已退回"), ("approved", "已通过"), ("notStarted", "未开始") })
        {
            sb.Append("<option value=\"").Append(value).Append('"').Append(value == statusFilter ? " selected" : "").Append('>').Append(label).Append("</option>");
        }

        sb.Append("</select><button>筛选</button></form><div class=\"scroll\"><table><thead><tr><th>村</th>");
        foreach (var s in steps)
        {
            sb.Append("<th>").Append(Html.E(s.Title)).Append("</th>");
        }

        sb.Append("</tr></thead><tbody>");
        foreach (var v in villages)
        {
            sb.Append("<tr><th><a href=\"/villages/").Append(Html.E(v.Id)).Append("?year=").Append(year).Append("\">").Append(Html.E(v.Name)).Append("</a></th>");
            foreach (var s in steps)
            {
                var status = v.Steps[s.Key];
                var overdue = v.Overdue.Contains(s.Key);
                // A cell with something handed in opens that submission; an empty one the village's card.
                var href = status == "notStarted" ? $"/villages/{v.Id}?year={year}#step-{s.Key}" : $"/villages/{v.Id}/steps/{s.Key}/review?year={year}";
                sb.Append("<td class=\"").Append(overdue ? "overdue" : status).Append("\"><a href=\"").Append(Html.E(href)).Append("\">")
                  .Append(overdue ? "逾期" : StepStatusNames.Parse(status).ToChinese()).Append("</a></td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</tbody></table></div>");
        return Html.Page(town.Name, sb.ToString(), user: who.Principal!.Username, antiforgery: ChecklistPages.Antiforgery(req));
    }

    public async Task<IActionResult> CityAsync(HttpRequest req)
    {
        var who = await access.RequireAsync(req, p => p.IsCity);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklistPages.YearOf(req);
        var report = await progress.ReportAsync(year, null, req.HttpContext.RequestAborted);
        if (report is null)
        {
            return PageAccess.Refusal(who with { Denied = Problems.NotFound("没有该年度的清单") });
        }

        var sb = new StringBuilder();
        sb.Append("<h1>全市 ").Append(year).Append("年“六个一”进度</h1>").Append(Links(year, null))
          .Append(Recommended(year, report, definitions.For(year), await meetings.RecommendedAsync(year, req.HttpContext.RequestAborted)));
        foreach (var t in report.Towns.OrderByDescending(t => Ratio(t.StepsApproved, t.Villages * 6)))
        {
            var pct = Ratio(t.StepsApproved, t.Villages * 6);
            sb.Append("<div class=\"card\"><h2><a href=\"/towns/").Append(Html.E(t.Id)).Append("?year=").Append(year).Append("\">").Append(Html.E(t.Name)).Append("</a></h2>")
              .Append("<div class=\"bar\" style=\"width:").Append(pct.ToString("0", CultureInfo.InvariantCulture)).Append("%\" title=\"完成率\"></div>")
              .Append("<p class=\"muted\">完成 ").Append(pct.ToString("0", CultureInfo.InvariantCulture)).Append("%（").Append(t.StepsApproved).Append("/").Append(t.Villages * 6)
              .Append("），待审核 ").Append(t.StepsSubmitted).Append("，逾期 ").Append(t.StepsOverdue).Append("</p></div>");
        }

        return Html.Page("全市进度", sb.ToString(), user: who.Principal!.Username, antiforgery: ChecklistPages.Antiforgery(req));
    }

    /// <summary>Exports (town-scoped on a town page) and, on a town page, the quarterly exchange meetings.</summary>
    private static string Links(int year, string? townId)
    {
        var town = townId is null ? "" : "?town=" + Html.E(townId);
        var links = new[] { ("progress", "进度"), ("assessment", "年度考核"), ("volunteering", "志愿服务汇总"), ("ledger", "团员青年台账汇总") }
            .Select(x => $"<a href=\"/api/exports/{year}/{x.Item1}.xlsx{town}\">{x.Item2}</a>" + (x.Item1 == "progress" ? "" : $"（<a href=\"/api/exports/{year}/{x.Item1}.csv{town}\">CSV</a>）"));
        var sb = new StringBuilder("<nav class=\"card\" id=\"exports\"><strong>导出 Excel：</strong>").AppendJoin(" · ", links);
        if (townId is not null)
        {
            sb.Append("<br><strong>季度交流会：</strong>");
            for (var q = 1; q <= 4; q++)
            {
                sb.Append("<a href=\"/towns/").Append(Html.E(townId)).Append("/meetings/").Append(q).Append("?year=").Append(year).Append("\">第").Append(q).Append("季度</a> ");
            }
        }

        return sb.Append("</nav>").ToString();
    }

    /// <summary>Cases the towns' quarterly meetings recommended to the city, each opening the submission.</summary>
    private static string Recommended(int year, ProgressReport report, ChecklistDefinition definition, IReadOnlyList<Committees.RecommendationEntity> cases)
    {
        var sb = new StringBuilder("<section class=\"card\" id=\"recommended\"><h2>各镇街推荐的优秀典型（").Append(cases.Count).Append("）</h2>");
        if (cases.Count == 0)
        {
            return sb.Append("<p class=\"muted\">各镇街的季度交流会尚未推荐案例。</p></section>").ToString();
        }

        var towns = report.Towns.ToDictionary(t => t.Id, t => t.Name);
        var villages = report.Villages.ToDictionary(v => v.Id, v => v.Name);
        sb.Append("<ul>");
        foreach (var c in cases)
        {
            sb.Append("<li>").Append(Html.E(towns.GetValueOrDefault(c.TownId, c.TownId))).Append(" · <a href=\"/villages/").Append(Html.E(c.VillageId)).Append("/steps/").Append(Html.E(c.Step))
              .Append("/review?year=").Append(year).Append("\">").Append(Html.E(villages.GetValueOrDefault(c.VillageId, c.VillageId))).Append(" · ").Append(Html.E(definition.Find(c.Step)?.Title ?? c.Step))
              .Append("</a> <span class=\"muted\">第").Append(c.Quarter).Append("季度交流会（").Append(Html.E(c.MeetingDate)).Append("）</span></li>");
        }

        return sb.Append("</ul></section>").ToString();
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : 100.0 * part / whole;

    private static bool Matches(VillageProgress v, string step, string status) =>
        status == "overdue" ? v.Overdue.Contains(step) : v.Steps[step] == status;

    /// <summary>Approved steps at the end of each quarter, from the kept quarterly snapshots, as an SVG bar chart.</summary>
    private async Task<string> ChartAsync(int year, string townId, int total, CancellationToken cancellationToken)
    {
        var approved = new int[4];
        await foreach (var row in storage.Table(TableNames.Snapshots).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(year, townId)}"), select: ["Quarter", "Approved"], cancellationToken: cancellationToken))
        {
            if (row.GetInt32("Quarter") is { } q and >= 1 and <= 4)
            {
                approved[q - 1] += row.GetInt32("Approved") ?? 0;
            }
        }

        var sb = new StringBuilder("<figure class=\"card\"><figcaption>各季度末已通过的项数</figcaption><svg viewBox=\"0 0 320 130\" width=\"100%\" role=\"img\" aria-label=\"季度进度图\">");
        for (var i = 0; i < 4; i++)
        {
            var h = total == 0 ? 0 : 100.0 * approved[i] / total;
            var x = 20 + (i * 75);
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{110 - h:0.#}\" width=\"50\" height=\"{h:0.#}\" fill=\"#1a7f37\"></rect>")
              .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 25}\" y=\"125\" text-anchor=\"middle\" font-size=\"11\">第{i + 1}季度</text>")
              .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 25}\" y=\"{105 - h:0.#}\" text-anchor=\"middle\" font-size=\"11\">{approved[i]}</text>");
        }

        return sb.Append("</svg></figure>").ToString();
    }
}
