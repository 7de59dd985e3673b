using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

public class ChecklistDefinitionLoaderTests
{
    private static ChecklistDefinition WithStep(string key, Func<StepDefinition, StepDefinition> change)
    {
        var d = ValidDefinition();
        return d with { Steps = [.. d.Steps.Select(s => s.Key == key ? change(s) : s)] };
    }

    private static ChecklistDefinition WithField(FieldDefinition field) =>
        WithStep("forum", s => s with { Fields = [field] });

    private static ChecklistDefinition WithEvidence(EvidenceRule rule) =>
        WithStep("forum", s => s with { Evidence = rule });

    /// <summary>A valid definition as JSON; <paramref name="forum"/> replaces the forum step's object.</summary>
    private static string Json(string? forum = null, string year = "2026", string? extraSteps = null)
    {
        static string StepJson(string key, string due) => $$"""
            { "key": "{{key}}", "title": "标题", "help": "说明", "due": "{{due}}",
              "fields": [ { "name": "note", "label": "备注", "type": "text", "required": false } ],
              "evidence": { "kinds": ["jpeg"], "min": 0, "max": 3, "maxBytes": 1048576 } }
            """;
        var steps = new List<string>
        {
            StepJson("ledger", "2026-03-31"),
            forum ?? StepJson("forum", "2026-06-30"),
            StepJson("volunteering", "2026-09-30"),
            StepJson("league-day", "2026-09-30"),
            StepJson("practical-matter", "2026-11-30"),
            StepJson("plan", "2026-12-31"),
        };
        if (extraSteps is not null)
        {
            steps.Add(extraSteps);
        }

        return $$"""{ "year": {{year}}, "title": "测试", "steps": [ {{string.Join(",\n", steps)}} ] }""";
    }

    [Fact]
    public void Load_RealSeedFile_LoadsSixStepsWithTheirFields()
    {
        var d = ChecklistDefinitionLoader.Load(SeedPath);

        Assert.Equal(2026, d.Year);
        Assert.False(string.IsNullOrWhiteSpace(d.Title));
        Assert.Equal(ChecklistDefinitionLoader.StepKeys, d.Steps.Select(s => s.Key));
        Assert.Empty(ChecklistDefinitionLoader.Validate(d));
        Assert.All(d.Steps, s =>
        {
            Assert.Equal(2026, s.Due.Year);
            Assert.False(string.IsNullOrWhiteSpace(s.Title));
            Assert.NotEmpty(s.Fields);
            Assert.NotEmpty(s.Evidence.Kinds);
        });
    }

    [Fact]
    public void Load_RealSeedFile_ParsesTypesDatesAndRules()
    {
        var d = ChecklistDefinitionLoader.Load(SeedPath);

        var forum = d.Find("forum")!;
        Assert.Equal(new DateOnly(2026, 6, 30), forum.Due);
        Assert.Equal(
            [FieldType.Date, FieldType.Text, FieldType.Number, FieldType.Text, FieldType.LongText],
            forum.Fields.Select(f => f.Type));
        var attendance = forum.Fields.Single(f => f.Name == "attendance");
        Assert.True(attendance.Required);
        Assert.Equal(1, attendance.Min);
        Assert.Equal(500, attendance.Max);
        Assert.Equal(1, forum.Evidence.Min);
        Assert.Equal(3, forum.Evidence.Max);
        Assert.Equal(10 * 1024 * 1024, forum.Evidence.MaxBytes);
        Assert.Contains("docx", forum.Evidence.Kinds);

        var forWhom = d.Find("practical-matter")!.Fields.Single(f => f.Name == "forWhom");
        Assert.Equal(FieldType.Select, forWhom.Type);
        Assert.Equal(5, forWhom.Options!.Count);
        Assert.Contains("留守儿童", forWhom.Options);

        Assert.Equal(0.5, d.Find("volunteering")!.Fields.Single(f => f.Name == "hours").Min);
        Assert.Equal(new DateOnly(2026, 12, 31), d.Find("plan")!.Due);
        Assert.Null(d.Find("nope"));
    }

    [Fact]
    public void Validate_ValidDefinition_NoErrors()
    {
        Assert.Empty(ChecklistDefinitionLoader.Validate(ValidDefinition()));
    }

