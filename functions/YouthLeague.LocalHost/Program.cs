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

        await LocalHostApp.StartAsync(app);
        var config = app.Configuration;
        if (config.GetValue("LocalHost:SeedDemo", false))
        {
            var seeded = await DemoSeeder.SeedAsync(app.Services, config, app.Lifetime.ApplicationStopping);
            Console.WriteLine($"Demo data: {seeded.Towns} towns, {seeded.Villages} villages, {seeded.Started} checklists started for {seeded.Year} ({seeded.AlreadyRunning} already running).");
        }

        Console.WriteLine($"YouthLeague local host ready on http://localhost:{LocalHostApp.Read(config).Port}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
