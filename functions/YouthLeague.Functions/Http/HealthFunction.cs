using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Towns;
using YouthLeague.Web;

namespace YouthLeague.Functions.Http;

public sealed class HealthFunction(DirectoryService directory, Setup.Readiness readiness)
{
    /// <summary>200 once storage and the durable backend answer.</summary>
    [Function("Health")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest req,
        [DurableClient] DurableTaskClient client)
    {
        if (!readiness.Ready)
        {
            return Problems.Create(503, "正在启动，请稍候");
        }

        try
        {
            await directory.TownsAsync(req.HttpContext.RequestAborted);
            await client.GetInstanceAsync("health-probe", req.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Create(503, "存储或流程引擎暂时不可用");
        }

        return new OkObjectResult(new { status = "ok" });
    }
}
