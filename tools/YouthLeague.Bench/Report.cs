using System.Globalization;
using System.Text;

namespace YouthLeague.Bench;

/// <summary>One line of the table: a figure, its baseline measured in the same run, and their ratio.</summary>
public sealed record Row(string Scenario, string Measure, double Value, double Baseline, string Unit, string BaselineIs, bool HigherIsBetter = false)
{
    /// <summary>The stable "scenario/measure" key of <c>--json</c> (docs/benchmarks.md, API.md Additions), e.g. "submission/throughput".</summary>
    public string? Key { get; init; }
}

public sealed class Report
{
    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<Row> rows = [];
    private readonly List<string> notes = [];

    public void Add(Row row)
    {
        rows.Add(row);
        Console.WriteLine($"  {row.Scenario} · {row.Measure}: {Format(row.Value)} {row.Unit} (baseline {Format(row.Baseline)} {row.Unit}, {Ratio(row)})");
    }

    public void Note(string note)
    {
        notes.Add(note);
        Console.WriteLine("  note: " + note);
    }

    public int Count => rows.Count;

    /// <summary>Every keyed row as <c>[{"scenario","measure","value","unit","baseline","ratio"}]</c>; ratio as in the table (bigger is worse).</summary>
    public string Json()
    {
        var items = rows.Where(r => r.Key is not null).Select(r =>
        {
            var (scenario, measure) = r.Key!.Split('/', 2) is [var a, var b] ? (a, b) : (r.Key!, "");
            double? ratio = r.Baseline <= 0 || r.Value <= 0 ? null : Math.Round(r.HigherIsBetter ? r.Baseline / r.Value : r.Value / r.Baseline, 3);
            return new { scenario, measure, value = Math.Round(r.Value, 3), unit = r.Unit, baseline = Math.Round(r.Baseline, 3), ratio, baselineIs = r.BaselineIs, label = r.Measure };
        });
        return System.Text.Json.JsonSerializer.Serialize(items, JsonOptions);
    }

    public string Markdown(string heading)
    {
        var sb = new StringBuilder();
        sb.AppendLine(heading).AppendLine();
        sb.AppendLine("| scenario | measure | YouthLeague | baseline | ratio | baseline is |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | --- |");
        foreach (var r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Measure} | {Format(r.Value)} {r.Unit} | {Format(r.Baseline)} {r.Unit} | {Ratio(r)} | {r.BaselineIs} |");
        }

        if (notes.Count > 0)
        {
            sb.AppendLine();
            foreach (var n in notes)
            {
                sb.AppendLine("- " + n);
            }
        }

        return sb.ToString();
    }

    /// <summary>How many times the baseline: for times and sizes, value/baseline; for rates, baseline/value (so bigger is always worse).</summary>
    public static string Ratio(Row r)
    {
        if (r.Baseline <= 0 || r.Value <= 0)
        {
            return "n/a";
        }

        var ratio = r.HigherIsBetter ? r.Baseline / r.Value : r.Value / r.Baseline;
        return ratio.ToString(ratio >= 10 ? "0" : "0.0#", CultureInfo.InvariantCulture) + "×";
    }

    public static string Format(double v) => v switch
    {
        >= 100 => v.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
        _ => v.ToString("0.0#", CultureInfo.InvariantCulture),
    };
}

public static class Stats
{
    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    /// <summary>Runs <paramref name="work"/> for every item with at most <paramref name="concurrency"/> at once.</summary>
    public static Task ForEachAsync<T>(IEnumerable<T> items, int concurrency, Func<T, Task> work) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) => await work(item));
}
