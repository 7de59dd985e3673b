using System.Diagnostics;
using System.Text;
using YouthLeague.Ledger;
using YouthLeague.Sheets;
using YouthLeague.TestFiles;

namespace YouthLeague.UnitTests;

/// <summary>
/// Issue #19, "import what people have": files made by other programs (tests/fixtures/ledger, made by LibreOffice
/// and iconv: make-fixtures.sh), the preview's three lists, the same sheet twice, phones, the month-precise age rule.
/// </summary>
public sealed class LedgerImportTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    private static LedgerSheet Fixture(string name) =>
        LedgerFiles.Read(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", "ledger", name)), name.EndsWith(".xlsx", StringComparison.Ordinal) ? "xlsx" : "csv");

    private static LedgerSheet Csv(string text) => LedgerFiles.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "csv");

    private static LedgerRow Person(string name, int year, int? month, string? phone, string? education = null) =>
        new(null, name, "女", year, true, phone, education, null, null) { BirthMonth = month };

    [Fact]
    public void LibreOfficeXlsx_TitleRowOtherOrderExtraColumns_ReadWithDatesAndPhonesNormalised()
    {
        var sheet = Fixture("libreoffice-title-row.xlsx");

        Assert.Empty(sheet.Errors);
        Assert.Equal(["序号", "民族", "身份证号"], sheet.IgnoredColumns);
        var (li, wang, zhang) = (sheet.People[0], sheet.People[1], sheet.People[2]);
        Assert.Equal((3, "李青", "女", "13812345678", true), (li.Row, li.Person.Name, li.Person.Sex, li.Person.Phone, li.Person.IsLeagueMember));
        Assert.Equal("2001-05-12", LedgerRules.BirthText(li.Person)); // a date cell: an Excel serial number in the file
        Assert.Equal(("13900001111", false, "返乡创业"), (wang.Person.Phone, wang.Person.IsLeagueMember, wang.Person.Occupation));
        Assert.Equal("2012-12-20", LedgerRules.BirthText(zhang.Person));
    }

    [Fact]
    public void LibreOfficeXlsx_ChildTurning14InDecember_NeedsConsentUntilTheBirthday()
    {
        var sheet = Fixture("libreoffice-title-row.xlsx");

        var before = LedgerImport.Plan([], sheet, 2026, Today);
        var error = Assert.Single(before.Errors);
        Assert.Equal(5, error.Row);
        Assert.Contains("未满 14 周岁", error.Message, StringComparison.Ordinal);

        Assert.Empty(LedgerImport.Plan([], sheet, 2026, new DateOnly(2026, 12, 20)).Errors);
    }

    [Fact]
    public void GbkCsvSavedByExcel_DecodedWithMonthsAndLandline()
    {
        var sheet = Fixture("excel-gbk.csv");

        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ledger", "excel-gbk.csv"))));
        Assert.Empty(sheet.Errors);
        Assert.Equal(["李青", "孙丽"], sheet.People.Select(p => p.Person.Name));
        Assert.Equal(["2001-05", "1999-08"], sheet.People.Select(p => LedgerRules.BirthText(p.Person)));
        Assert.Equal(["13812345678", "0537-1234567"], sheet.People.Select(p => p.Person.Phone));
        Assert.Equal("会计", sheet.People[1].Person.Note);
    }

    [Fact]
    public void ZhihuituanjianExport_EveryoneAMember_IdNumberNotKept()
    {
        var sheet = Fixture("zhtj-export.xlsx");

        Assert.Empty(sheet.Errors);
        Assert.All(sheet.People, p => Assert.True(p.Person.IsLeagueMember));
        Assert.Equal(["赵敏", "钱进"], sheet.People.Select(p => p.Person.Name));
        Assert.Equal(["2000-02", "1995-07"], sheet.People.Select(p => LedgerRules.BirthText(p.Person)));
        Assert.Equal(["13700001111", "13700002222"], sheet.People.Select(p => p.Person.Phone));
        Assert.Contains("身份证号码", sheet.IgnoredColumns);
        Assert.Contains("所在团组织", sheet.IgnoredColumns);
        Assert.DoesNotContain(sheet.People, p => (p.Person.Note ?? "").Contains("3708", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_NewChangedUnchanged_ThenTheSameSheetTwiceChangesNothing()
    {
        List<LedgerRow> register =
        [
            Person("李青", 2001, 5, "13812345678", "大专") with { Id = "a1" },
            Person("王强", 1998, 11, null) with { Id = "a2", Sex = "男" },
            Person("周六", 1997, null, "13600000000") with { Id = "a3" },
        ];
        var sheet = Csv("""
            姓名,性别,出生年月,是否团员,手机,学历
            李青,女,2001-05,是,138-1234-5678,本科
            王强,男,1998.11,是,,
            吴七,男,2003,否,+86 135 0000 0000,
            """);

        var plan = LedgerImport.Plan(register, sheet, 2026, Today);

        Assert.Empty(plan.Errors);
        Assert.Equal(["吴七"], plan.Added.Select(r => r.Name));
        Assert.Equal("13500000000", plan.Added[0].Phone);
        var changed = Assert.Single(plan.Changed); // 李青 by name and phone: 学历 changes
        Assert.Equal(("a1", "大专", "本科"), (changed.After.Id, changed.Before.Education, changed.After.Education));
        Assert.Equal(1, plan.Unchanged); // 王强 by name and birth month; 周六 not in the sheet and kept
        var after = LedgerImport.Apply(register, plan);
        Assert.Equal(["李青", "王强", "周六", "吴七"], after.Select(r => r.Name));

        var again = LedgerImport.Plan([.. after.Select((r, i) => r with { Id = r.Id ?? "n" + i })], sheet, 2026, Today);
        Assert.False(again.HasChanges);
        Assert.Equal(3, again.Unchanged);
    }

    [Fact]
    public void Export_ImportedBack_EveryoneUnchanged()
    {
        List<LedgerRow> register =
        [
            Person("李青", 2001, 5, "13812345678", "本科") with { Id = "a1", Note = "会计" },
            new LedgerRow("a2", "王小", "男", 2016, false, null, null, null, null, GuardianConsent: true) { BirthMonth = 3, BirthDay = 9, ConsentRelation = "母亲", ConsentMethod = "签字照片", ConsentOn = "2026-03-01" },
        ];

        var sheet = LedgerFiles.Read(new MemoryStream(LedgerFiles.Csv(register)), "csv");
        var plan = LedgerImport.Plan(register, sheet, 2026, Today);

        Assert.Empty(plan.Errors);
        Assert.Empty(sheet.IgnoredColumns);
        Assert.Equal((0, 0, 2), (plan.Added.Count, plan.Changed.Count, plan.Unchanged));
    }

    [Fact]
    public void Plan_TheSamePersonTwiceInOneSheet_RowError()
    {
        var plan = LedgerImport.Plan([], Csv("姓名,性别,出生年月,是否团员,手机\n李青,女,2001-05,是,13812345678\n李青,女,2001,是,13812345678\n"), 2026, Today);
        Assert.Equal(new RowError(3, "与第 2 行是同一人（姓名相同，电话或出生年月也相同）"), Assert.Single(plan.Errors));
    }

    [Fact]
    public void Phones_SpacesDashesPlus86Accepted_LettersRefused()
    {
        Assert.Equal("13812345678", LedgerRules.NormalizePhone(" +86 138 1234 5678 "));
        Assert.Equal("13812345678", LedgerRules.NormalizePhone("0086-138-1234-5678"));
        Assert.Equal("0537-1234567", LedgerRules.NormalizePhone("0537 1234567"));
        var plan = LedgerImport.Plan([], Csv("姓名,性别,出生年月,是否团员,手机\n李青,女,2001-05,是,138abc45678\n"), 2026, Today);
        Assert.Equal(new RowError(2, "电话号码不能含有字母"), Assert.Single(plan.Errors));
    }

    [Theory]
    [InlineData(2012, null, null, "2026-12-31", 14)] // a year alone counts from 31 December: 14 only on the last day
    [InlineData(2012, null, null, "2026-12-30", 13)]
    [InlineData(2012, 12, null, "2026-12-02", 13)] // the child born in December: 13 until December is over
    [InlineData(2012, 5, null, "2026-06-01", 14)]
    [InlineData(2012, 5, 20, "2026-05-19", 13)]
    [InlineData(2012, 5, 20, "2026-05-20", 14)]
    [InlineData(1990, 3, null, "2026-04-01", 36)]
    public void AgeOn_MonthPrecise(int year, int? month, int? day, string on, int age) =>
        Assert.Equal(age, LedgerRules.AgeOn(new LedgerRow(null, "某", "女", year, false, null, null, null, null) { BirthMonth = month, BirthDay = day }, DateOnly.Parse(on, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void UnderFourteen_NeedsWhoHowAndWhen()
    {
        var child = new LedgerRow(null, "王小", "男", 2016, false, null, null, null, null, GuardianConsent: true) { BirthMonth = 3 };
        Assert.Contains(LedgerRules.Problems(child, 2026, Today), m => m.Contains("需记录监护人同意", StringComparison.Ordinal));
        var recorded = child with { ConsentRelation = "母亲", ConsentMethod = "签字照片", ConsentOn = "2026-03-01" };
        Assert.Empty(LedgerRules.Problems(recorded, 2026, Today));
        Assert.Contains(LedgerRules.Problems(recorded with { ConsentOn = "2027-01-01" }, 2026, Today), m => m.Contains("同意日期", StringComparison.Ordinal));
    }

    [Fact]
    public void BirthDates_AsPeopleWriteThem()
    {
        Assert.Equal((2001, 5, (int?)null), LedgerFiles.ParseBirth("2001年5月"));
        Assert.Equal((2001, 5, (int?)12), LedgerFiles.ParseBirth("2001年05月12日"));
        Assert.Equal((2001, 5, (int?)12), LedgerFiles.ParseBirth("2001/5/12"));
        Assert.Equal((2001, 5, (int?)12), LedgerFiles.ParseBirth("20010512"));
        Assert.Equal((2001, 5, (int?)null), LedgerFiles.ParseBirth("200105"));
        Assert.Equal((2001, 5, (int?)12), LedgerFiles.ParseBirth("37023"));
        Assert.Equal((2001, 5, (int?)12), LedgerFiles.ParseBirth("2001-05-12 00:00:00"));
        Assert.Null(LedgerFiles.ParseBirth("2001-13"));
        Assert.Null(LedgerFiles.ParseBirth("2001-02-30"));
        Assert.Null(LedgerFiles.ParseBirth("零一年"));
    }

    [Fact]
    public void FutureBirthDate_RowError()
    {
        var plan = LedgerImport.Plan([], Csv("姓名,性别,出生年月,是否团员\n李青,女,2027-03,是\n"), 2026, Today);
        Assert.Equal(new RowError(2, "出生日期 2027-03 晚于今天"), Assert.Single(plan.Errors));
    }

    [Fact]
    public void MergedTwoRowHeader_ReadWithTheSubHeadings()
    {
        var sheet = LedgerFiles.Read(new MemoryStream(AttackFiles.MergedHeader()), "xlsx");

        Assert.Empty(sheet.Errors);
        var person = Assert.Single(sheet.People);
        Assert.Equal((3, "李青", "13812345678"), (person.Row, person.Person.Name, person.Person.Phone));
        Assert.Contains("座机", sheet.IgnoredColumns);
    }

    [Fact]
    public void NoHeaderOrMissingColumns_OneClearMessage()
    {
        Assert.StartsWith("找不到表头", Assert.Single(Csv("a,b,c\n1,2,3\n").Errors).Message, StringComparison.Ordinal);
        Assert.Equal("缺少“出生年月”列（也可写作“出生日期”“出生年份”）", Assert.Single(Csv("姓名,性别,是否团员\n李青,女,是\n").Errors).Message);
    }

    [Fact]
    public void MillionRowsUncompressed_StopsAtTheRowLimitWhileReading()
    {
        var file = AttackFiles.MillionRows(compressed: false);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        var ex = Assert.Throws<SheetRejectedException>(() => LedgerFiles.Read(new MemoryStream(file), "xlsx"));
        Assert.Equal(413, ex.Status);
        Assert.Contains("行数过多", ex.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16L * 1024 * 1024);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
    }

    [Fact]
    public void MillionRowsCompressed_RefusedByTheCompressionRatio()
    {
        var file = AttackFiles.MillionRows(compressed: true);
        Assert.InRange(file.Length, 1, LedgerFiles.MaxBytes);
        var ex = Assert.Throws<SheetRejectedException>(() => LedgerFiles.Read(new MemoryStream(file), "xlsx"));
        Assert.Equal(413, ex.Status);
    }

    [Fact]
    public void ThousandsOfColumnsAndUnknownEncodings_Refused()
    {
        Assert.Contains("列数过多", Assert.Throws<SheetRejectedException>(() => LedgerFiles.Read(new MemoryStream(AttackFiles.WideCsv()), "csv")).Message, StringComparison.Ordinal);
        var utf16WithoutBom = Encoding.Unicode.GetBytes("姓名,性别,出生年月,是否团员\r\n李青,女,2001-05,是\r\n");
        var latin1 = Encoding.Latin1.GetBytes("Name,Gebürtig\r\nÿÿ,ÿ\r\n");
        foreach (var bytes in new[] { utf16WithoutBom, latin1 })
        {
            var ex = Assert.Throws<SheetRejectedException>(() => LedgerFiles.Read(new MemoryStream(bytes), "csv"));
            Assert.Equal((422, true), (ex.Status, ex.Message.StartsWith("无法识别文件的文字编码", StringComparison.Ordinal)));
        }

        var utf16WithBom = LedgerFiles.Read(new MemoryStream([0xFF, 0xFE, .. utf16WithoutBom]), "csv");
        Assert.Equal("李青", Assert.Single(utf16WithBom.People).Person.Name);
    }
}
