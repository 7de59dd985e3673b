using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Progress;
using YouthLeague.Storage;
using YouthLeague.Web.Pages;

namespace YouthLeague.Web;

/// <summary>
/// Committee dashboards, from projections only; DashboardQueryTests counts their table requests. Town page: 3 whatever
/// the number of villages (the caller's account, the town's progress partition, its snapshots partition; the
/// directory too while the partition holds rows written before the progress rows carried names). City page: 3 whatever
/// the number of towns (account, every town's progress rows in one range, which name the towns too, and one query of
/// the Meetings table for the meeting records and the recommended cases, the last two side by side). The header's
/// unread badge adds a query only after a notice was queued for the caller (see <see cref="Notifications.Outbox.BadgeAsync"/>).
/// </summary>
public sealed class DashboardPages(Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, ProgressService progress, ChecklistDefinitions definitions, StorageClients storage, TimeProvider clock)
{
    public async Task<IActionResult> TownAsync(HttpRequest req, string townId)
    {
        // The progress partition and the quarterly snapshots are read beside the session when the caller may be signed
        // in (dropped if refused), then the header's badge (when it must look) beside them.
        var year = support.YearOf(req);
        var early = await access.CarriesGenuineCredentialAsync(req);
        var quartersTask = early ? QuarterApprovedAsync(year, townId, req.HttpContext.RequestAborted) : null;
        var reportTask = early ? progress.ReportAsync(year, [townId], req.HttpContext.RequestAborted) : null;
        var who = await Access.CheckBesideAsync(() => access.RequireAsync(req, p => p.SeesTown(townId)), quartersTask, reportTask);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var definition = definitions.Find(year);
        if (definition is null)
        {
            await Access.DiscardAsync(quartersTask, reportTask);
            return await pageAccess.NotFoundAsync(who, "找不到该镇街");
        }

        var quarters = quartersTask ?? QuarterApprovedAsync(year, townId, req.HttpContext.RequestAborted);
        var chrome = support.ChromeAsync(req, who.Principal!);
        var report = await (reportTask ?? progress.ReportAsync(year, [townId], req.HttpContext.RequestAborted));
        if (report is null || report.Towns.Count == 0)
        {
            await Task.WhenAll(quarters, chrome);
            return await pageAccess.NotFoundAsync(who, "找不到该镇街");
        }

        var town = report.Towns[0];
        var filter = new TownFilter(req.Query["step"].ToString(), req.Query["status"].ToString());
        var all = definition!.Steps.Select(s => new StepColumn(s.Key, s.Title)).ToList();
        var columns = all.Where(s => filter.Step.Length == 0 || s.Key == filter.Step).ToList();
        var rows = report.Villages
            .Select(v => new TownRow(v.Id, v.Name, columns.Select(s => new TownCell(s.Key, StepStatusNames.Parse(v.Steps[s.Key]), v.Overdue.Contains(s.Key))).ToList()))
            .Where(r => filter.Status.Length == 0 || r.Cells.Any(c => Matches(c, filter.Status)))
            .ToList();
        return await renderer.PageAsync<TownPage, TownModel>(new(
            await chrome,
            townId,
            town.Name,
            year,
            town.Villages,
            town.StepsApproved,
            town.StepsSubmitted,
            town.StepsOverdue,
            await quarters,
            town.Villages * definition.Steps.Count,
            all,
            columns,
            filter,
            rows,
            who.Principal!.MayReviewTown(townId)));
    }

