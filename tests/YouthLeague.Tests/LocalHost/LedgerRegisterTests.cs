using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Audit;
using YouthLeague.Ledger;
using YouthLeague.Storage;
using YouthLeague.Tests.Auth;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

/// <summary>
/// Issue #19 on Azurite: an import of a LibreOffice file previewed then applied (the same file twice changes nothing),
/// the register carried over into the next year, a removal checked in every stored copy, the retention rule.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LedgerRegisterTests(Azurite azurite)
{
    private static Stream Fixture(string name) => File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", "ledger", name));

    private static LedgerRow Person(string name, int year, int month, string phone) =>
        new(null, name, "女", year, true, phone, "本科", "村委会", null) { BirthMonth = month };

    private (ServiceProvider Services, LedgerService Ledger, FakeTimeProvider Clock) World(DateTimeOffset now, int retentionYears = 3)
    {
        var clock = new FakeTimeProvider(now);
        var services = AccountServiceTests.Services(azurite.ConnectionString, clock, new Dictionary<string, string?> { ["YouthLeague:Ledger:RetentionYears"] = retentionYears.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return (services, services.GetRequiredService<LedgerService>(), clock);
    }

    /// <summary>Every stored row of the village's registers, every year and version (what a deletion must reach).</summary>
    private List<TableEntity> Stored(string village) =>
        [.. new TableClient(azurite.ConnectionString, TableNames.Ledger).Query<TableEntity>().Where(e => e.PartitionKey.EndsWith("-" + village, StringComparison.Ordinal) && e.RowKey.StartsWith('v'))];

    [Fact]
    public async Task Import_LibreOfficeFile_PreviewWritesNothing_ApplyThenSameFileAgainChangesNothing()
    {
        var (services, ledger, _) = World(new DateTimeOffset(2026, 12, 21, 2, 0, 0, TimeSpan.Zero)); // 张小 turned 14 on 20 December
        await using var _s = services;
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        var village = "lr-" + Guid.NewGuid().ToString("N")[..10];

        var preview = await ledger.ImportAsync(2026, village, Fixture("libreoffice-title-row.xlsx"), "xlsx", dryRun: true);
        Assert.Equal(200, preview.Status);
        Assert.Equal(["李青", "王强", "张小"], preview.Plan.Added.Select(r => r.Name));
        Assert.Empty(Stored(village));

        var applied = await ledger.ImportAsync(2026, village, Fixture("libreoffice-title-row.xlsx"), "xlsx", dryRun: false);
        Assert.Equal((200, 3), (applied.Status, applied.Plan.Added.Count));
        var rows = Stored(village);
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, e => e.GetString("Phone") == "13900001111"); // +86 139-0000-1111 as stored

        var again = await ledger.ImportAsync(2026, village, Fixture("libreoffice-title-row.xlsx"), "xlsx", dryRun: false);
        Assert.Equal((0, 0, 3), (again.Plan.Added.Count, again.Plan.Changed.Count, again.Plan.Unchanged));
        Assert.Equal(rows.Select(r => r.RowKey).Order(), Stored(village).Select(r => r.RowKey).Order()); // not even a new version

        // The GBK CSV of the same register: 李青 matched by name and phone (month given), 孙丽 new.
        var gbk = await ledger.ImportAsync(2026, village, Fixture("excel-gbk.csv"), "csv", dryRun: true);
        Assert.Equal(["孙丽"], gbk.Plan.Added.Select(r => r.Name));
        Assert.Equal(["李青"], gbk.Plan.Changed.Select(c => c.Before.Name));
        Assert.Equal(0, gbk.Plan.Unchanged);
    }

    [Fact]
    public async Task NewYear_StartsFromLastYearsRegister_ThoseTurned36MarkedNotDeleted_LastYearAsItWas()
    {
        var (services, ledger, clock) = World(new DateTimeOffset(2025, 6, 1, 2, 0, 0, TimeSpan.Zero));
        await using var _s = services;
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        var village = "ly-" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(200, (await ledger.ReplaceAsync(2025, village, [Person("老青年", 1990, 1, "13800000001"), Person("李青", 2001, 5, "13800000002")])).Status);
        var last = await ledger.ReadAsync(2025, village, showPhones: true);

        clock.SetUtcNow(new DateTimeOffset(2026, 1, 5, 2, 0, 0, TimeSpan.Zero));
        var now = await ledger.ReadAsync(2026, village, showPhones: true);

        Assert.Equal(last.Select(r => (r.Id, r.Name)), now.Select(r => (r.Id, r.Name)));
        Assert.Equal([true, false], now.Select(r => r.NeedsReview)); // born 1990-01: 36 within 2026, so marked; kept
        Assert.Equal(200, (await ledger.DeleteRowAsync(2026, village, now[0].Id!)).Status);
        Assert.Equal(["李青"], (await ledger.ReadAsync(2026, village, showPhones: true)).Select(r => r.Name));
        Assert.Equal(["李青"], (await ledger.ReadAsync(2025, village, showPhones: true)).Select(r => r.Name)); // removed from 2025 too: nobody handed it in, so deleted, not redacted
        Assert.Equal(200, (await ledger.SaveRowAsync(2026, village, now[1] with { Education = "硕士" })).Status);
        Assert.Equal("本科", (await ledger.ReadAsync(2025, village, showPhones: true)).Single(r => r.Name == "李青").Education); // 2025 as it was
    }

    [Fact]
    public async Task RemovedPerson_RedactedInEverySnapshotEveryYearAndEveryExport_CountsKept()
    {
        var (services, ledger, clock) = World(new DateTimeOffset(2025, 6, 1, 2, 0, 0, TimeSpan.Zero));
        await using var _s = services;
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        var village = "ld-" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(200, (await ledger.ReplaceAsync(2025, village, [Person("删除我", 2000, 3, "13911112222"), Person("留下", 2001, 5, "13800000002")])).Status);
        var (pin2025, _, _) = await ledger.PinAsync(2025, village, "s2025");
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero));
        var (pin2026, _, _) = await ledger.PinAsync(2026, village, "s2026"); // the carried-over register, handed in
        // The same people PUT again without ids (another program's whole list) is not a removal.
        Assert.Equal(200, (await ledger.ReplaceAsync(2026, village, [Person("删除我", 2000, 3, "139 1111 2222"), Person("留下", 2001, 5, "13800000002")])).Status);
        Assert.Contains(Stored(village), e => e.GetString("Name") == "删除我" && e.GetBoolean("Redacted") != true);
        var target = (await ledger.ReadAsync(2026, village, showPhones: true)).Single(r => r.Name == "删除我");

        Assert.Equal(200, (await ledger.DeleteRowAsync(2026, village, target.Id!)).Status);

        var stored = Stored(village);
        Assert.DoesNotContain(stored, e => e.GetString("Name") == "删除我" || e.GetString("Phone") == "13911112222");
        Assert.Contains(stored, e => e.GetString("Name") == "留下");
        foreach (var (year, pin) in new[] { (2025, pin2025!), (2026, pin2026!) })
        {
            var snapshot = await ledger.ReadVersionAsync(year, village, pin.Version, showPhones: true);
            Assert.Equal(pin.Rows, snapshot.Count); // the count stays
            Assert.Equal(pin.Members, snapshot.Count(r => r.IsLeagueMember));
            Assert.Single(snapshot, r => r.Redacted && r.Name == LedgerRules.RedactedName && r.Phone is null && r.BirthYear == 0);
            var csv = System.Text.Encoding.UTF8.GetString(LedgerFiles.Csv(snapshot));
            Assert.DoesNotContain("删除我", csv, StringComparison.Ordinal);
            Assert.DoesNotContain("13911112222", csv, StringComparison.Ordinal);
        }

        var rollup = YouthLeague.Committees.CommitteeSheets.Ledger(2026, [(new YouthLeague.Towns.Town("t", "镇"), new YouthLeague.Towns.Village(village, "村", "t", new YouthLeague.Towns.Secretary("书记", "sec." + village)), await ledger.ReadAsync(2026, village, showPhones: true))]);
        Assert.DoesNotContain(rollup.Rows.SelectMany(r => r), v => v?.ToString() is "删除我" or "13911112222");
        Assert.DoesNotContain("删除我", System.Text.Encoding.UTF8.GetString(LedgerFiles.Csv(await ledger.ReadAsync(2025, village, showPhones: true))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_ClosedYearPastNYears_Redacted_AuditRowEveryRun()
    {
        var (services, ledger, clock) = World(new DateTimeOffset(2021, 6, 1, 2, 0, 0, TimeSpan.Zero), retentionYears: 3);
        await using var _s = services;
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        var village = "lt-" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(200, (await ledger.ReplaceAsync(2021, village, [Person("旧年青年", 2000, 3, "13911113333")])).Status);
        var (pin, _, _) = await ledger.PinAsync(2021, village, "s2021");
        var retention = services.GetRequiredService<LedgerRetention>();

        clock.SetUtcNow(new DateTimeOffset(2024, 12, 1, 2, 0, 0, TimeSpan.Zero)); // 2021 + 3 kept years: not yet
        await retention.RunAsync();
        Assert.Contains(Stored(village), e => e.GetString("Name") == "旧年青年");

        clock.SetUtcNow(new DateTimeOffset(2025, 1, 2, 2, 0, 0, TimeSpan.Zero));
        var (years, _) = await retention.RunAsync();

        Assert.Contains(2021, years);
        Assert.All(Stored(village).Where(e => e.PartitionKey.StartsWith("2021-", StringComparison.Ordinal)), e => Assert.True(e.GetBoolean("Redacted")));
        Assert.DoesNotContain(Stored(village), e => e.GetString("Name") == "旧年青年" || e.GetString("Phone") == "13911113333");
        Assert.Equal(pin!.Rows, (await ledger.ReadVersionAsync(2021, village, pin.Version, showPhones: true)).Count);
        var runs = (await services.GetRequiredService<AuditLog>().ListAsync(new DateOnly(2024, 12, 1), new DateOnly(2025, 1, 2))).Where(a => a.Action == LedgerRetention.Action).ToList();
        Assert.True(runs.Count >= 2, $"{runs.Count} audit rows"); // one per run (other tests' runs may add more)
        Assert.Contains(runs, a => a.Detail.Contains("2021", StringComparison.Ordinal));
    }

    [Fact]
    public void RetentionTimer_InFunctionsMetadata_TheLocalHostRunsItAtHalfPastTwoChinaTime()
    {
        var function = YouthLeague.LocalHost.FunctionCatalog.Load(AppContext.BaseDirectory).Single(f => f.Name == "LedgerRetention");
        Assert.Equal(YouthLeague.Functions.Timers.LedgerRetentionTimer.Schedule, function.Metadata.Trigger.Schedule);

        var schedule = YouthLeague.LocalHost.TimerFunctionService.Schedule(function, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        var next = schedule.GetNextOccurrence(new DateTime(2026, 6, 16, 12, 0, 0, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 6, 16, 18, 30, 0), next);
        Assert.Equal(2, YouthLeague.Checklist.ChinaTime.ToChina(new DateTimeOffset(next, TimeSpan.Zero)).Hour);
    }
}
