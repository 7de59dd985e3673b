using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using YouthLeague.Audit;
using YouthLeague.Checklist;
using YouthLeague.Years;

namespace YouthLeague.Ledger;

/// <summary>
/// The retention rule (docs/privacy.md): the personal data of a closed year's registers and snapshots is kept
/// <c>YouthLeague:Ledger:RetentionYears</c> full years after it (default 3), then redacted (counts kept). Run daily by a timer on
/// both hosts; each run writes one audit row, whether it redacted anything or not. Also drops previewed imports never
/// confirmed after a day, and the consent photos of people left in no register unredacted.
/// </summary>
public sealed class LedgerRetention(LedgerService ledger, YearService years, AuditLog audit, TimeProvider clock, IConfiguration config, ILogger<LedgerRetention> log)
{
    public const string Action = "ledger.retention";
    public const string Actor = "system";
    public const int DefaultYears = 3;

    public int KeepYears =>
        int.TryParse(config["YouthLeague:Ledger:RetentionYears"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : DefaultYears;

    /// <summary>The years whose personal data is past retention today: closed (or never opened and over), and more than N years ago.</summary>
    public async Task<List<int>> DueYearsAsync(CancellationToken cancellationToken = default)
    {
        var now = ChinaTime.Year(clock.GetUtcNow());
        var due = new List<int>();
        for (var year = LedgerService.FirstYear; year < now - KeepYears; year++)
        {
            var row = await years.FindAsync(year, cancellationToken);
            var status = row is null ? YearStatus.Closed : (await years.ViewAsync(year, cancellationToken: cancellationToken)).Status;
            if (status == YearStatus.Closed || (row?.OpenedAt is null && year < now))
            {
                due.Add(year);
            }
        }

        return due;
    }

    public async Task<(IReadOnlyList<int> Years, int Redacted)> RunAsync(CancellationToken cancellationToken = default)
    {
        var due = await DueYearsAsync(cancellationToken);
        var redacted = 0;
        foreach (var year in due)
        {
            redacted += await ledger.RedactYearAsync(year, cancellationToken);
        }

        var pending = await ledger.SweepPendingImportsAsync(TimeSpan.FromDays(1), cancellationToken);
        var photos = await ledger.SweepConsentPhotosAsync(cancellationToken);
        var detail = $"保留期 {KeepYears} 年；到期年度：{(due.Count == 0 ? "无" : string.Join("、", due))}；本次隐去 {redacted} 条个人信息；清理未确认的导入预览 {pending} 份；删除监护人同意书照片 {photos} 张";
        await audit.RecordAsync(Actor, Action, "ledger", detail, cancellationToken);
        log.LogInformation("Ledger retention: {Years} years due, {Redacted} rows redacted, {Pending} previews removed, {Photos} consent photos deleted", due.Count, redacted, pending, photos);
        return (due, redacted);
    }
}