    [Fact]
    public void Validate_MissingStep_NamesIt()
    {
        var d = ValidDefinition();
        d = d with { Steps = [.. d.Steps.Where(s => s.Key != "plan")] };

        Assert.Equal(["step 'plan' is missing"], ChecklistDefinitionLoader.Validate(d));
    }

    [Fact]
    public void Validate_NoSteps_ReportsAllSixMissing()
    {
        var errors = ChecklistDefinitionLoader.Validate(ValidDefinition() with { Steps = [] });

        Assert.Equal(ChecklistDefinitionLoader.StepKeys.Select(k => $"step '{k}' is missing"), errors);
    }

    [Fact]
    public void Validate_NullSteps_ReportsAllSixMissing()
    {
        var errors = ChecklistDefinitionLoader.Validate(ValidDefinition() with { Steps = null! });

        Assert.Equal(6, errors.Count);
    }

    [Fact]
    public void Validate_AYearsOwnStep_IsAccepted()
    {
        var d = ValidDefinition();
        d = d with { Steps = [.. d.Steps, Step("summer-camp", new DateOnly(2026, 8, 1))] };

        Assert.Empty(ChecklistDefinitionLoader.Validate(d));
    }

    [Fact]
    public void Validate_StepKeyNotLowercaseAscii_NamesIt()
    {
        var d = ValidDefinition();
        d = d with { Steps = [.. d.Steps, Step("Party", new DateOnly(2026, 5, 1))] };

        var error = Assert.Single(ChecklistDefinitionLoader.Validate(d));
        Assert.Equal("step key 'Party' must be 2-40 lowercase letters, digits or '-', starting with a letter", error);
    }

    [Fact]
    public void Validate_RubricNamingAnUnknownStepOrNegative_NamesBoth()
    {
        var d = ValidDefinition() with
        {
            Rubric = new AssessmentRubric(OnTime: -1, Steps: new Dictionary<string, StepPoints> { ["camp"] = new(Approved: 5) }),
        };

        var errors = ChecklistDefinitionLoader.Validate(d);

        Assert.Equal(["rubric: points must not be negative", "rubric: step 'camp' is not a step of this definition"], errors);
    }

    [Fact]
    public void Validate_DuplicateStep_CountsOccurrences()
    {
        var d = ValidDefinition();
        d = d with { Steps = [.. d.Steps, Step("forum", new DateOnly(2026, 5, 1)), Step("forum", new DateOnly(2026, 5, 2))] };

        Assert.Equal(["step 'forum' appears 3 times"], ChecklistDefinitionLoader.Validate(d));
    }

    [Theory]
    [InlineData(1999)]
    [InlineData(2201)]
    public void Validate_YearOutOfRange_Error(int year)
    {
        var errors = ChecklistDefinitionLoader.Validate(ValidDefinition() with { Year = year });

        Assert.Contains($"year {year} is out of range", errors);
    }

    [Fact]
    public void Validate_BlankTitle_Error()
    {
        var errors = ChecklistDefinitionLoader.Validate(WithStep("forum", s => s with { Title = " " }));

        Assert.Equal(["step 'forum': title is required"], errors);
    }

    [Fact]
    public void Validate_DueDateInOtherYear_Error()
    {
        var errors = ChecklistDefinitionLoader.Validate(WithStep("forum", s => s with { Due = new DateOnly(2025, 12, 31) }));

        Assert.Equal(["step 'forum': due date 2025-12-31 is not in year 2026"], errors);
    }

    [Fact]
    public void Validate_DueDateEarlyNextYear_Allowed()
    {
        Assert.Empty(ChecklistDefinitionLoader.Validate(WithStep("plan", s => s with { Due = new DateOnly(2027, 1, 15) })));
    }

