using System.Globalization;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Workflow;

public sealed record SimulationResult(int Year, int Villages, int Submissions, int Reviews, int Completed, int Snapshots);

/// <summary>
/// Plays a compressed year over the seeded villages: checklists start on a calendar where a quarter lasts
/// <c>quarterLength</c>, secretaries hand steps in and reviewers approve or return them at random (seeded,
/// so every run looks alike), until every orchestration has closed its year. For demos: every page gets data.
/// </summary>
public sealed class YearSimulator(IServiceProvider services)
{
    /// <summary>A 1×1 PNG: a real image, so evidence checks treat it like a photo.</summary>
    public static readonly byte[] Photo = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    public async Task<SimulationResult> RunAsync(int year, TimeSpan quarterLength, Action<string> progress, CancellationToken cancellationToken)
    {
        var definitions = services.GetRequiredService<ChecklistDefinitions>();
        var definition = definitions.For(year);
        var directory = services.GetRequiredService<DirectoryService>();
        var starter = services.GetRequiredService<ChecklistStarter>();
        var reader = services.GetRequiredService<ChecklistReader>();
        var submissions = services.GetRequiredService<SubmissionService>();
        var reviews = services.GetRequiredService<ReviewService>();
        var client = services.GetRequiredService<DurableTaskClient>();
        var clock = services.GetRequiredService<TimeProvider>();
        var villages = await directory.VillagesAsync(cancellationToken: cancellationToken);
        var calendar = ChecklistCalendar.Compressed(year, clock.GetUtcNow().AddSeconds(2), quarterLength);
        var ledger = services.GetRequiredService<Ledger.LedgerService>();
        foreach (var v in villages)
        {
            await starter.StartAsync(client, year, v.Id, v.TownId, calendar, cancellationToken);

            // The ledger step hands in the register, so each village first registers a few (made-up) young people.
            if ((await ledger.ReadAsync(year, v.Id, showPhones: false, cancellationToken)).Count == 0)
            {
                await ledger.ReplaceAsync(year, v.Id, SampleRegister(year), cancellationToken);
            }
        }

        progress($"模拟 {year} 年：{villages.Count} 个村，每季度 {quarterLength.TotalSeconds:0} 秒");
        var random = new Random(2026);
        int submitted = 0, reviewed = 0;
        var lastQuarter = 0;
        while (calendar.QuarterAt(clock.GetUtcNow()) <= 4 && !cancellationToken.IsCancellationRequested)
        {
            var quarter = calendar.QuarterAt(clock.GetUtcNow());
            if (quarter != lastQuarter)
            {
                progress($"模拟：第 {quarter} 季度");
                lastQuarter = quarter;
            }

            foreach (var village in villages.Where(_ => random.NextDouble() < 0.3))
            {
                var step = definition.Steps[random.Next(definition.Steps.Count)];
                var status = await reader.StepStatusAsync(year, village.Id, step.Key, cancellationToken);
                if (status is StepStatus.NotStarted or StepStatus.Returned)
                {
                    var result = await submissions.SubmitAsync(
                        new SubmissionRequest(year, village.Id, step.Key, FieldsFor(step, year), FilesFor(step), null, village.Secretary.Username, village.Secretary.Name, village.Secretary.DispatchingUnit), client, cancellationToken);
                    submitted += result.Accepted ? 1 : 0;
                }
                else if (status is StepStatus.Submitted)
                {
                    var approve = random.NextDouble() < 0.75;
                    var result = await reviews.ReviewAsync(
                        new ReviewRequest(year, village.Id, step.Key, approve ? ReviewDecision.Approve : ReviewDecision.Return, approve ? "材料齐全" : "请补充活动照片和参加人员情况", approve && random.NextDouble() < 0.1, "town." + village.TownId, null),
                        client,
                        cancellationToken);
                    reviewed += result.Accepted ? 1 : 0;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(quarterLength.TotalMilliseconds / 10, 200, 3000)), clock, cancellationToken);
        }

        progress("模拟：全年结束，等待各村完成年度考核…");
        var completed = 0;
        foreach (var v in villages)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromMinutes(2));
            var done = await client.WaitForInstanceCompletionAsync(WorkflowNames.InstanceId(year, v.Id), getInputsAndOutputs: false, wait.Token);
            completed += done.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? 1 : 0;
        }

        var snapshots = 0;
        var table = services.GetRequiredService<StorageClients>().Table(TableNames.Snapshots);
        foreach (var town in villages.Select(v => v.TownId).Distinct())
        {
            await foreach (var _ in table.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Town(year, town)}"), select: ["RowKey"], cancellationToken: cancellationToken))
            {
                snapshots++;
            }
        }

        return new SimulationResult(year, villages.Count, submitted, reviewed, completed, snapshots);
    }

    public static Dictionary<string, string?> FieldsFor(StepDefinition step, int year)
    {
        var date = step.Due.AddDays(-10);
        if (date.Year != year)
        {
            date = new DateOnly(year, 6, 1);
        }

        return step.Fields.ToDictionary(f => f.Name, f => (string?)(f.Type switch
        {
            FieldType.Text => "模拟：" + f.Label,
            FieldType.LongText => "模拟生成的" + f.Label + "。",
            FieldType.Number => Math.Max(f.Min ?? 1, Math.Min(f.Max ?? 20, 20)).ToString(CultureInfo.InvariantCulture),
            FieldType.Date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            FieldType.Select => f.Options![0],
            FieldType.Boolean => "true",
            _ => "",
        }));
    }

    public static List<Ledger.LedgerRow> SampleRegister(int year) =>
    [
        new(null, "模拟团员甲", "女", year - 24, true, "13800000001", "大专", "村委会", null),
        new(null, "模拟青年乙", "男", year - 30, false, null, "高中", "返乡创业", null),
        new(null, "模拟团员丙", "男", year - 19, true, "13800000003", "本科在读", "山东某高校", null),
    ];

    public static List<IncomingFile> FilesFor(StepDefinition step) =>
        step.Evidence.Kinds.Contains("png")
            ? Enumerable.Range(0, Math.Max(step.Evidence.Min, 1)).Select(_ => new IncomingFile("evidence", Photo.Length, () => new MemoryStream(Photo))).ToList()
            : [];
}
