using System.Globalization;
using Microsoft.DurableTask.Worker;
using YouthLeague.Bench;
using YouthLeague.LocalHost;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args is ["serve", .. var hostArgs])
{
    // The local host as ./run starts it (LocalHostApp), with the baseline's trivial orchestration registered too.
    var app = LocalHostApp.Build(hostArgs, b => b.Services.AddDurableTaskWorker(w => w.AddTasks(TrivialOrchestration.Register)));
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
