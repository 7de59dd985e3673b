using System.Globalization;
using System.Text.RegularExpressions;
using YouthLeague.Sheets;

namespace YouthLeague.Ledger;

/// <summary>One person read from a sheet, with the line or Excel row they came from.</summary>
public sealed record SheetPerson(int Row, LedgerRow Person);

/// <summary>
/// What a ledger sheet held: the people (rows that could be read), each row's problems, the columns that were
/// recognised (<see cref="Fields"/>: a field the sheet does not have is left as it is on a matched person) and the
/// headings that were not (ignored, listed back to the person who sent it).
/// </summary>
public sealed record LedgerSheet(IReadOnlyList<SheetPerson> People, IReadOnlyList<RowError> Errors, IReadOnlySet<string> Fields, IReadOnlyList<string> IgnoredColumns);

/// <summary>
/// The ledger as a file: the import template, .csv and .xlsx import and export. An import matches headings by name
/// and their common synonyms (the columns may come in any order, with a title row or two above them, with columns we
/// do not keep such as 民族 or 身份证号), so that our template, a register kept in Excel or WPS, and the 智慧团建
/// member export all read.
/// </summary>
public static partial class LedgerFiles
{
    public static readonly string[] Columns = ["姓名", "性别", "出生年月", "是否团员", "联系电话", "学历", "工作或学习单位", "备注", "监护人已同意", "监护人", "同意方式", "同意日期"];

    public const long MaxBytes = 2 * 1024 * 1024;

    /// <summary>Rows above the header that are tolerated (a title, a unit name, a date line).</summary>
    public const int TitleRows = 5;

    /// <summary>Bounds of an imported ledger file: the register's rows plus header and title rows, the template's columns with room to spare.</summary>
    public static readonly SheetLimits Limits = new() { MaxRows = LedgerRules.MaxRows + TitleRows + 1, MaxColumns = 64, MaxCellChars = 1000 };

    internal const string Name = "姓名", Sex = "性别", Birth = "出生年月", Member = "是否团员", Phone = "联系电话", Education = "学历",
        Occupation = "工作或学习单位", Note = "备注", Consent = "监护人已同意", Relation = "监护人", Method = "同意方式", ConsentOn = "同意日期",
        IdNumber = "身份证号", MemberNumber = "团员编号", PoliticalStatus = "政治面貌";

    private static readonly SheetColumn[] Expected =
    [
        new(Name, Required: true, "名字", "团员姓名", "青年姓名"),
        new(Sex, false),
        new(Birth, false, "出生年份", "出生日期", "出生年月日", "出生时间", "生日", "出生年"),
        new(Member, false, "是否共青团员", "团员"),
        new(PoliticalStatus, false),
        new(Phone, false, "手机", "手机号", "手机号码", "联系方式", "电话", "电话号码", "联系手机", "移动电话"),
        new(Education, false, "文化程度", "最高学历", "全日制学历"),
        new(Occupation, false, "工作单位", "学习单位", "工作（学习）单位", "工作/学习单位", "单位", "职业", "所在单位", "就读学校", "工作单位及职务"),
        new(Note, false, "说明"),
        new(Consent, false, "监护人是否同意", "监护人同意"),
        new(Relation, false, "同意人", "监护人关系", "与监护人关系"),
        new(Method, false, "监护人同意方式"),
        new(ConsentOn, false, "监护人同意日期", "同意时间"),
        new(IdNumber, false, "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号"),
        new(MemberNumber, false, "发展团员编号", "入团时间", "入团年月", "入团日期"),
    ];

