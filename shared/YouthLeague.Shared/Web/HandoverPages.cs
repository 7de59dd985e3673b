using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Committees;
using YouthLeague.Ledger;
using YouthLeague.Towns;
using YouthLeague.Web.Pages;
using YouthLeague.Workflow;

namespace YouthLeague.Web;

/// <summary>
/// The handover pack (交接材料) of a village's year so far, for a successor at a rotation: a printable page and the
/// same as a workbook. Whoever may read the village may read it (its secretary, its town, the dispatch offices, the
/// city); phones as the ledger route shows them to that reader.
/// </summary>
public sealed class HandoverPages(Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, ChecklistReader reader, LedgerService ledger, DirectoryService directory, TimeProvider clock)
{
    public async Task<IActionResult> PageAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Read);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var (town, checklist, register) = await ReadAsync(year, who, req.HttpContext.RequestAborted);
        return await renderer.PageAsync<HandoverPage, HandoverModel>(new(
            await support.ChromeAsync(req, who.Principal!), who.Village!, town.Name, year, ChinaTime.Today(clock.GetUtcNow()), checklist, register, !who.MaySeePersonalData));
    }

    public async Task<IActionResult> WorkbookAsync(HttpRequest req, string year, string villageId)
    {
        var (y, who, denied) = await VillageRoute.AuthorizeAsync(access, req, year, villageId, VillageAccess.Read);
        if (denied is not null)
        {
            return denied;
        }

        var (town, checklist, register) = await ReadAsync(y, who!, req.HttpContext.RequestAborted);
        var sheets = CommitteeSheets.Handover(y, town, who!.Village!, ChinaTime.Today(clock.GetUtcNow()), checklist, register);
        return new FileContentResult(Sheet.Workbook(sheets), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        {
            FileDownloadName = $"handover-{villageId}-{y}.xlsx",
        };
    }

    private async Task<(Town Town, ChecklistView? Checklist, IReadOnlyList<LedgerRow> Register)> ReadAsync(int year, AccessResult who, CancellationToken cancellationToken)
    {
        var village = who.Village!;
        var towns = directory.TownsAsync(cancellationToken);
        var checklist = reader.ReadAsync(year, village.Id, cancellationToken);
        var register = await ledger.ReadAsync(year, village.Id, who.MaySeePersonalData, cancellationToken);
        var town = (await towns).FirstOrDefault(t => t.Id == village.TownId) ?? new Town(village.TownId, village.TownId);
        return (town, await checklist, register);
    }
}