    [Theory]
    [InlineData("jpg")]
    [InlineData("gif")]
    [InlineData("JPEG")]
    [InlineData("exe")]
    [InlineData("heic")]
    public void Validate_UnknownEvidenceKind_NamesKindAndKnownKinds(string kind)
    {
        var errors = ChecklistDefinitionLoader.Validate(WithEvidence(new EvidenceRule(["jpeg", kind], 0, 3, 1024)));

        var error = Assert.Single(errors);
        Assert.StartsWith($"step 'forum': evidence kind '{kind}' is unknown (known: ", error, StringComparison.Ordinal);
        Assert.Contains("docx", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 3)]
    [InlineData(3, 2)]
    [InlineData(0, 11)]
    public void Validate_BadEvidenceCount_Error(int min, int max)
    {
        var errors = ChecklistDefinitionLoader.Validate(WithEvidence(new EvidenceRule(["jpeg"], min, max, 1024)));

        Assert.Equal([$"step 'forum': evidence count must satisfy 0 <= min <= max <= 10 (got {min}..{max})"], errors);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 10)]
    public void Validate_EvidenceCountAtBounds_Allowed(int min, int max)
    {
        Assert.Empty(ChecklistDefinitionLoader.Validate(WithEvidence(new EvidenceRule(["jpeg"], min, max, 1024))));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData((50L * 1024 * 1024) + 1)]
    public void Validate_EvidenceMaxBytesOutOfRange_Error(long maxBytes)
    {
        var errors = ChecklistDefinitionLoader.Validate(WithEvidence(new EvidenceRule(["jpeg"], 0, 1, maxBytes)));

        Assert.Equal(["step 'forum': evidence maxBytes must be between 1 byte and 50 MB"], errors);
    }

    [Fact]
    public void Validate_EvidenceMaxBytesExactly50MB_Allowed()
    {
        Assert.Empty(ChecklistDefinitionLoader.Validate(WithEvidence(new EvidenceRule(["jpeg"], 0, 1, 50L * 1024 * 1024))));
    }

    [Fact]
    public void Validate_MissingEvidenceRule_Error()
    {
        var errors = ChecklistDefinitionLoader.Validate(WithStep("forum", s => s with { Evidence = null! }));

        Assert.Equal(["step 'forum': evidence rule is required"], errors);
    }

    [Fact]
    public void Validate_FieldMinAboveMax_Error()
    {
        var errors = ChecklistDefinitionLoader.Validate(WithField(new FieldDefinition("n", "人数", FieldType.Number, true, Min: 5, Max: 1)));

        Assert.Equal(["step 'forum': field 'n' has min 5 above max 1"], errors);
    }

    [Fact]
    public void Validate_FieldMinEqualsMax_Allowed()
    {
        Assert.Empty(ChecklistDefinitionLoader.Validate(WithField(new FieldDefinition("n", "人数", FieldType.Number, true, Min: 5, Max: 5))));
    }

    [Fact]
    public void Validate_SelectWithoutOptions_Error()
    {
        var none = ChecklistDefinitionLoader.Validate(WithField(new FieldDefinition("who", "对象", FieldType.Select, true)));
        var empty = ChecklistDefinitionLoader.Validate(WithField(new FieldDefinition("who", "对象", FieldType.Select, true, Options: [])));

        Assert.Equal(["step 'forum': select field 'who' needs options"], none);
        Assert.Equal(["step 'forum': select field 'who' needs options"], empty);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("for-whom")]
    [InlineData("for whom")]
    [InlineData("名称")]
    [InlineData("naïve")]
    public void Validate_FieldNameNotAsciiAlphanumeric_Error(string name)
    {
        var errors = ChecklistDefinitionLoader.Validate(WithField(new FieldDefinition(name, "标签", FieldType.Text, false)));

        Assert.Contains($"step 'forum': field name '{name}' must be ASCII letters and digits", errors);
    }

    [Fact]
    public void Validate_FieldWithoutLabel_Error()
    {
        var errors = ChecklistDefinitionLoader.Validate(WithField(new FieldDefinition("note", "", FieldType.Text, false)));

        Assert.Equal(["step 'forum': field 'note' needs a label"], errors);
    }

    [Fact]
    public void Validate_DuplicateFieldName_Error()
    {
        var errors = ChecklistDefinitionLoader.Validate(WithStep("forum", s => s with
        {
            Fields = [new FieldDefinition("date", "日期", FieldType.Date, true), new FieldDefinition("date", "日期二", FieldType.Date, false)],
        }));

        Assert.Equal(["step 'forum': field 'date' appears twice"], errors);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOneAtOnce()
    {
        var d = ValidDefinition(1990);
        d = d with
        {
            Steps =
            [
                .. d.Steps.Where(s => s.Key is not "plan" and not "forum"),
                Step("forum", new DateOnly(2000, 6, 30), [
                    new FieldDefinition("n", "人数", FieldType.Number, true, Min: 9, Max: 1),
                    new FieldDefinition("who", "对象", FieldType.Select, true),
                ], new EvidenceRule(["gif"], 2, 1, 0)),
                Step("Party", new DateOnly(1990, 6, 30)),
                Step("ledger", new DateOnly(1990, 3, 1)),
            ],
        };

        var errors = ChecklistDefinitionLoader.Validate(d);

        Assert.Contains("year 1990 is out of range", errors);
        Assert.Contains("step 'plan' is missing", errors);
        Assert.Contains(errors, e => e.StartsWith("step key 'Party' must be", StringComparison.Ordinal));
        Assert.Contains("step 'ledger' appears 2 times", errors);
        Assert.Contains("step 'forum': field 'n' has min 9 above max 1", errors);
        Assert.Contains("step 'forum': select field 'who' needs options", errors);
        Assert.Contains(errors, e => e.StartsWith("step 'forum': evidence kind 'gif' is unknown", StringComparison.Ordinal));
        Assert.Contains("step 'forum': evidence count must satisfy 0 <= min <= max <= 10 (got 2..1)", errors);
        Assert.Contains("step 'forum': evidence maxBytes must be between 1 byte and 50 MB", errors);
        Assert.Contains("step 'forum': due date 2000-06-30 is not in year 1990", errors);
        Assert.Equal(10, errors.Count);
    }

    [Fact]
    public void Parse_ValidJson_ReturnsDefinition()
    {
        var d = ChecklistDefinitionLoader.Parse(Json());

        Assert.Equal(2026, d.Year);
        Assert.Equal(6, d.Steps.Count);
        Assert.Equal(FieldType.Text, d.Steps[0].Fields[0].Type);
    }

    [Theory]
    [InlineData("text", FieldType.Text)]
    [InlineData("longtext", FieldType.LongText)]
    [InlineData("longText", FieldType.LongText)]
    [InlineData("number", FieldType.Number)]
    [InlineData("date", FieldType.Date)]
    [InlineData("boolean", FieldType.Boolean)]
    public void Parse_FieldTypeName_MapsToEnum(string wire, FieldType type)
    {
        var forum = $$"""
            { "key": "forum", "title": "座谈", "help": "", "due": "2026-06-30",
              "fields": [ { "name": "x", "label": "X", "type": "{{wire}}", "required": true } ],
              "evidence": { "kinds": ["pdf"], "min": 0, "max": 1, "maxBytes": 1024 } }
            """;

        var d = ChecklistDefinitionLoader.Parse(Json(forum));

        Assert.Equal(type, d.Find("forum")!.Fields[0].Type);
    }

    [Theory]
    [InlineData("\"colour\"")]
    [InlineData("2")]
    public void Parse_UnknownOrNumericFieldType_NotValidJson(string type)
    {
        var forum = $$"""
            { "key": "forum", "title": "座谈", "help": "", "due": "2026-06-30",
              "fields": [ { "name": "x", "label": "X", "type": {{type}}, "required": true } ],
              "evidence": { "kinds": ["pdf"], "min": 0, "max": 1, "maxBytes": 1024 } }
            """;

        var ex = Assert.Throws<ChecklistDefinitionException>(() => ChecklistDefinitionLoader.Parse(Json(forum), "t.json"));

        Assert.StartsWith("not valid JSON: ", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"year\": 2026, ")]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{ \"year\": \"two thousand\" }")]
    [InlineData("{ \"year\": 2026, \"steps\": [ { \"key\": \"forum\", \"due\": \"30/06/2026\" } ] }")]
    public void Parse_BadJson_SingleClearErrorNamingTheSource(string json)
    {
        var ex = Assert.Throws<ChecklistDefinitionException>(() => ChecklistDefinitionLoader.Parse(json, "seeds/checklists/2026.json"));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("not valid JSON: ", error, StringComparison.Ordinal);
        Assert.Contains("seeds/checklists/2026.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonNull_SaysFileIsEmpty()
    {
        var ex = Assert.Throws<ChecklistDefinitionException>(() => ChecklistDefinitionLoader.Parse("null"));

        Assert.Equal(["the file is empty"], ex.Errors);
        Assert.Contains("(inline)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralProblems_ExceptionListsEveryOneInMessage()
    {
        var forum = """
            { "key": "forum", "title": "", "help": "", "due": "2026-06-30",
              "fields": [
                { "name": "n", "label": "人数", "type": "number", "required": true, "min": 10, "max": 2 },
                { "name": "who", "label": "对象", "type": "select", "required": true }
              ],
              "evidence": { "kinds": ["jpeg", "bmp"], "min": 0, "max": 3, "maxBytes": 1024 } }
            """;
        var party = """
            { "key": "Party", "title": "聚会", "help": "", "due": "2026-06-30", "fields": [],
              "evidence": { "kinds": ["jpeg"], "min": 0, "max": 1, "maxBytes": 1024 } }
            """;

        var ex = Assert.Throws<ChecklistDefinitionException>(() => ChecklistDefinitionLoader.Parse(Json(forum, extraSteps: party), "bad.json"));

        Assert.Equal(5, ex.Errors.Count);
        Assert.StartsWith("Checklist definition bad.json is invalid:", ex.Message, StringComparison.Ordinal);
        foreach (var e in ex.Errors)
        {
            Assert.Contains(Environment.NewLine + "- " + e, ex.Message, StringComparison.Ordinal);
        }

        Assert.Contains("step 'forum': title is required", ex.Errors);
        Assert.Contains("step 'forum': field 'n' has min 10 above max 2", ex.Errors);
        Assert.Contains("step 'forum': select field 'who' needs options", ex.Errors);
        Assert.Contains(ex.Errors, e => e.StartsWith("step 'forum': evidence kind 'bmp' is unknown", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("step key 'Party' must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_StepWithoutEvidence_ReportedNotThrownAsNullReference()
    {
        var forum = """{ "key": "forum", "title": "座谈", "help": "", "due": "2026-06-30", "fields": [] }""";

        var ex = Assert.Throws<ChecklistDefinitionException>(() => ChecklistDefinitionLoader.Parse(Json(forum)));

        Assert.Equal(["step 'forum': evidence rule is required"], ex.Errors);
    }

    [Fact]
    public void Parse_StepWithoutDue_ReportsDueDate()
    {
        var forum = """
            { "key": "forum", "title": "座谈", "help": "", "fields": [],
              "evidence": { "kinds": ["jpeg"], "min": 0, "max": 1, "maxBytes": 1024 } }
            """;

        var ex = Assert.Throws<ChecklistDefinitionException>(() => ChecklistDefinitionLoader.Parse(Json(forum)));

        Assert.Equal(["step 'forum': due date 0001-01-01 is not in year 2026"], ex.Errors);
    }

    [Theory]
    [InlineData("steps")]
    [InlineData("fields")]
    public void Parse_NullArrayEntry_ReportedAsDefinitionError(string where)
    {
        var json = where == "steps"
            ? Json(extraSteps: "null")
            : Json("""
                { "key": "forum", "title": "座谈", "help": "", "due": "2026-06-30", "fields": [ null ],
                  "evidence": { "kinds": ["jpeg"], "min": 0, "max": 1, "maxBytes": 1024 } }
                """);

        var ex = Assert.Throws<ChecklistDefinitionException>(() => ChecklistDefinitionLoader.Parse(json, "nulls.json"));

        Assert.NotEmpty(ex.Errors);
        Assert.Contains("nulls.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithProblem_MessageNamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"yl-unit-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Json(year: "2031"));
        try
        {
            var ex = Assert.Throws<ChecklistDefinitionException>(() => ChecklistDefinitionLoader.Load(path));

            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Equal(6, ex.Errors.Count); // every step's due date is in 2026, not 2031
            Assert.All(ex.Errors, e => Assert.EndsWith("is not in year 2031", e, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StepKeys_Loader_AreTheSixItemsInOrder()
    {
        Assert.Equal(["ledger", "forum", "volunteering", "league-day", "practical-matter", "plan"], ChecklistDefinitionLoader.StepKeys);
    }

    [Fact]
    public void EvidenceKinds_EveryKnownKind_HasDescriptionContentTypeAndExtension()
    {
        Assert.Equal(6, ChecklistDefinitionLoader.EvidenceKinds.Count);
        foreach (var kind in ChecklistDefinitionLoader.EvidenceKinds)
        {
            Assert.NotEqual(kind, EvidenceKinds.Describe(kind));
            Assert.NotEqual("application/octet-stream", EvidenceKinds.ContentType(kind));
            Assert.False(string.IsNullOrEmpty(EvidenceKinds.Extension(kind)));
        }
    }
}
