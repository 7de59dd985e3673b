using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.Service;

/// <summary>
/// The city's administration pages on the local host, from an empty deployment, as a person sees them: the index
/// links every admin page; the org sheet through upload → preview (with each row's error) → apply; towns and villages
/// added, renamed and closed with plain forms; invites listed and one re-issued; the audit page; next year's
/// definition edited, refused with its reasons, previewed as a secretary sees it, saved and published.
/// </summary>
public sealed partial class AdminPagesTests
{
    [GeneratedRegex("name=\"sheet\" value=\"([^\"]+)\"")]
    private static partial Regex SheetField();

    [GeneratedRegex("name=\"kind\" value=\"([a-z]+)\"")]
    private static partial Regex KindField();

    [GeneratedRegex("id=\"village-([a-z0-9-]+)\"><td>甲村</td>")]
    private static partial Regex VillageRow();

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static MultipartFormDataContent Upload(byte[] sheet)
    {
        var file = new ByteArrayContent(sheet);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { new StringContent("preview"), "intent" }, { file, "file", "org.csv" } };
    }

    [GeneratedRegex("<form[^>]*>((?:(?!</form>).)*name=\"base\"(?:(?!</form>).)*)</form>", RegexOptions.Singleline)]
    private static partial Regex EditorForm();

    [GeneratedRegex("<textarea\\b([^>]*)>(.*?)</textarea>|<select\\b([^>]*)>(.*?)</select>|<input\\b([^>]*)>", RegexOptions.Singleline)]
    private static partial Regex Control();

    [GeneratedRegex("([a-zA-Z][\\w.-]*)(?:=\"([^\"]*)\")?")]
    private static partial Regex Attribute();

    [GeneratedRegex("<option value=\"([^\"]*)\" selected")]
    private static partial Regex SelectedOption();

    /// <summary>What a browser would post for the definition's form as rendered: inputs, ticked boxes, textareas, selected options.</summary>
    private static List<KeyValuePair<string, string>> EditorFields(string html)
    {
        var form = EditorForm().Match(html);
        Assert.True(form.Success, "no definition form on the page");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match c in Control().Matches(form.Groups[1].Value))
        {
            var (kind, raw) = c.Groups[1].Success ? ("textarea", c.Groups[1].Value) : c.Groups[3].Success ? ("select", c.Groups[3].Value) : ("input", c.Groups[5].Value);
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match a in Attribute().Matches(raw))
            {
                attributes.TryAdd(a.Groups[1].Value, WebUtility.HtmlDecode(a.Groups[2].Value));
            }

            if (!attributes.TryGetValue("name", out var name) || (kind == "input" && attributes.GetValueOrDefault("type") == "checkbox" && !attributes.ContainsKey("checked")))
            {
                continue;
            }

            var value = kind switch
            {
                "textarea" => WebUtility.HtmlDecode(c.Groups[2].Value),
                "select" => WebUtility.HtmlDecode(SelectedOption().Match(c.Groups[4].Value).Groups[1].Value),
                _ => attributes.GetValueOrDefault("value", ""),
            };
            fields.Add(new(name, value));
        }

        // Buttons are not posted unless pressed.
        return fields;
    }

    [Fact]
    public async Task AdminPages_FromEmptyDeployment_OrgImportInvitesAuditAndDefinition()
    {
        var azurite = Azurite.Fresh();
        await azurite.InitializeAsync();
        try
        {
            await using var host = new LocalHostProcess(azurite.ConnectionString, "adm" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string>
            {
                ["YouthLeague:SetupSecret"] = ServiceLifecycleTests.Secret,
            });
            await host.StartAsync();
            using var city = await ServiceLifecycleTests.SetUpAsync(host);
            var year = YouthLeague.Checklist.ChinaTime.Year(DateTimeOffset.UtcNow);

            // The city page leads to the index, which links every admin page.
            Assert.Contains("href=\"/admin\"", await city.GetStringAsync($"/city?year={year}"), StringComparison.Ordinal);
            var home = await city.GetStringAsync("/admin");
            foreach (var link in new[] { "/admin/org", "/admin/org/import", "/admin/invites", $"/admin/years/{year}", $"/admin/years/{year + 1}/definition", "/admin/audit" })
            {
                Assert.Contains($"href=\"{link}\"", home, StringComparison.Ordinal);
            }

            // Import: a sheet with a bad phone and an unknown column layout row → every row's error, nothing applied.
            var bad = ServiceLifecycleTests.OrgSheetGbk("和平镇,甲村,赵一,13900000001,市委办,", "和平镇,乙村,钱二,12345,市委办,", "和平镇,甲村,孙三,13900000003,市委办,");
            using (var r = await city.PostAsync("/admin/org/import", Upload(bad)))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                var page = await r.Content.ReadAsStringAsync();
                Assert.Contains("逐行错误", page, StringComparison.Ordinal);
                Assert.Contains("<td>4</td>", page, StringComparison.Ordinal); // the bad phone's row as Excel numbers it
                Assert.Contains("未导入任何内容", page, StringComparison.Ordinal);
                Assert.DoesNotContain("确认导入", page, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("和平镇", await city.GetStringAsync("/admin/org"), StringComparison.Ordinal);

            // A good sheet: the preview names what will be added, and writes nothing until "apply".
            var good = ServiceLifecycleTests.OrgSheetGbk("和平镇,甲村,赵一,13900000001,市委办,", "和平镇,乙村,钱二,13900000002,市委办,");
            string sheet, kind;
            using (var r = await city.PostAsync("/admin/org/import", Upload(good)))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                var page = await r.Content.ReadAsStringAsync();
                Assert.Contains("新增镇街 1 个，新增村（社区）2 个", page, StringComparison.Ordinal);
                Assert.Contains("和平镇 · 乙村", page, StringComparison.Ordinal);
                Assert.Contains("确认导入", page, StringComparison.Ordinal);
                sheet = WebUtility.HtmlDecode(SheetField().Match(page).Groups[1].Value); // as a browser posts it back
                kind = KindField().Match(page).Groups[1].Value;
            }

            Assert.DoesNotContain("和平镇", await city.GetStringAsync("/admin/org"), StringComparison.Ordinal);
            for (var i = 0; i < 2; i++)
            {
                // The same confirmation twice (a double tap) is one import.
                using var r = await city.PostAsync("/admin/org/import", Form(("intent", "apply"), ("sheet", sheet), ("kind", kind), ("formToken", "apply-once")));
                Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
                Assert.Contains("已导入", await city.GetStringAsync(r.Headers.Location!.OriginalString), StringComparison.Ordinal);
            }

            var org = await city.GetStringAsync("/admin/org");
            Assert.Contains("和平镇", org, StringComparison.Ordinal);
            Assert.Contains("赵一", org, StringComparison.Ordinal);
            var village = VillageRow().Match(org).Groups[1].Value;
            Assert.NotEmpty(village);

            // Towns and villages one by one; a refusal is shown on the page with its reason.
            using (var r = await city.PostAsync("/admin/org", Form(("intent", "add-town"), ("name", ""))))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                Assert.Contains("请填写镇街名称", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.Equal(HttpStatusCode.Redirect, (await city.PostAsync("/admin/org", Form(("intent", "add-town"), ("name", "新城街道")))).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await city.PostAsync("/admin/org", Form(("intent", "rename-village"), ("village", village), ("name", "甲村社区")))).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await city.PostAsync("/admin/org", Form(("intent", "close-village"), ("village", village), ("mergedInto", "")))).StatusCode);
            org = await city.GetStringAsync("/admin/org");
            Assert.Contains("新城街道", org, StringComparison.Ordinal);
            Assert.Contains("甲村社区（已撤并）", org, StringComparison.Ordinal);
            var townId = Regex.Match(org, "id=\"town-([a-z0-9-]+)\"><h2>新城街道").Groups[1].Value;
            Assert.Equal(HttpStatusCode.Redirect, (await city.PostAsync("/admin/org", Form(("intent", "add-village"), ("town", townId), ("name", "丙社区")))).StatusCode);
            Assert.Contains("丙社区", await city.GetStringAsync("/admin/org"), StringComparison.Ordinal);

            // Invites: accounts without a password, the sheet to download, one link re-issued and shown once.
            var invites = await city.GetStringAsync("/admin/invites");
            Assert.Contains("钱二", invites, StringComparison.Ordinal);
            Assert.Contains("href=\"/api/org/invites.xlsx\"", invites, StringComparison.Ordinal);
            var username = Regex.Match(invites, "<td>钱二</td><td>([^<]+)</td>").Groups[1].Value;
            using (var r = await city.PostAsync("/admin/invites", Form(("username", username))))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                var link = Regex.Match(await r.Content.ReadAsStringAsync(), "<code>([^<]+/invite/[^<]+)</code>").Groups[1].Value;
                Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync(new Uri(link).AbsolutePath)).StatusCode);
            }

            using (var r = await city.GetAsync("/api/org/invites.xlsx"))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            // The audit page lists what was done, newest first, with an export of the same range.
            var audit = await city.GetStringAsync("/admin/audit");
            foreach (var action in new[] { "系统初始化", "导入组织架构", "新增镇街", "撤并村（社区）", "发放邀请链接" })
            {
                Assert.Contains($"<td>{action}</td>", audit, StringComparison.Ordinal);
            }

            Assert.True(audit.IndexOf("<td>发放邀请链接</td>", StringComparison.Ordinal) < audit.IndexOf("<td>系统初始化</td>", StringComparison.Ordinal));
            Assert.Contains("href=\"/api/audit.xlsx?from=", audit, StringComparison.Ordinal);
            using (var r = await city.GetAsync("/admin/audit?from=2026-13-01"))
            {
                Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
                Assert.Contains("日期格式应为", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // Next year's definition starts from this year's; a broken one is refused with its reasons and not saved.
            var next = year + 1;
            var edit = await city.GetStringAsync($"/admin/years/{next}/definition");
            Assert.Contains("<textarea id=\"definition\"", edit, StringComparison.Ordinal);
            var json = System.Text.Json.Nodes.JsonNode.Parse(await city.GetStringAsync($"/api/years/{next}/definition"))!;
            using (var r = await city.PostAsync($"/admin/years/{next}/definition", Form(("intent", "save"), ("definition", $"{{\"year\":{next},\"title\":\"空\",\"steps\":[]}}"))))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                var page = await r.Content.ReadAsStringAsync();
                Assert.Contains("清单有误", page, StringComparison.Ordinal);
                Assert.Contains("空", page, StringComparison.Ordinal); // what was typed stays in the form
            }

            // Change a step's title, preview it as a secretary sees it (fields, evidence rule), save, publish.
            json["steps"]![0]!["title"] = "修改后的第一步";
            var changed = json.ToJsonString();
            using (var r = await city.PostAsync($"/admin/years/{next}/definition", Form(("intent", "preview"), ("definition", changed))))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                var page = await r.Content.ReadAsStringAsync();
                Assert.Contains("第一书记看到的表单", page, StringComparison.Ordinal);
                Assert.Contains("<legend>修改后的第一步", page, StringComparison.Ordinal);
                Assert.Contains("<fieldset disabled", page, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("修改后的第一步", await city.GetStringAsync($"/api/years/{next}/definition"), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Redirect, (await city.PostAsync($"/admin/years/{next}/definition", Form(("intent", "save"), ("definition", changed)))).StatusCode);
            Assert.Contains("修改后的第一步", await city.GetStringAsync($"/api/years/{next}/definition"), StringComparison.Ordinal);
            // The same definition on its form: a field added to the second step with a button (nothing saved yet), filled
            // in, a wrong date refused with the step named, then saved; the first step's new title is still there.
            var fields = EditorFields(await city.GetStringAsync($"/admin/years/{next}/definition"));
            Assert.Equal("修改后的第一步", fields.Single(f => f.Key == "s0.title").Value);
            var fieldCount = int.Parse(fields.Single(f => f.Key == "s1.fields").Value, System.Globalization.CultureInfo.InvariantCulture);
            string adjusted;
            using (var r = await city.PostAsync($"/admin/years/{next}/definition", new FormUrlEncodedContent([.. fields, new("intent", "add-field:1")])))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                adjusted = await r.Content.ReadAsStringAsync();
                Assert.Contains("已调整，尚未保存", adjusted, StringComparison.Ordinal);
                Assert.Contains($"id=\"step-1-field-{fieldCount}\"", adjusted, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("签到表编号", await city.GetStringAsync($"/api/years/{next}/definition"), StringComparison.Ordinal);
            fields = EditorFields(adjusted);
            void Set(string key, string value)
            {
                fields.RemoveAll(f => f.Key == key);
                fields.Add(new(key, value));
            }

            Set($"s1.f{fieldCount}.label", "签到表编号");
            Set($"s1.f{fieldCount}.name", "signIn");
            var due = fields.Single(f => f.Key == "s1.due").Value;
            Set("s1.due", "");
            using (var r = await city.PostAsync($"/admin/years/{next}/definition", new FormUrlEncodedContent([.. fields, new("intent", "form-save")])))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
                var page = await r.Content.ReadAsStringAsync();
                Assert.Contains("请填写截止日期", page, StringComparison.Ordinal);
                Assert.Contains("value=\"签到表编号\"", page, StringComparison.Ordinal); // what was typed stays
            }

            Set("s1.due", due);
            Assert.Equal(HttpStatusCode.Redirect, (await city.PostAsync($"/admin/years/{next}/definition", new FormUrlEncodedContent([.. fields, new("intent", "form-save")]))).StatusCode);
            var savedJson = System.Text.Json.Nodes.JsonNode.Parse(await city.GetStringAsync($"/api/years/{next}/definition"))!;
            Assert.Equal("签到表编号", savedJson["steps"]![1]!["fields"]![fieldCount]!["label"]!.GetValue<string>());
            Assert.Equal("修改后的第一步", savedJson["steps"]![0]!["title"]!.GetValue<string>());
            Assert.Equal(json["steps"]!.AsArray().Count, savedJson["steps"]!.AsArray().Count);

            using (var r = await city.PostAsync($"/admin/years/{next}/definition", Form(("intent", "publish"))))
            {
                Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
                Assert.Contains("状态：已发布", await city.GetStringAsync(r.Headers.Location!.OriginalString), StringComparison.Ordinal);
            }

            var view = await city.GetFromJsonAsync<JsonElement>($"/api/years/{next}");
            Assert.Equal("published", view.GetProperty("status").GetString());

            // Signed out, the pages send you to sign in.
            using var reviewer = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };
            Assert.Equal(HttpStatusCode.Redirect, (await reviewer.GetAsync("/admin/org")).StatusCode);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }
}
