using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using YouthLeague.Years;

namespace YouthLeague.UnitTests;

/// <summary>The definition's form: posted back unchanged it is the same definition, parts it does not show included; edits land where they belong.</summary>
public sealed class DefinitionFormTests
{
    /// <summary>This year's seed with parts the form does not show: a rubric, a property on a step, one on a field.</summary>
    private static JsonObject Base()
    {
        var root = (JsonObject)JsonNode.Parse(File.ReadAllText(TestSupport.SeedPath))!;
        root["rubric"] = new JsonObject { ["onTimeBonus"] = 2, ["points"] = new JsonObject { ["forum"] = 20 } };
        root["steps"]![1]!["x-note"] = "留给后来的功能";
        root["steps"]![2]!["fields"]![0]!["hint"] = "例如：清理河道";
        root["steps"]![0]!["evidence"]!["maxBytes"] = 5_000_000; // not a whole number of MB
        return root;
    }

    /// <summary>The fields a browser posts for the form as the page renders it (the same names as DefinitionEditPage.razor).</summary>
    private static Dictionary<string, StringValues> Posted(DefinitionFormView view)
    {
        var form = new Dictionary<string, StringValues> { ["base"] = view.Base, ["title"] = view.Title, ["steps"] = view.Steps.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        for (var i = 0; i < view.Steps.Count; i++)
        {
            var s = view.Steps[i];
            var p = $"s{i}.";
            (form[p + "key"], form[p + "title"], form[p + "help"], form[p + "due"]) = (s.Key, s.Title, s.Help, s.Due);
            (form[p + "kinds"], form[p + "min"], form[p + "max"], form[p + "maxMb"]) = (new StringValues([.. s.Kinds]), s.EvidenceMin, s.EvidenceMax, s.MaxMegabytes);
            form[p + "fields"] = s.Fields.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var j = 0; j < s.Fields.Count; j++)
            {
                var f = s.Fields[j];
                var q = $"{p}f{j}.";
                (form[q + "name"], form[q + "label"], form[q + "type"], form[q + "min"], form[q + "max"], form[q + "options"]) = (f.Name, f.Label, f.Type, f.Min, f.Max, f.Options);
                if (f.Required)
                {
                    form[q + "required"] = "on";
                }
            }
        }

        return form;
    }

    [Fact]
    public void Apply_FormPostedUnchanged_GivesBackTheSameDefinitionWithPartsTheFormDoesNotShow()
    {
        var root = Base();
        var (back, errors) = DefinitionForm.Apply(new FormCollection(Posted(DefinitionForm.View(root))));

        Assert.Empty(errors);
        Assert.True(JsonNode.DeepEquals(root, back), back!.ToJsonString());
    }

    [Fact]
    public void Apply_Edits_ChangeOnlyWhatWasEdited()
    {
        var root = Base();
        var form = Posted(DefinitionForm.View(root));
        form["s0.title"] = "建立团员青年台账（修订）";
        form["s2.f0.label"] = "活动名称";
        form["s2.f0.required"] = StringValues.Empty;
        form["s1.maxMb"] = "20";
        form["s1.kinds"] = "pdf";

        var (back, errors) = DefinitionForm.Apply(new FormCollection(form));

        Assert.Empty(errors);
        Assert.Equal("建立团员青年台账（修订）", back!["steps"]![0]!["title"]!.GetValue<string>());
        Assert.Equal("活动名称", back["steps"]![2]!["fields"]![0]!["label"]!.GetValue<string>());
        Assert.False(back["steps"]![2]!["fields"]![0]!["required"]!.GetValue<bool>());
        Assert.Equal("例如：清理河道", back["steps"]![2]!["fields"]![0]!["hint"]!.GetValue<string>());
        Assert.Equal("20971520", back["steps"]![1]!["evidence"]!["maxBytes"]!.ToJsonString());
        Assert.Equal(["pdf"], back["steps"]![1]!["evidence"]!["kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal("5000000", back["steps"]![0]!["evidence"]!["maxBytes"]!.ToJsonString()); // unchanged, exact
        Assert.True(JsonNode.DeepEquals(root["rubric"], back["rubric"]));
        Assert.Equal("留给后来的功能", back["steps"]![1]!["x-note"]!.GetValue<string>());
    }

    [Fact]
    public void Apply_WrongDateAndNumbers_NameTheStepAndFieldAndKeepWhatWasTyped()
    {
        var form = Posted(DefinitionForm.View(Base()));
        form["s1.due"] = "";
        form["s1.min"] = "两个";
        form["s2.f0.min"] = "abc";

        var (back, errors) = DefinitionForm.Apply(new FormCollection(form));

        Assert.Contains("步骤「forum」：请填写截止日期（年-月-日）", errors);
        Assert.Contains("步骤「forum」：佐证材料最少数量应是整数", errors);
        Assert.Contains(errors, e => e.StartsWith("步骤「volunteering」的字段「", StringComparison.Ordinal) && e.EndsWith("：最小值应是数字", StringComparison.Ordinal));
        var view = DefinitionForm.View(back!);
        Assert.Equal("两个", view.Steps[1].EvidenceMin);
        Assert.Equal("abc", view.Steps[2].Fields[0].Min);
    }

    [Fact]
    public void Restructure_AddMoveRemove_StepsAndFields()
    {
        var root = Base();
        var keys = () => root["steps"]!.AsArray().Select(s => s!["key"]!.GetValue<string>()).ToList();
        var first = keys();

        Assert.True(DefinitionForm.Restructure(root, "up:1", 2026));
        Assert.Equal([first[1], first[0], .. first.Skip(2)], keys());
        Assert.True(DefinitionForm.Restructure(root, "down:0", 2026));
        Assert.Equal(first, keys());
        Assert.True(DefinitionForm.Restructure(root, "up:0", 2026)); // already first: shown again, unchanged
        Assert.Equal(first, keys());

        Assert.True(DefinitionForm.Restructure(root, "add-step", 2026));
        Assert.Equal("2026-12-31", root["steps"]![first.Count]!["due"]!.GetValue<string>());
        Assert.True(DefinitionForm.Restructure(root, $"remove-step:{first.Count}", 2026));
        Assert.Equal(first, keys());

        var fields = root["steps"]![2]!["fields"]!.AsArray();
        var count = fields.Count;
        Assert.True(DefinitionForm.Restructure(root, "add-field:2", 2026));
        Assert.Equal(count + 1, fields.Count);
        Assert.Equal("text", fields[count]!["type"]!.GetValue<string>());
        Assert.True(DefinitionForm.Restructure(root, $"field-up:2:{count}", 2026));
        Assert.Equal("", fields[count - 1]!["name"]!.GetValue<string>());
        Assert.True(DefinitionForm.Restructure(root, $"remove-field:2:{count - 1}", 2026));
        Assert.Equal(count, fields.Count);

        Assert.False(DefinitionForm.Restructure(root, "remove-step:99", 2026));
        Assert.False(DefinitionForm.Restructure(root, "form-save", 2026));
    }

    [Fact]
    public void Apply_BaseNotJson_Refused()
    {
        var (back, errors) = DefinitionForm.Apply(new FormCollection(new Dictionary<string, StringValues> { ["base"] = "{oops" }));
        Assert.Null(back);
        Assert.Equal(["表单已失效，请重新打开本页"], errors);
    }
}