    /// <summary>
    /// The people of an uploaded .xlsx or .csv. A file over <see cref="Limits"/> throws <see cref="SheetRejectedException"/>
    /// (it stops being read as soon as it is over); a sheet without the columns we need is one error for row 0.
    /// </summary>
    public static LedgerSheet Read(Stream content, string kind)
    {
        var table = SheetReader.Read(content, kind, Limits);
        var header = SheetHeader.Find(table, Expected, TitleRows);
        if (header is null)
        {
            return new([], [new RowError(0, "找不到表头：前几行中应有一行写着“姓名”“性别”“出生年月”等列名（列的顺序不限）。可下载模板对照：" + string.Join("、", Columns[..8]))], new HashSet<string>(), []);
        }

        // A header of two rows (merged cells above sub-headings such as 手机 / 座机): the row just below that names
        // no person but only headings is taken as part of the header, its cells as further names of their columns.
        var dataRows = header.DataRows.ToList();
        var columns = new Dictionary<string, int>(header.Columns);
        SheetRow? subHeader = null;
        if (dataRows.Count > 0 && IsSubHeader(dataRows[0], columns))
        {
            foreach (var column in Expected.Where(c => !columns.ContainsKey(c.Name)))
            {
                for (var i = 0; i < dataRows[0].Cells.Count; i++)
                {
                    if (column.Matches(dataRows[0].Cells[i]) && !columns.ContainsValue(i))
                    {
                        columns[column.Name] = i;
                        break;
                    }
                }
            }

            if (columns.TryGetValue(Phone, out var phone) && dataRows[0][phone] is { } sub && !Expected.Single(c => c.Name == Phone).Matches(sub)
                && Enumerable.Range(0, dataRows[0].Cells.Count).FirstOrDefault(i => Expected.Single(c => c.Name == Phone).Matches(dataRows[0][i]), -1) is >= 0 and var better)
            {
                columns[Phone] = better;
            }

            subHeader = dataRows[0];
            dataRows.RemoveAt(0);
        }

        var errors = new List<RowError>();
        var hasId = columns.ContainsKey(IdNumber);
        if (!columns.ContainsKey(Birth) && !hasId)
        {
            errors.Add(new RowError(header.Row.Number, "缺少“出生年月”列（也可写作“出生日期”“出生年份”）"));
        }

        if (!columns.ContainsKey(Sex) && !hasId)
        {
            errors.Add(new RowError(header.Row.Number, "缺少“性别”列"));
        }

        // The 智慧团建 export lists league members only: it has a member number or joining date instead of 是否团员.
        var allMembers = !columns.ContainsKey(Member) && !columns.ContainsKey(PoliticalStatus) && columns.ContainsKey(MemberNumber);
        if (!columns.ContainsKey(Member) && !columns.ContainsKey(PoliticalStatus) && !allMembers)
        {
            errors.Add(new RowError(header.Row.Number, "缺少“是否团员”列（也可写作“政治面貌”）"));
        }

        var ignored = header.Row.Cells.Select((c, i) => (c, i))
            .Concat(subHeader?.Cells.Select((c, i) => (c, i)) ?? [])
            .Where(x => !string.IsNullOrWhiteSpace(x.c) && !columns.ContainsValue(x.i))
            .Select(x => x.c!.Trim())
            .Concat(columns.TryGetValue(IdNumber, out var idAt) ? [header.Row[idAt]!.Trim()] : [])
            .Concat(columns.TryGetValue(MemberNumber, out var numberAt) ? [header.Row[numberAt]?.Trim() ?? MemberNumber] : [])
            .Distinct()
            .ToList();
        var fields = columns.Keys.Where(k => k is not (IdNumber or MemberNumber or PoliticalStatus)).ToHashSet();
        if (columns.ContainsKey(PoliticalStatus) || allMembers)
        {
            fields.Add(Member);
        }

        if (hasId)
        {
            fields.Add(Birth);
            fields.Add(Sex);
        }

        if (errors.Count > 0)
        {
            return new([], errors, fields, ignored);
        }

        var people = new List<SheetPerson>();
        foreach (var r in dataRows)
        {
            string? Cell(string column) => columns.TryGetValue(column, out var i) && r[i] is { } v ? v.Trim() is { Length: > 0 } t ? t : null : null;
            var rowErrors = new List<string>();
            var fromId = IdBirth(Cell(IdNumber));
            var birth = ParseBirth(Cell(Birth)) ?? (Cell(Birth) is null ? fromId?.Birth : null);
            if (birth is null)
            {
                rowErrors.Add(Cell(Birth) is null ? "出生年月未填" : $"出生年月“{Cell(Birth)}”无法识别，请写作 2001、2001-05 或 2001-05-12");
            }

            var sex = Cell(Sex) ?? fromId?.Sex ?? "";
            bool? member = allMembers ? true : Cell(Member) is { } m ? LedgerRules.ParseMembership(m) : LedgerRules.ParseMembership(Cell(PoliticalStatus));
            if (member is null)
            {
                rowErrors.Add($"“{Cell(Member) ?? Cell(PoliticalStatus)}”无法识别：是否团员请填“是”或“否”（政治面貌如“共青团员”“群众”）");
            }

            var consent = LedgerRules.ParseYesNo(Cell(Consent));
            if (consent is null)
            {
                rowErrors.Add("“监护人已同意”请填“是”或“否”");
            }

            string? consentOn = null;
            if (Cell(ConsentOn) is { } on)
            {
                consentOn = ParseBirth(on) is { Month: not null, Day: not null } d ? $"{d.Year:D4}-{d.Month:D2}-{d.Day:D2}" : on;
            }

            var relation = Cell(Relation);
            var method = Cell(Method);
            var person = new LedgerRow(
                null, Cell(Name) ?? "", sex, birth?.Year ?? 0, member ?? false, LedgerRules.NormalizePhone(Cell(Phone)),
                Cell(Education), Cell(Occupation), Cell(Note), consent == true || (Cell(Consent) is null && relation is not null && method is not null))
            {
                BirthMonth = birth?.Month,
                BirthDay = birth?.Day,
                ConsentRelation = relation,
                ConsentMethod = method,
                ConsentOn = consentOn,
            };
            errors.AddRange(rowErrors.Select(e => new RowError(r.Number, e)));
            people.Add(new SheetPerson(r.Number, person));
        }

        return new(people, errors, fields, ignored);
    }

