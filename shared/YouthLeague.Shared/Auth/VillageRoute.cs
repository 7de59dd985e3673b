using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Web;

namespace YouthLeague.Auth;

/// <summary>What every /api/checklists/{year}/{villageId}/… function checks first: a sane route, then who may do this to that village.</summary>
public static class VillageRoute
{
    public static async Task<(int Year, AccessResult? Who, IActionResult? Denied)> AuthorizeAsync(
        Access access, HttpRequest req, string year, string villageId, VillageAccess need)
    {
        if (!Routes.TryYear(year, out var y) || !Routes.IsId(villageId))
        {
            return (0, null, Problems.NotFound("找不到该村这一年度的清单"));
        }

        var who = await access.RequireVillageAsync(req, villageId, need);
        return (y, who, who.Denied);
    }
}
