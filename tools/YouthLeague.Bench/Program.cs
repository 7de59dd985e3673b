using System.Globalization;
using Microsoft.DurableTask.Worker;
using YouthLeague.Bench;
using YouthLeague.LocalHost;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args is ["serve", .. var hostArgs])
{
    // The local host as ./run starts it (LocalHostApp), with the baseline's trivial orchestration registered too.
    var app = LocalHostApp.Build(hostArgs, b => b.Services.AddDurableTaskWorker(w => w.AddTasks(TrivialOrchestration.Register)));

    // The dashboards' HTTP floor: the same raw query as the baseline, served as JSON by the same host (no session, no page).
    app.MapGet("/bench/raw", async (HttpContext http, YouthLeague.Storage.StorageClients storage) =>
    {
        var filter = http.Request.Query["filter"].ToString();
        var rows = new List<Dictionary<string, object>>();
        await foreach (var row in storage.Table(YouthLeague.Storage.TableNames.TownProgress).QueryAsync<Azure.Data.Tables.TableEntity>(filter, cancellationToken: http.RequestAborted))
        {
            rows.Add(row.ToDictionary(kv => kv.Key, kv => kv.Value));
        }

        return Results.Json(rows);
    });
    await LocalHostApp.StartAsync(app);
    Console.WriteLine($"YouthLeague local host ready on http://localhost:{LocalHostApp.Read(app.Configuration).Port}");
    await app.WaitForShutdownAsync();
    return 0;
}

if (args.Contains("--help"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message + "\n\n" + BenchOptions.Usage);
    return 2;
}

return await Bench.RunAsync(options);