    /// <summary>A row under the header that only holds headings (of columns we know or not), no person: part of a two-row header.</summary>
    private static bool IsSubHeader(SheetRow row, Dictionary<string, int> columns)
    {
        var named = columns.TryGetValue(Name, out var n) ? row[n] : null;
        return string.IsNullOrWhiteSpace(named) && row.Cells.Any(c => Expected.Any(e => e.Matches(c)) || c is "座机" or "固定电话");
    }

    [GeneratedRegex(@"^(\d{4})\s*(?:[./\-年]\s*(\d{1,2})\s*(?:月)?\s*(?:[./\-]?\s*(\d{1,2})\s*日?)?)?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")]
    private static partial Regex Dated();

    [GeneratedRegex(@"^(\d{4})(\d{2})(\d{2})?$")]
    private static partial Regex Compact();

    [GeneratedRegex(@"^\d{17}[\dXx]$")]
    private static partial Regex IdCard();

    /// <summary>
    /// A birth date as people write it: 2001, 2001.5, 2001-05, 2001/5/12, 2001年5月, 2001年5月12日, 200105, 20010512,
    /// an ISO date with a time, or an Excel date serial (a cell formatted as a date reads as a number such as 36934).
    /// Null if it is none of these or the month or day cannot be.
    /// </summary>
    public static (int Year, int? Month, int? Day)? ParseBirth(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var s = text.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        int? month = null, day = null;
        int year;
        if (Dated().Match(s) is { Success: true } d)
        {
            year = int.Parse(d.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            month = d.Groups[2].Success ? int.Parse(d.Groups[2].ValueSpan, CultureInfo.InvariantCulture) : null;
            day = d.Groups[3].Success ? int.Parse(d.Groups[3].ValueSpan, CultureInfo.InvariantCulture) : null;
        }
        else if (Compact().Match(s) is { Success: true } c)
        {
            year = int.Parse(c.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            month = int.Parse(c.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            day = c.Groups[3].Success ? int.Parse(c.Groups[3].ValueSpan, CultureInfo.InvariantCulture) : null;
        }
        else if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var serial) && serial is >= 3000 and < 73051)
        {
            var date = DateTime.FromOADate(Math.Floor(serial));
            return (date.Year, date.Month, date.Day);
        }
        else
        {
            return null;
        }

        if (year < 1900 || month is < 1 or > 12 || (day is not null && (month is null || day < 1 || day > DateTime.DaysInMonth(year, month.Value))))
        {
            return null;
        }

        return (year, month, day);
    }

    /// <summary>The birth date and sex in an 18-digit ID number (used to fill those columns, never stored).</summary>
    private static ((int Year, int? Month, int? Day) Birth, string Sex)? IdBirth(string? id) =>
        id is not null && IdCard().IsMatch(id) && ParseBirth(id[6..14]) is { Day: not null } birth
            ? (birth, (id[16] - '0') % 2 == 1 ? "男" : "女")
            : null;

    public static byte[] Template() => Csv([]);

    public static byte[] Csv(IEnumerable<LedgerRow> rows, bool withConsent = true) =>
        Web.Csv.Write([withConsent ? Columns : Columns[..9], .. rows.Select(r => Values(r, withConsent))]);

    private static IEnumerable<string> Values(LedgerRow r, bool withConsent)
    {
        string[] values =
        [
            r.Name, r.Sex, LedgerRules.BirthText(r), LedgerRules.YesNo(r.IsLeagueMember), r.Phone ?? "",
            r.Education ?? "", r.Occupation ?? "", r.Note ?? "", LedgerRules.YesNo(r.GuardianConsent),
        ];
        return withConsent ? [.. values, r.ConsentRelation ?? "", r.ConsentMethod ?? "", r.ConsentOn ?? ""] : values;
    }
}