    public async Task<IActionResult> CityAsync(HttpRequest req)
    {
        // The meeting records with the recommended cases (one query) and the progress report beside the session when
        // the caller may be signed in (dropped if refused), then the header's badge beside them.
        var year = support.YearOf(req);
        var early = await access.CarriesGenuineCredentialAsync(req);
        var meetingsTask = early ? MeetingsAndCasesAsync(year, req.HttpContext.RequestAborted) : null;
        var reportTask = early ? progress.ReportAsync(year, null, req.HttpContext.RequestAborted) : null;
        var who = await Access.CheckBesideAsync(() => access.RequireAsync(req, p => p.SeesAllTowns), meetingsTask, reportTask);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var meetingsAndCases = meetingsTask ?? MeetingsAndCasesAsync(year, req.HttpContext.RequestAborted);
        var chrome = support.ChromeAsync(req, who.Principal!);
        var report = await (reportTask ?? progress.ReportAsync(year, null, req.HttpContext.RequestAborted));
        if (report is null)
        {
            await Task.WhenAll(meetingsAndCases, chrome);
            return await pageAccess.NotFoundAsync(who, "没有该年度的清单");
        }

        // Percentages of the year's own steps (the checklist is data: a year may have more or fewer than six).
        var definition = definitions.For(year);
        var (held, recommended) = await meetingsAndCases;
        var today = ChinaTime.Today(clock.GetUtcNow());
        var towns = report.Towns
            .Select(t => new CityTown(t.Id, t.Name, t.StepsApproved, t.Villages * definition.Steps.Count, t.StepsSubmitted, t.StepsOverdue, Notifications.MeetingReminders.Marks(held, t.Id, year, today)))
            .OrderByDescending(t => t.Percent)
            .ToList();
        var townNames = report.Towns.ToDictionary(t => t.Id, t => t.Name);
        var villageNames = report.Villages.ToDictionary(v => v.Id, v => v.Name);
        var cases = recommended
            .Select(c => new RecommendedCase(
                townNames.GetValueOrDefault(c.TownId, c.TownId), c.VillageId, villageNames.GetValueOrDefault(c.VillageId, c.VillageId), c.Step, definition.Find(c.Step)?.Title ?? c.Step, c.Quarter, c.MeetingDate))
            .ToList();
        return await renderer.PageAsync<CityPage, CityModel>(new(await chrome, year, cases, towns, who.Principal!.IsCity));
    }

    /// <summary>The Meetings table's columns the city page uses, of both kinds of row it reads.</summary>
    private sealed class CityMeetingRow : EntityBase
    {
        public int Quarter { get; set; }

        public string Date { get; set; } = "";

        public string TownId { get; set; } = "";

        public string VillageId { get; set; } = "";

        public string Step { get; set; } = "";

        public string MeetingDate { get; set; } = "";

        public DateTimeOffset At { get; set; }
    }

    /// <summary>
    /// One query for what <see cref="Notifications.MeetingReminders.HeldAsync"/> and
    /// <see cref="Committees.MeetingService.RecommendedAsync"/> read in two: every town's quarter meetings (rows q1-q4 of
    /// "{year}-{townId}") and the year's recommended cases (partition "{year}-recommended") lie in one partition range.
    /// </summary>
    private async Task<(IReadOnlyDictionary<(string Town, int Quarter), string> Held, IReadOnlyList<Committees.RecommendationEntity> Recommended)> MeetingsAndCasesAsync(
        int year, CancellationToken cancellationToken)
    {
        var y = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cases = Committees.RecommendationEntity.Partition(year);
        var held = new Dictionary<(string, int), string>();
        var recommended = new List<Committees.RecommendationEntity>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey gt {y + "-"} and PartitionKey lt {y + "."} and (PartitionKey eq {cases} or RowKey eq {"q1"} or RowKey eq {"q2"} or RowKey eq {"q3"} or RowKey eq {"q4"})");
        string[] columns = ["PartitionKey", "RowKey", nameof(CityMeetingRow.Quarter), nameof(CityMeetingRow.Date), nameof(CityMeetingRow.TownId), nameof(CityMeetingRow.VillageId), nameof(CityMeetingRow.Step), nameof(CityMeetingRow.MeetingDate), nameof(CityMeetingRow.At)];
        await foreach (var m in storage.Table(TableNames.Meetings).QueryAsync<CityMeetingRow>(filter, select: columns, cancellationToken: cancellationToken))
        {
            if (m.PartitionKey == cases)
            {
                recommended.Add(new Committees.RecommendationEntity { PartitionKey = m.PartitionKey, RowKey = m.RowKey, TownId = m.TownId, VillageId = m.VillageId, Step = m.Step, Quarter = m.Quarter, MeetingDate = m.MeetingDate, At = m.At });
            }
            else
            {
                held[(m.PartitionKey[(y.Length + 1)..], m.Quarter)] = m.Date;
            }
        }

        return (held, [.. recommended.OrderBy(r => r.TownId, StringComparer.Ordinal).ThenBy(r => r.At)]);
    }

    private static bool Matches(TownCell cell, string status) =>
        status == TownFilter.Overdue ? cell.Overdue : Components.StatusStyle.Of(cell.Status) == status;

    /// <summary>Approved steps at the end of each quarter, from the kept quarterly snapshots.</summary>
    private async Task<int[]> QuarterApprovedAsync(int year, string townId, CancellationToken cancellationToken)
    {
        var approved = new int[4];
        await foreach (var row in storage.Table(TableNames.Snapshots).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(year, townId)}"), select: ["Quarter", "Approved"], cancellationToken: cancellationToken))
        {
            if (row.GetInt32("Quarter") is { } q and >= 1 and <= 4)
            {
                approved[q - 1] += row.GetInt32("Approved") ?? 0;
            }
        }

        return approved;
    }
}
