using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Towns;

namespace YouthLeague.Functions.Http;

public sealed class DirectoryFunctions(DirectoryService directory)
{
    [Function("ListTowns")]
    public async Task<IActionResult> Towns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/towns")] HttpRequest req) =>
        new OkObjectResult(await directory.TownsAsync(req.HttpContext.RequestAborted));

    [Function("ListVillages")]
    public async Task<IActionResult> Villages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/villages")] HttpRequest req)
    {
        var town = req.Query["town"].ToString();
        return new OkObjectResult(await directory.VillagesAsync(town.Length > 0 ? town : null, req.HttpContext.RequestAborted));
    }
}
