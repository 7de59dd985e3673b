using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Auth;
using YouthLeague.Towns;

namespace YouthLeague.Functions.Http;

public sealed class DirectoryFunctions(DirectoryService directory, Access access)
{
    [Function("ListTowns")]
    public async Task<IActionResult> Towns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/towns")] HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var p = who.Principal!;
        var towns = await directory.TownsAsync(req.HttpContext.RequestAborted);
        return new OkObjectResult(p.SeesAllTowns ? towns : towns.Where(t => t.Id == p.TownId).ToList());
    }

    [Function("ListVillages")]
    public async Task<IActionResult> Villages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/villages")] HttpRequest req)
    {
        var who = await access.AuthenticateAsync(req);
        if (!who.Allowed)
        {
            return who.Denied!;
        }

        var p = who.Principal!;
        var town = req.Query["town"].ToString();
        var villages = await directory.VillagesAsync(p.SeesAllTowns ? (town.Length > 0 ? town : null) : p.TownId, req.HttpContext.RequestAborted);
        var visible = villages.Where(v => Access.Allows(p, v.Id, v.TownId, VillageAccess.Read) && (town.Length == 0 || v.TownId == town));
        return new OkObjectResult(visible.ToList());
    }
}
