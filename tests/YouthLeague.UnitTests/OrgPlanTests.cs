using System.Text;
using MiniExcelLibs;
using YouthLeague.Org;

namespace YouthLeague.UnitTests;

public sealed class OrgPlanTests
{
    private static (List<OrgRow> Rows, List<RowError> Errors) Read(byte[] bytes, string kind, int maxRows = OrgPlan.MaxRows) =>
        OrgPlan.Rows(OrgSheet.Read(new MemoryStream(bytes), kind, OrgPlan.IsHeader, maxRows));

    [Fact]
    public void Read_XlsxWithTitleRowAndSynonyms_FindsHeaderAndRows()
    {
        using var buffer = new MemoryStream();
        static Dictionary<string, object> Row(params object[] cells) => cells.Select((c, i) => (c, i)).ToDictionary(x => ((char)('A' + x.i)).ToString(), x => x.c);
        buffer.SaveAs(
            new[]
            {
                Row("2026年第一书记名单", "", "", "", "", ""),
                Row("乡镇", "村居", "书记姓名", "联系电话", "选派单位", "任期"),
                Row("太平镇", "东村", "张明", 13800000001d, "市财政局", "2024.03-2026.03"),
                Row("", "", "", "", "", ""),
                Row("太平镇", "西村", "李华", "138-0000-0002", "", ""),
            },
            printHeader: false);

        var (rows, errors) = Read(buffer.ToArray(), "xlsx");

        Assert.True(errors.Count == 0, string.Join("; ", errors));
        Assert.Equal(2, rows.Count);
        Assert.Equal(new OrgRow(3, "太平镇", "东村", "张明", "13800000001", "市财政局", "2024.03-2026.03"), rows[0]);
        Assert.Equal("13800000002", rows[1].Phone);
        Assert.Equal(5, rows[1].Row);
    }

    [Fact]
    public void Read_CsvInGbk_DecodesChinese()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GB18030").GetBytes("镇街,村/社区,第一书记,手机\r\n中心店镇,\"南村,一组\",王芳,13800000003\r\n");

        var (rows, errors) = Read(bytes, "csv");

        Assert.Empty(errors);
        Assert.Equal("南村,一组", Assert.Single(rows).Village);
        Assert.Equal("中心店镇", rows[0].Town);
    }

    [Fact]
    public void Read_MoreRowsThanTheLimit_RefusedWithoutReadingThemAll()
    {
        var csv = "镇街,村/社区,第一书记,手机\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"镇,村{i},书记,1380000{i:D4}\n"));

        var (rows, errors) = Read(Encoding.UTF8.GetBytes(csv), "csv", maxRows: 10);

        Assert.Empty(rows);
        Assert.Contains("超过 10 行", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SameSheetAgainstItsOwnResult_ChangesNothing()
    {
        var rows = new List<OrgRow> { new(2, "太平镇", "东村", "张明", "13800000001", "市财政局", "") };
        var first = OrgPlan.Plan(rows, [], []);
        var town = Assert.Single(first.Added.Towns);
        var village = Assert.Single(first.Added.Villages);

        var second = OrgPlan.Plan(
            rows,
            [new ExistingTown(town.Id, town.Name)],
            [new ExistingVillage(village.Id, "东村", town.Id, "张明", "sec." + village.Id, "13800000001", "市财政局", "", Closed: false)]);

        Assert.False(second.HasChanges);
        Assert.Equal(1, second.Unchanged);
        Assert.Equal(first.Added.Villages[0].Id, OrgPlan.Plan(rows, [], []).Added.Villages[0].Id); // ids are stable
    }

    [Fact]
    public void Plan_NewSecretaryForVillage_IsARotationWithMaskedPhones()
    {
        var existing = new ExistingVillage("t1-east", "东村", "t1", "张明", "sec.t1-east", "13800000001", "", "", Closed: false);

        var plan = OrgPlan.Plan([new(2, "太平镇", "东村", "周新", "13900000009", "", "")], [new ExistingTown("t1", "太平镇")], [existing]);

        var change = Assert.Single(plan.Changed);
        Assert.Equal("张明 138****0001", change.Changes[0].Before);
        Assert.Equal("周新 139****0009", change.Changes[0].After);
        Assert.StartsWith("sec.t1-east.", Assert.Single(plan.Added.Accounts).Username, StringComparison.Ordinal);
    }
}
