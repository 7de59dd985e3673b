using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

public class SubmissionValidatorTests
{
    private static StepDefinition Forum => Definition2026.Find("forum")!;

    private static StepDefinition Volunteering => Definition2026.Find("volunteering")!;

    private static StepDefinition PracticalMatter => Definition2026.Find("practical-matter")!;

    private static StepDefinition Plan => Definition2026.Find("plan")!;

    private static Dictionary<string, string?> ForumInput(string? name = null, string? value = null)
    {
        var input = new Dictionary<string, string?>
        {
            ["date"] = "2026-05-04",
            ["place"] = "村委会会议室",
            ["attendance"] = "23",
            ["topics"] = "青年就业、返乡创业",
            ["minutes"] = "一、青年代表发言。\n二、讨论返乡创业的困难。",
        };
        if (name is not null)
        {
            input[name] = value;
        }

        return input;
    }

    private static (Dictionary<string, string> Fields, List<ValidatedEvidence> Evidence, ValidationErrors Errors) Validate(
        StepDefinition step, IReadOnlyDictionary<string, string?> input, params byte[][] files) =>
        SubmissionValidator.Validate(step, input, [.. files.Select(f => Files.Incoming(f))]);

    /// <summary>One step with a single field of the given shape, accepting JPEG and PDF.</summary>
    private static StepDefinition OneField(FieldDefinition field, EvidenceRule? evidence = null) =>
        Step("forum", new DateOnly(2026, 6, 30), [field], evidence ?? new EvidenceRule(["jpeg", "pdf"], 0, 3, 1024 * 1024));

    private static string SingleError(ValidationErrors errors, string field)
    {
        Assert.True(errors.ContainsKey(field), $"no error for {field}; errors: {string.Join("; ", errors.Select(e => e.Key + "=" + string.Join("|", e.Value)))}");
        return Assert.Single(errors[field]);
    }

    [Fact]
    public void Validate_CompleteForumSubmission_NoErrorsAndNormalisedFields()
    {
        var input = ForumInput("place", "  村委会会议室  ");

        var (fields, evidence, errors) = Validate(Forum, input, Files.Jpeg);

        Assert.Empty(errors);
        Assert.Equal("2026-05-04", fields["date"]);
        Assert.Equal("村委会会议室", fields["place"]);
        Assert.Equal("23", fields["attendance"]);
        Assert.Equal(input["minutes"], fields["minutes"]);
        Assert.Equal(5, fields.Count);
        var e = Assert.Single(evidence);
        Assert.Equal("jpeg", e.Kind);
        Assert.Equal("evidence", e.File.FieldName);
    }

