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
/// Committee dashboards, from projections only. Town page: 4 storage queries (towns, villages, the town's
/// progress partition, the town's snapshots partition) whatever the number of villages. City page: 2 + one per town.
/// </summary>
public sealed class DashboardPages(Access access, ProgressService progress, ChecklistDefinitions definitions, StorageClients storage, ChecklistPages checklistPages)
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
          .Append(" 项，逾期 <strong class=\"late\">").Append(town.StepsOverdue).Append("</strong> 项。 <a href=\"/api/exports/").Append(year).Append("/progress.xlsx?town=").Append(Html.E(townId)).Append("\">导出 Excel</a></p>")
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
                sb.Append("<td class=\"").Append(overdue ? "overdue" : status).Append("\"><a href=\"/villages/").Append(Html.E(v.Id)).Append("?year=").Append(year).Append("#step-").Append(s.Key).Append("\">")
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
        sb.Append("<h1>全市 ").Append(year).Append("年“六个一”进度</h1><p><a href=\"/api/exports/").Append(year).Append("/progress.xlsx\">导出 Excel</a></p>");
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
