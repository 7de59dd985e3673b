using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Xunit.Abstractions;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.Service;

/// <summary>The host killed (SIGKILL) while it opens a year for 300 villages, then started again: every village ends with exactly one running checklist.</summary>
[Trait("Category", "Faults")]
public sealed class OpenYearCrashTests(ITestOutputHelper output)
{
    public const int Villages = 300;

    [Fact]
    public async Task OpenYear_HostKilledMidway_ResumesAndEveryVillageHasOneChecklist()
    {
        var azurite = Azurite.Fresh();
        await azurite.InitializeAsync();
        try
        {
            var hub = "crash" + Guid.NewGuid().ToString("N")[..8];
            await using var host = new LocalHostProcess(azurite.ConnectionString, hub, new Dictionary<string, string>
            {
                ["YouthLeague:SetupSecret"] = ServiceLifecycleTests.Secret,
                // What a killed host had taken comes back after this long. Batches stop after YearOpener.Budget (5 s), well
                // inside it, so a live batch is not delivered twice.
                ["LocalHost:VisibilityTimeout"] = "00:00:20",
            });
            await host.StartAsync();
            using var city = await ServiceLifecycleTests.SetUpAsync(host);
            var rows = Enumerable.Range(0, Villages).Select(i => $"镇{i % 10},村{i},书记{i},139{i:D8},,").ToArray();
            // 300 villages and 310 accounts take longer than the helpers' 30 s on a loaded machine.
            using var patient = new HttpClient { BaseAddress = city.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            patient.DefaultRequestHeaders.Authorization = city.DefaultRequestHeaders.Authorization;
            using (var r = await ServiceLifecycleTests.ImportAsync(patient, ServiceLifecycleTests.OrgSheetGbk(rows), dryRun: false))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            Assert.Equal(HttpStatusCode.OK, (await city.PostAsync("/api/years/2026/definition/publish", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await city.PostAsync("/api/years/2026/open", null)).StatusCode);

            // Kill it once some, not all, checklists have started.
            var opened = new TableClient(azurite.ConnectionString, "Years");
            int Started() => opened.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-opened"}"), select: ["RowKey"]).Count();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (Started() < 25)
            {
                Assert.True(DateTime.UtcNow < deadline, "the opening did not start:\n" + host.Output);
                await Task.Delay(100);
            }

            var atKill = Started();
            host.Kill();
            output.WriteLine($"killed with {atKill} of {Villages} recorded");
            Assert.True(atKill < Villages, "the opening finished before the kill; nothing was tested");

            await host.StartAsync();
            using var again = await host.SignedInAsync("admin", ServiceLifecycleTests.CityPassword);
            // A ceiling for a loaded 2-core machine; it takes a minute or two (the test prints it).
            var resumed = System.Diagnostics.Stopwatch.StartNew();
            await ServiceLifecycleTests.WaitOpenedAsync(again, 2026, Villages, TimeSpan.FromMinutes(10));
            output.WriteLine($"resumed opening finished {resumed.Elapsed.TotalSeconds:F0} s after the restart");

            var instances = new TableClient(azurite.ConnectionString, hub + "Instances")
                .Query<TableEntity>(select: ["PartitionKey", "RuntimeStatus"])
                .Where(e => e.PartitionKey.StartsWith("checklist-2026-", StringComparison.Ordinal))
                .ToList();
            Assert.Equal(Villages, instances.Count);
            Assert.All(instances, i => Assert.Contains(i.GetString("RuntimeStatus"), new[] { "Running", "Pending" }));
            var headers = new TableClient(azurite.ConnectionString, "Checklists")
                .Query<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"checklist"}"), select: ["PartitionKey"])
                .Select(e => e.PartitionKey)
                .ToList();
            Assert.Equal(Villages, headers.Distinct().Count());
            Assert.Equal(Villages, Started());

            // Opening again after the crash resets nobody.
            using var response = await again.PostAsync("/api/years/2026/open", null);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(Villages, body.GetProperty("alreadyRunning").GetInt32());
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }
}