    [Fact]
    public void Validate_AllRequiredFieldsMissing_OneChineseErrorEach()
    {
        var (fields, _, errors) = Validate(Forum, new Dictionary<string, string?>(), Files.Jpeg);

        Assert.Empty(fields);
        Assert.Equal(422, errors.Status);
        Assert.Equal("请填写召开日期", SingleError(errors, "date"));
        Assert.Equal("请填写地点", SingleError(errors, "place"));
        Assert.Equal("请填写参加人数", SingleError(errors, "attendance"));
        Assert.Equal("请填写座谈议题", SingleError(errors, "topics"));
        Assert.Equal("请填写会议纪要", SingleError(errors, "minutes"));
        Assert.Equal(5, errors.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t ")]
    [InlineData(null)]
    public void Validate_RequiredFieldBlankOrNull_IsMissing(string? value)
    {
        var (fields, _, errors) = Validate(Forum, ForumInput("place", value), Files.Jpeg);

        Assert.Equal("请填写地点", SingleError(errors, "place"));
        Assert.False(fields.ContainsKey("place"));
        Assert.Equal(422, errors.Status);
    }

    [Fact]
    public void Validate_OptionalFieldMissing_NoErrorAndNotInFields()
    {
        var input = new Dictionary<string, string?>
        {
            ["date"] = "2026-08-01",
            ["activity"] = "河道清理",
            ["volunteers"] = "12",
            ["hours"] = "36",
        };

        var (fields, _, errors) = Validate(Volunteering, input, Files.Jpeg);

        Assert.Empty(errors);
        Assert.False(fields.ContainsKey("beneficiaries"));
    }

    [Fact]
    public void Validate_UnknownFieldName_ErrorUnderThatName()
    {
        var (_, _, errors) = Validate(Forum, ForumInput("secret", "x"), Files.Jpeg);

        Assert.Equal("“secret”不是这一项的填写内容", SingleError(errors, "secret"));
        Assert.Single(errors);
        Assert.Equal(422, errors.Status);
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("500", "500")]
    [InlineData(" 42 ", "42")]
    [InlineData("+7", "7")]
    [InlineData("23.0", "23")]
    [InlineData("1e2", "100")]
    public void Validate_NumberInRange_AcceptedAndNormalised(string raw, string normalised)
    {
        var (fields, _, errors) = Validate(Forum, ForumInput("attendance", raw), Files.Jpeg);

        Assert.Empty(errors);
        Assert.Equal(normalised, fields["attendance"]);
    }

    [Fact]
    public void Validate_FractionalNumber_KeepsInvariantDecimalPoint()
    {
        var input = new Dictionary<string, string?> { ["date"] = "2026-08-01", ["activity"] = "助老", ["volunteers"] = "3", ["hours"] = "0.50" };

        var (fields, _, errors) = Validate(Volunteering, input, Files.Jpeg);

        Assert.Empty(errors);
        Assert.Equal("0.5", fields["hours"]);
    }

    [Theory]
    [InlineData("0", "参加人数不能小于 1")]
    [InlineData("-3", "参加人数不能小于 1")]
    [InlineData("501", "参加人数不能大于 500")]
    [InlineData("1e6", "参加人数不能大于 500")]
    public void Validate_NumberOutOfRange_NamesTheBound(string raw, string message)
    {
        var (fields, _, errors) = Validate(Forum, ForumInput("attendance", raw), Files.Jpeg);

        Assert.Equal(message, SingleError(errors, "attendance"));
        Assert.False(fields.ContainsKey("attendance"));
        Assert.Equal(422, errors.Status);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("二十三")]
    [InlineData("1,000")]
    [InlineData("12人")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("0x10")]
    [InlineData("1e400")]
    public void Validate_NotANumber_AsksForDigits(string raw)
    {
        var (_, _, errors) = Validate(Forum, ForumInput("attendance", raw), Files.Jpeg);

        Assert.Equal("参加人数应填数字", SingleError(errors, "attendance"));
    }

    [Fact]
    public void Validate_NumberWithoutBounds_AcceptsAnyFiniteValue()
    {
        var step = OneField(new FieldDefinition("amount", "金额", FieldType.Number, true));

        var (fields, _, errors) = Validate(step, new Dictionary<string, string?> { ["amount"] = "-12345.25" });

        Assert.Empty(errors);
        Assert.Equal("-12345.25", fields["amount"]);
    }

    [Theory]
    [InlineData("2026-05-04")]
    [InlineData("2024-02-29")]
    [InlineData(" 2026-12-31 ")]
    public void Validate_IsoDate_Accepted(string raw)
    {
        var (fields, _, errors) = Validate(Forum, ForumInput("date", raw), Files.Jpeg);

        Assert.Empty(errors);
        Assert.Equal(raw.Trim(), fields["date"]);
    }

    [Theory]
    [InlineData("2026/05/04")]
    [InlineData("2026-5-4")]
    [InlineData("04-05-2026")]
    [InlineData("2026-02-30")]
    [InlineData("2026-13-01")]
    [InlineData("2026-05-04T10:00")]
    [InlineData("2026年5月4日")]
    [InlineData("yesterday")]
    public void Validate_BadDate_ShowsExpectedFormat(string raw)
    {
        var (fields, _, errors) = Validate(Forum, ForumInput("date", raw), Files.Jpeg);

        Assert.Equal("召开日期应为日期，格式如 2026-05-04", SingleError(errors, "date"));
        Assert.False(fields.ContainsKey("date"));
    }

    [Fact]
    public void Validate_SelectOption_Accepted()
    {
        var input = new Dictionary<string, string?> { ["what"] = "开设读书角", ["forWhom"] = "留守儿童", ["helped"] = "40" };

        var (fields, _, errors) = Validate(PracticalMatter, input, Files.Pdf);

        Assert.Empty(errors);
        Assert.Equal("留守儿童", fields["forWhom"]);
    }

    [Theory]
    [InlineData("留守")]
    [InlineData("老年人")]
    [InlineData("留守儿童,在校学生")]
    public void Validate_ValueNotAmongOptions_AsksToChoose(string raw)
    {
        var input = new Dictionary<string, string?> { ["what"] = "开设读书角", ["forWhom"] = raw, ["helped"] = "40" };

        var (_, _, errors) = Validate(PracticalMatter, input, Files.Pdf);

        Assert.Equal("服务对象请从选项中选择", SingleError(errors, "forWhom"));
    }

    [Fact]
    public void Validate_TextAtMaxLength_Accepted()
    {
        var (fields, _, errors) = Validate(Forum, ForumInput("place", new string('村', 60)), Files.Jpeg);

        Assert.Empty(errors);
        Assert.Equal(60, fields["place"].Length);
    }

    [Fact]
    public void Validate_TextOverMaxLength_SaysMaxAndActual()
    {
        var (_, _, errors) = Validate(Forum, ForumInput("place", new string('村', 61)), Files.Jpeg);

        Assert.Equal("地点最多 60 个字，现在是 61 个字", SingleError(errors, "place"));
    }

    [Fact]
    public void Validate_TextWithoutMax_Defaults200()
    {
        var step = OneField(new FieldDefinition("note", "备注", FieldType.Text, true));

        var ok = Validate(step, new Dictionary<string, string?> { ["note"] = new string('a', SubmissionValidator.MaxTextLength) });
        var tooLong = Validate(step, new Dictionary<string, string?> { ["note"] = new string('a', 201) });

        Assert.Empty(ok.Errors);
        Assert.Equal("备注最多 200 个字，现在是 201 个字", SingleError(tooLong.Errors, "note"));
    }

    [Fact]
    public void Validate_LongTextWithoutMax_Defaults5000()
    {
        var step = OneField(new FieldDefinition("body", "正文", FieldType.LongText, true));

        var ok = Validate(step, new Dictionary<string, string?> { ["body"] = new string('字', 5000) });
        var tooLong = Validate(step, new Dictionary<string, string?> { ["body"] = new string('字', 5001) });

        Assert.Empty(ok.Errors);
        Assert.Equal("正文最多 5000 个字，现在是 5001 个字", SingleError(tooLong.Errors, "body"));
    }

    [Fact]
    public void Validate_LongTextOverDefinedMax_SaysMax()
    {
        var (_, _, errors) = Validate(Forum, ForumInput("minutes", new string('记', 3001)), Files.Jpeg);

        Assert.Equal("会议纪要最多 3000 个字，现在是 3001 个字", SingleError(errors, "minutes"));
    }

    [Theory]
    [InlineData("会议室\n二楼")]
    [InlineData("会议室\r\n二楼")]
    public void Validate_TextWithLineBreak_MustBeOneLine(string raw)
    {
        var (_, _, errors) = Validate(Forum, ForumInput("place", raw), Files.Jpeg);

        Assert.Equal("地点只能填一行", SingleError(errors, "place"));
    }

    [Fact]
    public void Validate_TextWithSurroundingNewlines_TrimmedAndAccepted()
    {
        var (fields, _, errors) = Validate(Forum, ForumInput("place", "\n会议室\r\n"), Files.Jpeg);

        Assert.Empty(errors);
        Assert.Equal("会议室", fields["place"]);
    }

    [Fact]
    public void Validate_TextWithLoneCarriageReturn_MustBeOneLine()
    {
        var (_, _, errors) = Validate(Forum, ForumInput("place", "会议室\r二楼"), Files.Jpeg);

        Assert.Equal("地点只能填一行", SingleError(errors, "place"));
    }

    [Theory]
    [InlineData("第一段\n第二段")]
    [InlineData("第一段\r\n第二段")]
    [InlineData("一\t二")]
    public void Validate_LongTextWithNewlinesAndTabs_Accepted(string raw)
    {
        var (fields, _, errors) = Validate(Forum, ForumInput("minutes", raw), Files.Jpeg);

        Assert.Empty(errors);
        Assert.Equal(raw, fields["minutes"]);
    }

    [Theory]
    [InlineData("place", "会议\u0000室", "地点含有不可见的控制字符")]
    [InlineData("place", "会议\u0007室", "地点含有不可见的控制字符")]
    [InlineData("place", "会议\u001B[31m室", "地点含有不可见的控制字符")]
    [InlineData("minutes", "纪要\u0008\n第二行", "会议纪要含有不可见的控制字符")]
    [InlineData("minutes", "纪要\u007F", "会议纪要含有不可见的控制字符")]
    [InlineData("attendance", "2\u00003", "参加人数含有不可见的控制字符")]
    [InlineData("date", "2026-05-04\u0085x", "召开日期含有不可见的控制字符")]
    public void Validate_ControlCharacters_Refused(string field, string raw, string message)
    {
        var (fields, _, errors) = Validate(Forum, ForumInput(field, raw), Files.Jpeg);

        Assert.Equal(message, SingleError(errors, field));
        Assert.False(fields.ContainsKey(field));
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("on", "true")]
    [InlineData("1", "true")]
    [InlineData("是", "true")]
    [InlineData("false", "false")]
    [InlineData("off", "false")]
    [InlineData("0", "false")]
    [InlineData("否", "false")]
    public void Validate_BooleanWords_NormalisedToTrueOrFalse(string raw, string normalised)
    {
        var step = OneField(new FieldDefinition("done", "是否完成", FieldType.Boolean, true));

        var (fields, _, errors) = Validate(step, new Dictionary<string, string?> { ["done"] = raw });

        Assert.Empty(errors);
        Assert.Equal(normalised, fields["done"]);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("True")]
    [InlineData("2")]
    public void Validate_BooleanOtherWord_AsksForYesOrNo(string raw)
    {
        var step = OneField(new FieldDefinition("done", "是否完成", FieldType.Boolean, true));

        var (_, _, errors) = Validate(step, new Dictionary<string, string?> { ["done"] = raw });

        Assert.Equal("是否完成应为“是”或“否”", SingleError(errors, "done"));
    }

    [Fact]
    public void Validate_TooFewFiles_AsksForAtLeastMin()
    {
        var (_, evidence, errors) = Validate(Forum, ForumInput());

        Assert.Empty(evidence);
        Assert.Equal("请至少上传 1 个文件（照片或文档）", SingleError(errors, "evidence"));
        Assert.Equal(422, errors.Status);
    }

    [Fact]
    public void Validate_NoFilesWhereNoneRequired_Accepted()
    {
        var (fields, evidence, errors) = Validate(Plan, new Dictionary<string, string?> { ["plan"] = "一、目标\n二、安排" });

        Assert.Empty(errors);
        Assert.Empty(evidence);
        Assert.Single(fields);
    }

    [Fact]
    public void Validate_TooManyFiles_SaysMaxAndCount()
    {
        var (_, _, errors) = Validate(Forum, ForumInput(), Files.Jpeg, Files.Png, Files.WebP, Files.Pdf);

        Assert.Equal("最多上传 3 个文件，您选择了 4 个", SingleError(errors, "evidence"));
        Assert.Equal(422, errors.Status);
    }

    [Fact]
    public void Validate_MaxFiles_AllAcceptedWithTheirKinds()
    {
        var (_, evidence, errors) = Validate(Forum, ForumInput(), Files.Jpeg, Files.Pdf, Files.Docx);

        Assert.Empty(errors);
        Assert.Equal(["jpeg", "pdf", "docx"], evidence.Select(e => e.Kind));
    }

    [Fact]
    public void Validate_OversizedFile_Status413AndNotOpened()
    {
        var opened = false;
        var big = new IncomingFile("evidence", (10 * 1024 * 1024) + 1, () =>
        {
            opened = true;
            return new MemoryStream(Files.Jpeg);
        });

        var (_, evidence, errors) = SubmissionValidator.Validate(Forum, ForumInput(), [big]);

        Assert.Equal("文件过大：每个文件不超过 10 MB", SingleError(errors, "evidence"));
        Assert.Equal(413, errors.Status);
        Assert.Empty(evidence);
        Assert.False(opened);
    }

    [Fact]
    public void Validate_FileExactlyAtLimit_Accepted()
    {
        var rule = new EvidenceRule(["jpeg"], 1, 1, Files.Jpeg.Length);
        var step = OneField(new FieldDefinition("note", "备注", FieldType.Text, false), rule);

        var (_, evidence, errors) = Validate(step, new Dictionary<string, string?>(), Files.Jpeg);

        Assert.Empty(errors);
        Assert.Single(evidence);
    }

    [Fact]
    public void Validate_OversizedFileUnderOneMegabyteRule_MessageShowsRealLimit()
    {
        var rule = new EvidenceRule(["jpeg"], 0, 1, 512 * 1024);
        var step = OneField(new FieldDefinition("note", "备注", FieldType.Text, false), rule);
        var big = new IncomingFile("evidence", (512 * 1024) + 1, () => new MemoryStream(Files.Jpeg));

        var (_, _, errors) = SubmissionValidator.Validate(step, new Dictionary<string, string?>(), [big]);

        Assert.DoesNotContain("不超过 0 MB", SingleError(errors, "evidence"), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WrongKind_Status415ListsAcceptedKindsInChinese()
    {
        var (_, evidence, errors) = Validate(Volunteering, VolunteeringInput(), Files.Pdf);

        Assert.Equal("不支持的文件类型，请上传：JPEG 照片、PNG 图片、WebP 图片", SingleError(errors, "evidence"));
        Assert.Equal(415, errors.Status);
        Assert.Empty(evidence);
    }

    [Fact]
    public void Validate_HeicPhoto_RefusedWithHowToSendJpeg()
    {
        var (_, evidence, errors) = Validate(Volunteering, VolunteeringInput(), Files.Heic);

        Assert.Contains("HEIC", SingleError(errors, "evidence"), StringComparison.Ordinal);
        Assert.Contains("JPEG", SingleError(errors, "evidence"), StringComparison.Ordinal);
        Assert.Equal(415, errors.Status);
        Assert.Empty(evidence);
    }

    [Fact]
    public void Validate_TextRenamedAsJpg_Status415()
    {
        var (_, _, errors) = Validate(Forum, ForumInput(), Files.Text);

        Assert.StartsWith("不支持的文件类型", SingleError(errors, "evidence"), StringComparison.Ordinal);
        Assert.Equal(415, errors.Status);
    }

    [Fact]
    public void Validate_PlainZip_Status415()
    {
        var (_, _, errors) = Validate(Plan, new Dictionary<string, string?> { ["plan"] = "计划" }, Files.Zip(("plan.txt", "计划")));

        Assert.Equal(415, errors.Status);
    }

    [Fact]
    public void Validate_XlsxWhereOnlyDocxAllowed_Status415()
    {
        var (_, _, errors) = Validate(Plan, new Dictionary<string, string?> { ["plan"] = "计划" }, Files.Xlsx);

        Assert.Equal("不支持的文件类型，请上传：PDF 文档、Word 文档（.docx）", SingleError(errors, "evidence"));
        Assert.Equal(415, errors.Status);
    }

    [Fact]
    public void Validate_OversizedAndWrongKind_413Wins()
    {
        var big = new IncomingFile("evidence", 11 * 1024 * 1024, () => new MemoryStream(Files.Jpeg));

        var (_, _, errors) = SubmissionValidator.Validate(Forum, ForumInput(), [Files.Incoming(Files.Text), big]);

        Assert.Equal(2, errors["evidence"].Length);
        Assert.Equal(413, errors.Status);
    }

    [Fact]
    public void Validate_WrongKindThenOversized_413Wins()
    {
        var big = new IncomingFile("evidence", 11 * 1024 * 1024, () => new MemoryStream(Files.Jpeg));

        var (_, _, errors) = SubmissionValidator.Validate(Forum, ForumInput(), [big, Files.Incoming(Files.Text)]);

        Assert.Equal(413, errors.Status);
    }

    [Fact]
    public void Validate_FieldErrorAndWrongKind_Status422WithBoth()
    {
        var (_, _, errors) = Validate(Forum, ForumInput("attendance", "很多"), Files.Text);

        Assert.Equal(422, errors.Status);
        Assert.Equal("参加人数应填数字", SingleError(errors, "attendance"));
        Assert.StartsWith("不支持的文件类型", SingleError(errors, "evidence"), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FieldErrorAndOversizedFile_Status422()
    {
        var big = new IncomingFile("evidence", 11 * 1024 * 1024, () => new MemoryStream(Files.Jpeg));

        var (_, _, errors) = SubmissionValidator.Validate(Forum, ForumInput("date", "昨天"), [big]);

        Assert.Equal(422, errors.Status);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Validate_EmptyFile_RefusedWith422()
    {
        var (_, evidence, errors) = Validate(Forum, ForumInput(), Array.Empty<byte>());

        Assert.Equal("文件是空的", SingleError(errors, "evidence"));
        Assert.Equal(422, errors.Status);
        Assert.Empty(evidence);
    }

    [Fact]
    public void Validate_OneGoodOneBadFile_KeepsGoodEvidenceAndReportsBad()
    {
        var (_, evidence, errors) = Validate(Forum, ForumInput(), Files.Png, Files.Text);

        Assert.Equal("png", Assert.Single(evidence).Kind);
        Assert.Single(errors["evidence"]);
        Assert.Equal(415, errors.Status);
    }

    [Fact]
    public void Validate_TwoBadFiles_OneMessageEach()
    {
        var (_, _, errors) = Validate(Volunteering, VolunteeringInput(), Files.Pdf, Files.Text);

        Assert.Equal(2, errors["evidence"].Length);
    }

    [Fact]
    public void Validate_EveryErrorMessage_IsChinese()
    {
        var input = new Dictionary<string, string?> { ["date"] = "x", ["place"] = "a\nb", ["attendance"] = "999", ["bogus"] = "1" };

        var (_, _, errors) = Validate(Forum, input, Files.Text, Files.Text, Files.Text, Files.Text);

        Assert.True(errors.Count >= 6);
        Assert.All(errors.Values.SelectMany(m => m), m => Assert.Contains(m, c => c >= '\u4e00' && c <= '\u9fff'));
    }

    [Fact]
    public void Add_SameFieldTwice_KeepsBothMessagesInOrder()
    {
        var errors = new ValidationErrors();

        errors.Add("evidence", "一");
        errors.Add("evidence", "二");

        Assert.Equal(["一", "二"], errors["evidence"]);
        Assert.Equal(422, errors.Status);
    }

    private static Dictionary<string, string?> VolunteeringInput() => new()
    {
        ["date"] = "2026-08-01",
        ["activity"] = "河道清理",
        ["volunteers"] = "12",
        ["hours"] = "36",
    };

    [Theory]
    [InlineData("2025-12-31")]
    [InlineData("2027-01-01")]
    public void Validate_DateOutsideTheChecklistYear_IsRefused(string date)
    {
        var (_, _, errors) = SubmissionValidator.Validate(Forum, ForumInput("date", date), [Files.Incoming(Files.Jpeg)], 2026);

        Assert.Equal(["召开日期应在 2026 年内"], errors["date"]);
        Assert.Equal(422, errors.Status);
    }

    [Fact]
    public void Validate_DateInsideTheChecklistYear_IsAccepted()
    {
        var (fields, _, errors) = SubmissionValidator.Validate(Forum, ForumInput("date", "2026-12-31"), [Files.Incoming(Files.Jpeg)], 2026);

        Assert.Empty(errors);
        Assert.Equal("2026-12-31", fields["date"]);
    }
}
