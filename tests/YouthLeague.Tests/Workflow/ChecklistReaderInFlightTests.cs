using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using YouthLeague.Checklist;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.Workflow;

/// <summary>
/// The village's page shows a submission from the moment its record is written (before the 202), not only once the
/// orchestration has projected it: rows laid out on real Azurite as the submission service and the projection write them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChecklistReaderInFlightTests(Azurite azurite)
{
    private static readonly DateTimeOffset At = new(2026, 5, 4, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadAsync_RecordNotYetProjected_ShowsAsSubmittedOnThePageOnly()
    {
        var (reader, table, village) = await ChecklistAsync(version: 5);
        await table.AddEntityAsync(Submission(village, "s1", "forum", At));

        var page = await reader.ReadAsync(2026, village, withInFlight: true, CancellationToken.None);
        var api = await reader.ReadAsync(2026, village);

        var forum = page!.Steps.Single(s => s.Key == "forum");
        Assert.Equal(StepStatus.Submitted, forum.Status);
        Assert.True(forum.InFlight);
        Assert.Equal("s1", Assert.Single(forum.Submissions).Id);
        Assert.All(page.Steps.Where(s => s.Key != "forum"), s => Assert.False(s.InFlight));

        // The API and every other reader: as projected, nothing in flight.
        var projected = api!.Steps.Single(s => s.Key == "forum");
        Assert.Equal(StepStatus.NotStarted, projected.Status);
        Assert.Empty(projected.Submissions);
        Assert.DoesNotContain("InFlight", JsonSerializer.Serialize(page), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReadAsync_ProjectedOrRefused_NotInFlight()
    {
        var (reader, table, village) = await ChecklistAsync(version: 5);

        // s1 projected (on the step), s2 refused by the orchestration (its audit row, the step unchanged).
        await table.AddEntityAsync(Submission(village, "s1", "forum", At));
        await table.AddEntityAsync(Submission(village, "s2", "forum", At.AddMinutes(1)));
        await table.UpsertEntityAsync(new StepEntity { PartitionKey = Pk(village), RowKey = Keys.Step("forum"), Step = "forum", Status = "submitted", SubmissionIds = "[\"s1\"]" });
        await table.UpsertEntityAsync(new AuditEntity { PartitionKey = Pk(village), RowKey = Keys.Audit("s2"), Step = "forum", Kind = "submit", Outcome = "rejected" });

        var forum = (await reader.ReadAsync(2026, village, withInFlight: true, CancellationToken.None))!.Steps.Single(s => s.Key == "forum");

        Assert.Equal(StepStatus.Submitted, forum.Status);
        Assert.False(forum.InFlight);
        Assert.Equal("s1", Assert.Single(forum.Submissions).Id);
    }

    [Fact]
    public async Task ReadAsync_ReturnedThenHandedInAgain_ShowsTheNewOneFirstToArrive()
    {
        var (reader, table, village) = await ChecklistAsync(version: 5);
        await table.AddEntityAsync(Submission(village, "s1", "forum", At));
        await table.UpsertEntityAsync(new StepEntity { PartitionKey = Pk(village), RowKey = Keys.Step("forum"), Step = "forum", Status = "returned", SubmissionIds = "[\"s1\"]", ReturnedRounds = 1 });

        // Two resubmissions raced (two forms): the orchestration applies the first and refuses the second.
        await table.AddEntityAsync(Submission(village, "s3", "forum", At.AddHours(2)));
        await table.AddEntityAsync(Submission(village, "s2", "forum", At.AddHours(1)));

        var forum = (await reader.ReadAsync(2026, village, withInFlight: true, CancellationToken.None))!.Steps.Single(s => s.Key == "forum");

        Assert.Equal(StepStatus.Submitted, forum.Status);
        Assert.True(forum.InFlight);
        Assert.Equal(["s1", "s2"], forum.Submissions.Select(s => s.Id));
        Assert.Equal(1, forum.ReturnedRounds);
    }

    [Fact]
    public async Task ReadAsync_ApprovedStep_HandedInAgainIsAFurtherActivityFromVersion3Only()
    {
        var (reader, table, village) = await ChecklistAsync(version: 3);
        var (oldReader, oldTable, oldVillage) = await ChecklistAsync(version: 2);
        foreach (var (t, v) in new[] { (table, village), (oldTable, oldVillage) })
        {
            await t.AddEntityAsync(Submission(v, "s1", "volunteering", At));
            await t.UpsertEntityAsync(new StepEntity { PartitionKey = Pk(v), RowKey = Keys.Step("volunteering"), Step = "volunteering", Status = "approved", SubmissionIds = "[\"s1\"]" });
            await t.AddEntityAsync(Submission(v, "a1", "volunteering", At.AddDays(3)));
        }

        var step = (await reader.ReadAsync(2026, village, withInFlight: true, CancellationToken.None))!.Steps.Single(s => s.Key == "volunteering");
        var old = (await oldReader.ReadAsync(2026, oldVillage, withInFlight: true, CancellationToken.None))!.Steps.Single(s => s.Key == "volunteering");

        Assert.Equal(StepStatus.Approved, step.Status);
        Assert.False(step.InFlight);
        var activity = Assert.Single(step.FurtherActivities);
        Assert.Equal(("a1", StepStatus.Submitted, true), (activity.Submission.Id, activity.Status, activity.InFlight));

        // Before version 3 an approved step takes nothing more (the service answers 409): nothing shows.
        Assert.Equal(StepStatus.Approved, old.Status);
        Assert.Empty(old.FurtherActivities);
        Assert.Equal("s1", Assert.Single(old.Submissions).Id);
    }

    private async Task<(ChecklistReader Reader, TableClient Table, string Village)> ChecklistAsync(int version)
    {
        var storage = new StorageClients(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));
        await storage.EnsureCreatedAsync();
        var village = "arrive-" + Guid.NewGuid().ToString("N")[..8];
        var table = storage.Table(TableNames.Checklists);
        await table.AddEntityAsync(new ChecklistEntity { PartitionKey = Pk(village), RowKey = ChecklistEntity.Row, Year = 2026, VillageId = village, TownId = "taiping", Status = "inProgress", Version = version });
        return (new ChecklistReader(storage, new ChecklistDefinitions(TestData.ChecklistFolder), TimeProvider.System), table, village);
    }

    private static string Pk(string village) => Keys.Checklist(2026, village);

    private static SubmissionEntity Submission(string village, string id, string step, DateTimeOffset at) => new()
    {
        PartitionKey = Pk(village),
        RowKey = Keys.Submission(id),
        Step = step,
        FieldsJson = "{}",
        EvidenceJson = "[]",
        SubmittedAt = at,
        By = "sec." + village,
    };
}
