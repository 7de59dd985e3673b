using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Ledger;

namespace YouthLeague.Web;

/// <summary>
/// The register (团员青年台账) as pages: the list (phones in full only for the village's secretary and its town
/// reviewers), one form per person to add, change or remove, and an import with a row-by-row error report.
/// A handed-in snapshot (<c>?version=</c>) shows read-only. Plain forms; they work without JavaScript.
/// </summary>
public sealed class LedgerPages(Access access, LedgerService ledger, ChecklistPages checklists)
{
    private static readonly string[] RowFields = ["name", "sex", "birthYear", "isLeagueMember", "phone", "education", "occupation", "note", "guardianConsent"];

    public async Task<IActionResult> ListAsync(HttpRequest req, string villageId) =>
        await ListAsync(req, villageId, null, 200);

    private async Task<IActionResult> ListAsync(HttpRequest req, string villageId, (string Title, IReadOnlyList<RowError> Errors)? importFailure, int status)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Read);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklists.YearOf(req);
        var version = req.Query["version"].ToString();
        var snapshot = version.Length > 0;
        if (snapshot && !LedgerService.VersionFormat().IsMatch(version))
        {
            return PageAccess.Refusal(who with { Denied = Problems.NotFound("找不到该台账快照") });
        }

        var rows = await ledger.ReadVersionAsync(year, villageId, snapshot ? version : null, who.MaySeePersonalData, req.HttpContext.RequestAborted);
        if (snapshot && rows.Count == 0)
        {
            return PageAccess.Refusal(who with { Denied = Problems.NotFound("找不到该台账快照") });
        }

        var editable = !snapshot && who.Principal!.IsSecretaryOf(villageId);
        var sb = new StringBuilder();
        sb.Append("<p><a href=\"/villages/").Append(Html.E(villageId)).Append("?year=").Append(year).Append("\">← 返回本村清单</a></p>")
          .Append("<h1>").Append(Html.E(who.Village!.Name)).Append(" · ").Append(year).Append("年团员青年台账</h1>");
        if (snapshot)
        {
            sb.Append("<p class=\"muted\">这是提交“建立台账”一项时保存的台账快照，只读。</p>");
        }

        sb.Append(Html.Ok(req.Query["saved"].Count > 0 ? "已保存。" : req.Query["deleted"].Count > 0 ? "已删除。" : req.Query["imported"].ToString() is { Length: > 0 } n ? $"已导入 {n} 人。" : null));
        if (importFailure is { } failure)
        {
            sb.Append("<div class=\"card\" id=\"import-errors\">").Append(Html.Error(failure.Title)).Append("<ul>");
            foreach (var e in failure.Errors)
            {
                sb.Append("<li>").Append(e.Row > 0 ? $"第 {e.Row} 行：" : "").Append(Html.E(e.Message)).Append("</li>");
            }

            sb.Append("</ul></div>");
        }

        var year14 = year - LedgerRules.MinorAge;
        sb.Append("<p>共 <strong>").Append(rows.Count).Append("</strong> 人，其中团员 ").Append(rows.Count(r => r.IsLeagueMember))
          .Append(" 人，未满 14 周岁 ").Append(rows.Count(r => r.BirthYear > year14)).Append(" 人。</p>");
        if (!who.MaySeePersonalData)
        {
            sb.Append("<p class=\"muted\">电话号码已部分隐藏。</p>");
        }

        if (editable)
        {
            sb.Append("<a class=\"button\" href=\"/villages/").Append(Html.E(villageId)).Append("/ledger/row?year=").Append(year).Append("\">登记一人</a>");
        }

        sb.Append("<div class=\"scroll\"><table><thead><tr><th>姓名</th><th>性别</th><th>出生年份</th><th>团员</th><th>电话</th><th>学历</th><th>工作或学习单位</th><th>备注</th>")
          .Append(editable ? "<th></th>" : "").Append("</tr></thead><tbody>");
        foreach (var r in rows)
        {
            sb.Append("<tr><td>").Append(Html.E(r.Name)).Append("</td><td>").Append(Html.E(r.Sex)).Append("</td><td>").Append(r.BirthYear)
              .Append(r.BirthYear > year14 ? (r.GuardianConsent ? "（监护人已同意）" : "") : "").Append("</td><td>").Append(LedgerRules.YesNo(r.IsLeagueMember))
              .Append("</td><td>").Append(Html.E(r.Phone)).Append("</td><td>").Append(Html.E(r.Education)).Append("</td><td>").Append(Html.E(r.Occupation))
              .Append("</td><td>").Append(Html.E(r.Note)).Append("</td>");
            if (editable)
            {
                sb.Append("<td><a href=\"/villages/").Append(Html.E(villageId)).Append("/ledger/row?year=").Append(year).Append("&amp;row=").Append(Html.E(r.Id)).Append("\">修改</a></td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</tbody></table></div>");
        if (rows.Count == 0)
        {
            sb.Append("<p class=\"muted\">台账里还没有人。</p>");
        }

        if (!snapshot)
        {
            sb.Append("<p><a href=\"/api/checklists/").Append(year).Append('/').Append(Html.E(villageId)).Append("/ledger.csv\">导出 CSV</a></p>");
        }

        if (editable)
        {
            sb.Append("<div class=\"card\"><h2>从 Excel 或 CSV 导入</h2><p class=\"muted\">按<a href=\"/api/ledger/template.csv\">模板</a>填写（")
              .Append(string.Join("、", LedgerFiles.Columns)).Append("），另存为 .xlsx 或 .csv。有任何一行出错，整份文件都不导入，并逐行列出原因。</p>")
              .Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"/villages/").Append(Html.E(villageId)).Append("/ledger/import?year=").Append(year).Append("\">")
              .Append(Html.Hidden(Access.AntiforgeryField, ChecklistPages.Antiforgery(req)))
              .Append(Html.Hidden(ChecklistPages.FormTokenField, Guid.NewGuid().ToString("N")))
              .Append("<label for=\"ledger-file\">台账文件（不超过 2 MB）</label><input id=\"ledger-file\" name=\"file\" type=\"file\" accept=\".xlsx,.csv\" required>")
              .Append("<button>导入</button></form></div>");
        }

        return Html.Page("团员青年台账", sb.ToString(), status, who.Principal!.Username, ChecklistPages.Antiforgery(req));
    }

    public async Task<IActionResult> RowFormAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklists.YearOf(req);
        var rowId = req.Query["row"].ToString();
        if (rowId.Length == 0)
        {
            return RowForm(req, who, year, villageId, null, new Dictionary<string, string?> { ["row"] = NewRowId() }, [], 200);
        }

        var row = (await ledger.ReadAsync(year, villageId, showPhones: true, req.HttpContext.RequestAborted)).FirstOrDefault(r => r.Id == rowId);
        return row is null
            ? PageAccess.Refusal(who with { Denied = Problems.NotFound("这一行已不在台账中") })
            : RowForm(req, who, year, villageId, row.Id, Values(row), [], 200);
    }

    public async Task<IActionResult> RowSubmitAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklists.YearOf(req);
        var (form, unreadable) = await PageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var values = RowFields.Append("row").ToDictionary(f => f, f => (string?)form[f].ToString());
        var rowId = values["row"];
        if (!Towns.Ids.IsValid(rowId) || rowId!.Length > 32)
        {
            return RowForm(req, who, year, villageId, null, values, ["表单已过期，请返回台账页重新打开"], 400);
        }

        var existing = req.Query["row"].Count > 0;
        LedgerChange change;
        if (form[ChecklistPages.IntentField] == "delete")
        {
            change = await ledger.DeleteRowAsync(year, villageId, rowId, req.HttpContext.RequestAborted);
            if (change.Status == 200)
            {
                return Html.Redirect($"/villages/{villageId}/ledger?year={year}&deleted=1");
            }
        }
        else
        {
            var birthYear = LedgerRules.ParseYear(values["birthYear"]);
            var row = new LedgerRow(
                rowId, values["name"]?.Trim() ?? "", values["sex"] ?? "", birthYear ?? 0, Checked(values["isLeagueMember"]),
                Blank(values["phone"]), Blank(values["education"]), Blank(values["occupation"]), Blank(values["note"]), Checked(values["guardianConsent"]));
            if (birthYear is null)
            {
                return RowForm(req, who, year, villageId, existing ? rowId : null, values, ["出生年份请填 4 位数字，如 1998"], 422);
            }

            change = await ledger.SaveRowAsync(year, villageId, row, req.HttpContext.RequestAborted);
            if (change.Status == 200)
            {
                return Html.Redirect($"/villages/{villageId}/ledger?year={year}&saved=1");
            }
        }

        var messages = change.Errors is { Count: > 0 } errors ? errors.Select(e => e.Message).ToList() : [change.Title ?? "未能保存"];
        return RowForm(req, who, year, villageId, existing ? rowId : null, values, messages, change.Status);
    }

    public async Task<IActionResult> ImportAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = checklists.YearOf(req);
        var upload = await LedgerUpload.ReadAsync(req);
        if (upload.Content is null)
        {
            return await ListAsync(req, villageId, (upload.Title!, []), upload.Status);
        }

        await using var content = upload.Content;
        var token = req.Form[ChecklistPages.FormTokenField].ToString();
        var result = await ledger.ImportAsync(year, villageId, content, upload.Kind, token.Length is > 0 and <= 64 ? "form-" + token : null, req.HttpContext.RequestAborted);
        return result.Status == 200
            ? Html.Redirect($"/villages/{villageId}/ledger?year={year}&imported={result.Count}")
            : await ListAsync(req, villageId, (result.Title ?? "导入失败", result.Errors ?? []), result.Status);
    }

    private static ContentResult RowForm(HttpRequest req, AccessResult who, int year, string villageId, string? editing, IReadOnlyDictionary<string, string?> v, IReadOnlyList<string> errors, int status)
    {
        string Value(string name) => Html.E(v.GetValueOrDefault(name));
        var sb = new StringBuilder();
        sb.Append("<p><a href=\"/villages/").Append(Html.E(villageId)).Append("/ledger?year=").Append(year).Append("\">← 返回台账</a></p>")
          .Append("<div class=\"card\"><h1>").Append(editing is null ? "登记一人" : "修改登记").Append("</h1>");
        if (errors.Count > 0)
        {
            sb.Append("<div class=\"error\" role=\"alert\"><ul>");
            foreach (var e in errors)
            {
                sb.Append("<li>").Append(Html.E(e)).Append("</li>");
            }

            sb.Append("</ul></div>");
        }

        sb.Append("<form method=\"post\" action=\"/villages/").Append(Html.E(villageId)).Append("/ledger/row?year=").Append(year)
          .Append(editing is null ? "" : "&amp;row=" + Html.E(editing)).Append("\">")
          .Append(Html.Hidden(Access.AntiforgeryField, ChecklistPages.Antiforgery(req)))
          .Append(Html.Hidden("row", v.GetValueOrDefault("row") ?? ""))
          .Append("<label for=\"l-name\">姓名 *</label><input id=\"l-name\" name=\"name\" required maxlength=\"20\" value=\"").Append(Value("name")).Append("\">")
          .Append("<label for=\"l-sex\">性别 *</label><select id=\"l-sex\" name=\"sex\" required><option value=\"\">请选择</option>");
        foreach (var sex in LedgerRules.Sexes)
        {
            sb.Append("<option").Append(v.GetValueOrDefault("sex") == sex ? " selected" : "").Append('>').Append(sex).Append("</option>");
        }

        sb.Append("</select><label for=\"l-birth\">出生年份 *</label><input id=\"l-birth\" name=\"birthYear\" required inputmode=\"numeric\" pattern=\"[0-9]{4}\" placeholder=\"如 1998\" value=\"").Append(Value("birthYear")).Append("\">")
          .Append("<label><input type=\"checkbox\" name=\"isLeagueMember\" value=\"true\" style=\"width:auto\"").Append(Checked(v.GetValueOrDefault("isLeagueMember")) ? " checked" : "").Append("> 共青团员</label>")
          .Append("<label><input type=\"checkbox\" name=\"guardianConsent\" value=\"true\" style=\"width:auto\"").Append(Checked(v.GetValueOrDefault("guardianConsent")) ? " checked" : "").Append("> 监护人已同意（未满 14 周岁必填）</label>")
          .Append("<label for=\"l-phone\">联系电话</label><input id=\"l-phone\" name=\"phone\" type=\"tel\" inputmode=\"tel\" maxlength=\"20\" value=\"").Append(Value("phone")).Append("\">")
          .Append("<label for=\"l-edu\">学历</label><input id=\"l-edu\" name=\"education\" maxlength=\"20\" value=\"").Append(Value("education")).Append("\">")
          .Append("<label for=\"l-occ\">工作或学习单位</label><input id=\"l-occ\" name=\"occupation\" maxlength=\"40\" value=\"").Append(Value("occupation")).Append("\">")
          .Append("<label for=\"l-note\">备注</label><textarea id=\"l-note\" name=\"note\" rows=\"3\" maxlength=\"200\">").Append(Value("note")).Append("</textarea>")
          .Append("<button name=\"intent\" value=\"save\">保存</button>");
        if (editing is not null)
        {
            sb.Append("<button name=\"intent\" value=\"delete\" formnovalidate class=\"secondary\">从台账中删除此人</button>");
        }

        sb.Append("</form></div>");
        return Html.Page("团员青年台账", sb.ToString(), status, who.Principal!.Username, ChecklistPages.Antiforgery(req));
    }

    private static Dictionary<string, string?> Values(LedgerRow r) => new()
    {
        ["row"] = r.Id,
        ["name"] = r.Name,
        ["sex"] = r.Sex,
        ["birthYear"] = r.BirthYear.ToString(CultureInfo.InvariantCulture),
        ["isLeagueMember"] = r.IsLeagueMember ? "true" : "",
        ["phone"] = r.Phone,
        ["education"] = r.Education,
        ["occupation"] = r.Occupation,
        ["note"] = r.Note,
        ["guardianConsent"] = r.GuardianConsent ? "true" : "",
    };

    private static string NewRowId() => Guid.NewGuid().ToString("N")[..12];

    private static bool Checked(string? value) => value is "true" or "on";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
