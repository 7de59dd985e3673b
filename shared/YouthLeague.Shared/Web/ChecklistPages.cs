using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Workflow;

namespace YouthLeague.Web;

/// <summary>
/// A first secretary's pages: the village's six steps as cards, and one form per step built from the checklist
/// definition. Plain form posts with a redirect after success: they work without JavaScript, on a 390-px screen.
/// </summary>
public sealed class ChecklistPages(Access access, ChecklistReader reader, SubmissionService submissions, ChecklistDefinitions definitions, Notifications.Outbox outbox, Drafts drafts, TimeProvider clock)
{
    public const string FormTokenField = "formToken";

    /// <summary>The button that was pressed: "draft" saves a draft, anything else submits.</summary>
    public const string IntentField = "intent";

    public int YearOf(HttpRequest req) =>
        Routes.TryYear(req.Query["year"].ToString(), out var y) ? y : ChinaTime.Year(clock.GetUtcNow());

    public async Task<IActionResult> VillageAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Read);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = YearOf(req);
        var view = await reader.ReadAsync(year, villageId, req.HttpContext.RequestAborted);
        var village = who.Village!;
        var mine = who.Principal!.IsSecretaryOf(villageId);
        var sb = new StringBuilder();
        sb.Append("<h1>").Append(Html.E(village.Name)).Append(" · ").Append(year).Append("年“六个一”</h1>");
        if (req.Query["submitted"].ToString() is { Length: > 0 } done && definitions.Find(year)?.Find(done) is { } doneStep)
        {
            sb.Append("<p class=\"ok\" role=\"status\">已提交“").Append(Html.E(doneStep.Title)).Append("”，等待镇街审核。</p>");
        }

        if (view is null)
        {
            sb.Append("<div class=\"card\"><p>本年度的清单尚未开始。</p></div>");
            return Html.Page(village.Name, sb.ToString(), user: who.Principal.Username, antiforgery: Antiforgery(req));
        }

        if (mine)
        {
            sb.Append(await NoticesAsync(req, who.Principal.Username, $"/villages/{villageId}"));
        }

        var approved = view.Steps.Count(s => s.Status == "approved");
        sb.Append("<p class=\"muted\">已通过 ").Append(approved).Append(" / 6 项</p>");
        foreach (var step in view.Steps)
        {
            sb.Append("<section class=\"card step ").Append(step.Status).Append(step.Overdue ? " overdue" : "").Append("\" id=\"step-").Append(Html.E(step.Key)).Append("\">")
              .Append("<h2>").Append(Html.E(step.Title)).Append("</h2>")
              .Append("<p><span class=\"chip\">").Append(StepStatusNames.Parse(step.Status).ToChinese()).Append("</span> 截止 ").Append(step.Due)
              .Append(step.Overdue ? " <strong class=\"late\">已逾期</strong>" : "").Append("</p>");
            if (step.Status == "returned" && step.LastReview is { } review)
            {
                sb.Append("<p class=\"error\">退回意见：").Append(Html.E(review.Comment)).Append("</p>");
            }

            if (step.Submissions.LastOrDefault() is { } last)
            {
                sb.Append("<details><summary>已提交的内容（").Append(last.SubmittedAt.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("）</summary><dl>");
                foreach (var f in step.Fields.Where(f => last.Fields.ContainsKey(f.Name)))
                {
                    sb.Append("<dt>").Append(Html.E(f.Label)).Append("</dt><dd>").Append(Html.E(last.Fields[f.Name])).Append("</dd>");
                }

                sb.Append(RegisterSnapshot(villageId, year, last.Fields)).Append("</dl>");
                foreach (var e in last.Evidence)
                {
                    sb.Append("<a href=\"").Append(Html.E(e.Url)).Append("\">附件 ").Append(Html.E(e.Id)).Append("（").Append(EvidenceKinds.Describe(e.Kind)).Append("）</a> ");
                }

                sb.Append("</details>");
            }
            else if (step.Status == "notStarted")
            {
                var required = step.Fields.Count(f => f.Required);
                var needs = new List<string>();
                if (required > 0)
                {
                    needs.Add($"填写 {required} 项内容");
                }

                if (step.Evidence.Min > 0)
                {
                    needs.Add($"上传至少 {step.Evidence.Min} 张照片或文件");
                }

                sb.Append("<p class=\"muted\">").Append(needs.Count > 0 ? "还需：" + string.Join("，", needs) + "。" : "尚未提交。").Append("</p>");
            }

            if (step.Key == SubmissionService.LedgerStep)
            {
                sb.Append("<p><a href=\"/villages/").Append(Html.E(villageId)).Append("/ledger?year=").Append(year).Append("\">")
                  .Append(mine ? "打开台账（登记、修改、导入）" : "查看台账").Append("</a></p>");
            }

            if (mine && step.Status is "notStarted" or "returned")
            {
                sb.Append("<a class=\"button\" href=\"/villages/").Append(Html.E(villageId)).Append("/steps/").Append(Html.E(step.Key)).Append("?year=").Append(year).Append("\">")
                  .Append(step.Status == "returned" ? "修改后重新提交" : "填写并提交").Append("</a>");
            }

            sb.Append("</section>");
        }

        return Html.Page(village.Name, sb.ToString(), user: who.Principal.Username, antiforgery: Antiforgery(req));
    }

    public async Task<IActionResult> StepFormAsync(HttpRequest req, string villageId, string stepKey)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = YearOf(req);
        var view = await reader.ReadAsync(year, villageId, req.HttpContext.RequestAborted);
        var step = view?.Steps.FirstOrDefault(s => s.Key == stepKey);
        if (step is null)
        {
            return PageAccess.Refusal(who with { Denied = Problems.NotFound("找不到该步骤") });
        }

        // A saved draft comes back first; else, on a return, the previous answer fills the form, so nothing is typed twice.
        var draft = await drafts.FindAsync(year, villageId, stepKey, req.HttpContext.RequestAborted);
        var values = draft?.Fields ?? (step.Submissions.LastOrDefault()?.Fields ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        var note = draft is null ? null
            : (req.Query["draft"] == "saved" ? "草稿已保存。" : "已恢复您的草稿。")
              + $"（{draft.SavedAt.ToOffset(ChinaTime.Offset).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)} 保存；照片和文件不存入草稿，提交时再选择）";
        return Form(req, who, year, villageId, step, values, null, null, 200, note);
    }

    public async Task<IActionResult> SubmitFormAsync(HttpRequest req, string villageId, string stepKey, DurableTaskClient client)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return PageAccess.Refusal(who);
        }

        var year = YearOf(req);
        var form = await SubmissionForms.ReadAsync(req);
        var view = await reader.ReadAsync(year, villageId, req.HttpContext.RequestAborted);
        var step = view?.Steps.FirstOrDefault(s => s.Key == stepKey);
        if (step is null)
        {
            return PageAccess.Refusal(who with { Denied = Problems.NotFound("找不到该步骤") });
        }

        if (form.Problem is not null)
        {
            return Form(req, who, year, villageId, step, new Dictionary<string, string?>(), (form.Problem.Value as ProblemDetails)?.Title ?? "表单无法读取，请重试", null, form.Problem.StatusCode ?? 400);
        }

        var values = form.Fields.Where(f => f.Key is not (Access.AntiforgeryField or FormTokenField or IntentField)).ToDictionary(f => f.Key, f => f.Value);
        if (req.Form[IntentField] == "draft" && definitions.Find(year)?.Find(stepKey) is { } definition)
        {
            await drafts.SaveAsync(year, villageId, definition, values, who.Principal!.Username, req.HttpContext.RequestAborted);
            return Html.Redirect($"/villages/{villageId}/steps/{stepKey}?year={year}&draft=saved");
        }

        var token = req.Form[FormTokenField].ToString();
        var result = await submissions.SubmitAsync(
            new SubmissionRequest(year, villageId, stepKey, values, form.Files, token.Length > 0 ? "form-" + token : null, who.Principal!.Username), client, req.HttpContext.RequestAborted);
        if (result.Accepted)
        {
            await drafts.DeleteAsync(year, villageId, stepKey, req.HttpContext.RequestAborted);
            return Html.Redirect($"/villages/{villageId}?year={year}&submitted={stepKey}#step-{stepKey}");
        }

        return Form(req, who, year, villageId, step, values, result.Title, result.Errors, result.Status);
    }

    private static ContentResult Form(HttpRequest req, AccessResult who, int year, string villageId, StepView step, IReadOnlyDictionary<string, string?> values, string? error, ValidationErrors? errors, int status, string? note = null)
    {
        var sb = new StringBuilder();
        sb.Append("<p><a href=\"/villages/").Append(Html.E(villageId)).Append("?year=").Append(year).Append("\">← 返回本村清单</a></p>")
          .Append("<div class=\"card\"><h1>").Append(Html.E(step.Title)).Append("</h1><p class=\"muted\">").Append(Html.E(step.Help)).Append("</p>")
          .Append(Html.Error(error))
          .Append(note is null ? "" : $"<p class=\"ok\" role=\"status\">{Html.E(note)}</p>")
          .Append("<form method=\"post\" enctype=\"multipart/form-data\" data-upload").Append(step.Evidence.Kinds.Contains("jpeg") ? " data-jpeg" : "").Append(" data-max-bytes=\"").Append(step.Evidence.MaxBytes).Append('"').Append(" action=\"/villages/").Append(Html.E(villageId)).Append("/steps/").Append(Html.E(step.Key)).Append("?year=").Append(year).Append("\">")
          .Append(Html.Hidden(Access.AntiforgeryField, Antiforgery(req)))
          .Append(Html.Hidden(FormTokenField, Guid.NewGuid().ToString("N")));
        foreach (var f in step.Fields)
        {
            var id = "f-" + f.Name;
            var value = values.TryGetValue(f.Name, out var v) ? v : null;
            sb.Append("<label for=\"").Append(id).Append("\">").Append(Html.E(f.Label)).Append(f.Required ? " *" : "").Append("</label>");
            var required = f.Required ? " required" : "";
            switch (f.Type)
            {
                case "longtext":
                    sb.Append("<textarea id=\"").Append(id).Append("\" name=\"").Append(f.Name).Append("\" rows=\"5\"").Append(required)
                      .Append(f.Max is { } m ? $" maxlength=\"{m}\"" : "").Append('>').Append(Html.E(value)).Append("</textarea>");
                    break;
                case "select":
                    sb.Append("<select id=\"").Append(id).Append("\" name=\"").Append(f.Name).Append('"').Append(required).Append("><option value=\"\">请选择</option>");
                    foreach (var o in f.Options ?? [])
                    {
                        sb.Append("<option").Append(o == value ? " selected" : "").Append('>').Append(Html.E(o)).Append("</option>");
                    }

                    sb.Append("</select>");
                    break;
                default:
                    var type = f.Type switch { "number" => "number\" step=\"any\" inputmode=\"decimal", "date" => "date", _ => "text" };
                    sb.Append("<input id=\"").Append(id).Append("\" name=\"").Append(f.Name).Append("\" type=\"").Append(type).Append('"').Append(required)
                      .Append(" value=\"").Append(Html.E(value)).Append("\">");
                    break;
            }

            foreach (var message in errors?.GetValueOrDefault(f.Name) ?? [])
            {
                sb.Append("<p class=\"error field\">").Append(Html.E(message)).Append("</p>");
            }
        }

        var rule = step.Evidence;
        sb.Append("<label for=\"evidence\">照片或文件（").Append(rule.Min > 0 ? $"至少 {rule.Min} 个，" : "").Append("最多 ").Append(rule.Max).Append(" 个，每个不超过 ")
          .Append(SubmissionValidator.Size(rule.MaxBytes)).Append("）</label>")
          .Append("<input id=\"evidence\" name=\"evidence\" type=\"file\" multiple accept=\"").Append(string.Join(',', rule.Kinds.Select(Accept))).Append("\">");
        foreach (var message in errors?.GetValueOrDefault("evidence") ?? [])
        {
            sb.Append("<p class=\"error field\">").Append(Html.E(message)).Append("</p>");
        }

        sb.Append("<progress id=\"upload-progress\" max=\"100\" value=\"0\" hidden></progress><p id=\"upload-status\" class=\"muted\" role=\"status\"></p>")
          .Append("<button name=\"").Append(IntentField).Append("\" value=\"submit\">提交</button>")
          .Append("<button name=\"").Append(IntentField).Append("\" value=\"draft\" formnovalidate class=\"secondary\">保存草稿（稍后继续填写）</button></form></div>")
          .Append("<script>").Append(UploadScript.Source).Append("</script>");
        return Html.Page(step.Title, sb.ToString(), status, who.Principal!.Username, Antiforgery(req));
    }

    private static string Accept(string kind) => kind switch
    {
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "heic" => "image/heic,.heic",
        "pdf" => "application/pdf",
        "docx" => ".docx",
        "xlsx" => ".xlsx",
        _ => "",
    };

    /// <summary>For the ledger step: what the handed-in register held, linking to that snapshot (read-only).</summary>
    public static string RegisterSnapshot(string villageId, int year, IReadOnlyDictionary<string, string> fields) =>
        fields.TryGetValue(SubmissionService.RegisterVersionField, out var version)
            ? $"<dt>台账快照</dt><dd><a href=\"/villages/{Html.E(villageId)}/ledger?year={year}&amp;version={Html.E(version)}\">共 {Html.E(fields.GetValueOrDefault(SubmissionService.RegisterRowsField))} 人，其中团员 {Html.E(fields.GetValueOrDefault(SubmissionService.RegisterMembersField))} 人</a></dd>"
            : "";

    /// <summary>The in-app channel: the person's latest five notices, unread ones marked, with "mark all read".</summary>
    public async Task<string> NoticesAsync(HttpRequest req, string username, string back)
    {
        var notices = (await outbox.ForAsync(username, req.HttpContext.RequestAborted)).OrderByDescending(n => n.QueuedAt).Take(5).ToList();
        if (notices.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder("<div class=\"card\" id=\"notices\"><h2>提醒</h2><ul>");
        foreach (var n in notices)
        {
            sb.Append("<li>").Append(n.Read ? "" : "<strong class=\"late\">新</strong> ").Append("<a href=\"").Append(Html.E(n.Link)).Append("\">").Append(Html.E(n.Text)).Append("</a> <span class=\"muted\">")
              .Append(n.QueuedAt.ToOffset(ChinaTime.Offset).ToString("MM-dd", CultureInfo.InvariantCulture)).Append("</span></li>");
        }

        sb.Append("</ul>");
        if (notices.Any(n => !n.Read))
        {
            sb.Append("<form method=\"post\" action=\"/api/notices/read?back=").Append(Html.E(back)).Append("\">")
              .Append(Html.Hidden(Access.AntiforgeryField, Antiforgery(req))).Append("<button>全部标为已读</button></form>");
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>The page's anti-forgery token, derived from the session cookie (bearer callers need none).</summary>
    public static string Antiforgery(HttpRequest req) =>
        req.Cookies.TryGetValue(Access.SessionCookie, out var cookie) ? Access.AntiforgeryFor(cookie) : "";
}
