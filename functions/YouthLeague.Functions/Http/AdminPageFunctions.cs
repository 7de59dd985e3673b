using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using YouthLeague.Web.Service;

namespace YouthLeague.Functions.Http;

/// <summary>The city's administration pages (Chinese, plain forms); the logic lives in shared/Web/Service.</summary>
public sealed class AdminPageFunctions(YearAdminPages years)
{
    [Function("YearAdminPage")]
    public Task<IActionResult> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/years/{year}")] HttpRequest req, [DurableClient] DurableTaskClient client, string year) =>
        years.ShowAsync(req, year, client);

    [Function("YearAdminSubmit")]
    public Task<IActionResult> Act(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/years/{year}")] HttpRequest req, [DurableClient] DurableTaskClient client, string year) =>
        years.ActAsync(req, year, client);
}
