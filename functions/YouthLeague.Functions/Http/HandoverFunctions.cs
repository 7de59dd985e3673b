using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

/// <summary>The handover pack at a rotation (docs/committees.md): the printable page and the workbook. Logic in shared/Web.</summary>
public sealed class HandoverFunctions(HandoverPages handover)
{
    [Function("HandoverPage")]
    public Task<IActionResult> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "villages/{villageId}/handover")] HttpRequest req, string villageId) =>
        handover.PageAsync(req, villageId);

    [Function("ExportHandover")]
    public Task<IActionResult> Workbook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports/{year}/villages/{villageId}/handover.xlsx")] HttpRequest req, string year, string villageId) =>
        handover.WorkbookAsync(req, year, villageId);
}
