using YouthLeague.Towns;

namespace YouthLeague.LocalHost;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        WebApplication app;
        try
        {
            app = LocalHostApp.Build(args);
        }
        catch (UnsupportedFunctionException ex)
        {
            await Console.Error.WriteLineAsync("The local host cannot serve this app: " + ex.Message);
            return 3;
        }

        var config = app.Configuration;
        var seed = config.GetValue("LocalHost:SeedDemo", false);
        var readiness = app.Services.GetRequiredService<YouthLeague.Setup.Readiness>();
        if (seed)
        {
            // Health answers 503 until the seeded checklists exist, so nobody is told "ready" while they 404.
            readiness.Starting();
        }

        await LocalHostApp.StartAsync(app);
        if (seed)
        {
            var seeded = await DemoSeeder.SeedAsync(app.Services, config, app.Lifetime.ApplicationStopping);
            Console.WriteLine($"Demo data: {seeded.Towns} towns, {seeded.Villages} villages, {seeded.Started} checklists started for {seeded.Year} ({seeded.AlreadyRunning} already running).");
            readiness.Done();
        }

        var url = $"http://localhost:{LocalHostApp.Read(config).Port}";
        var setup = app.Services.GetRequiredService<YouthLeague.Setup.SetupService>();
        if (!await setup.IsDoneAsync(app.Lifetime.ApplicationStopping))
        {
            // Locally a setup secret is made up for this run unless one is given; on Azure it must be an app setting.
            if (!setup.Configured)
            {
                config[YouthLeague.Setup.SetupService.SecretSetting] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
            }

            Console.WriteLine($"No city administrator yet: open {url}/setup with the setup secret {config[YouthLeague.Setup.SetupService.SecretSetting]}");
        }

        Console.WriteLine($"YouthLeague local host ready on {url}");
        if (config.GetValue("LocalHost:SimulateYear", false))
        {
            var year = config.GetValue<int?>("YouthLeague:SimulationYear") ?? YouthLeague.Checklist.ChinaTime.Year(app.Services.GetRequiredService<TimeProvider>().GetUtcNow()) - 1;
            var quarter = config.GetValue("YouthLeague:SimulationQuarter", TimeSpan.FromSeconds(20));
            var sim = await app.Services.GetRequiredService<YouthLeague.Workflow.YearSimulator>()
                .RunAsync(year, quarter, Console.WriteLine, app.Lifetime.ApplicationStopping);
            Console.WriteLine($"模拟完成：{sim.Year} 年 {sim.Villages} 个村，提交 {sim.Submissions} 次，审核 {sim.Reviews} 次，{sim.Completed} 个村完成年度考核，季度快照 {sim.Snapshots} 条。");
        }

        await app.WaitForShutdownAsync();
        return 0;
    }
}
