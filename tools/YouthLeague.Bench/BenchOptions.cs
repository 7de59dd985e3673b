using System.Globalization;

namespace YouthLeague.Bench;

public sealed record BenchOptions(
    bool Quick,
    int Concurrency,
    int Submissions,
    int Orchestrations,
    int QuarterVillages,
    IReadOnlyList<int> DashboardSizes,
    int Repeat,
    int Warmup,
    int Port,
    string? Out,
    string? Json,
    IReadOnlySet<string> Only,
    string RepoRoot)
{
    public static readonly string[] Phases = ["photo", "dashboards", "writes", "quarter"];

    public bool Runs(string phase) => Only.Contains(phase);

    public const string Usage = """
        ./bench [--quick] [--concurrency N] [--submissions N] [--orchestrations N] [--quarter-villages N]
                [--dashboard-sizes 100,1000,10000] [--repeat N] [--warmup N] [--port N] [--out FILE] [--json FILE] [--only PARTS]
          --quick              small sizes (about a minute): 32 submissions, 40 orchestrations, 40 villages at quarter end, dashboards at 100
          --concurrency        concurrent secretaries and storage workers (16)
          --submissions        submissions with a 1 MB JPEG in the submission-path scenario (192)
          --orchestrations     village-year checklists started and pushed one submission each (1000)
          --quarter-villages   villages reaching a quarter boundary at once (1000)
          --dashboard-sizes    village counts at which the dashboards are read (100,1000,10000)
          --repeat             reads per dashboard and size (5)
          --warmup             untimed rounds of the submission path (and of its floor) before the three timed ones (1)
          --port               first of the 16 ports the bench uses (27100)
          --out                also write the markdown table to FILE
          --json               also write every figure to FILE as [{"scenario","measure","value","unit","baseline","ratio"}] (stable keys)
          --only               some of: photo (0), dashboards (4), writes (1, 2), quarter (3), comma-separated (all)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var o = new BenchOptions(
            quick,
            Concurrency: 16,
            Submissions: quick ? 32 : 192,
            Orchestrations: quick ? 40 : 1000,
            QuarterVillages: quick ? 40 : 1000,
            DashboardSizes: quick ? [100] : [100, 1000, 10000],
            Repeat: quick ? 3 : 5,
            Warmup: 1,
            Port: 27100,
            Out: null,
            Json: null,
            Only: Phases.ToHashSet(),
            RepoRoot: FindRepoRoot());
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--quick")
            {
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{a}: missing value");
            }

            var v = args[++i];
            o = a switch
            {
                "--concurrency" => o with { Concurrency = Positive(a, v) },
                "--submissions" => o with { Submissions = Positive(a, v) },
                "--orchestrations" => o with { Orchestrations = Positive(a, v) },
                "--quarter-villages" => o with { QuarterVillages = Positive(a, v) },
                "--dashboard-sizes" => o with { DashboardSizes = v.Split(',').Select(s => Positive(a, s)).Order().ToList() },
                "--repeat" => o with { Repeat = Positive(a, v) },
                "--warmup" => o with { Warmup = Positive(a, v) },
                "--port" => o with { Port = Positive(a, v) },
                "--out" => o with { Out = v },
                "--json" => o with { Json = v },
                "--only" => o with { Only = v.Split(',').Select(p => Phases.Contains(p) ? p : throw new ArgumentException($"--only: unknown part '{p}'")).ToHashSet() },
                _ => throw new ArgumentException($"unknown option {a}"),
            };
        }

        return o;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name}: '{value}' is not a positive number");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "YouthLeague.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
