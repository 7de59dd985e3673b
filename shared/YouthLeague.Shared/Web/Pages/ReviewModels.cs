using YouthLeague.Checklist;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

/// <param name="StepTitle">The step's Chinese title (its key when the year's definition lacks it).</param>
/// <param name="Activity">A further activity of the approved step (its submission id); null for the step's own submission.</param>
public sealed record QueueItem(string VillageId, string VillageName, string Step, DateTimeOffset SubmittedAt, string StepTitle = "", string? Activity = null)
{
    /// <summary>The value a queue checkbox carries: "{villageId}|{step}", with "|{activity}" for a further activity.</summary>
    public string Value => Activity is null ? $"{VillageId}|{Step}" : $"{VillageId}|{Step}|{Activity}";

    public string ReviewUrl(int year) =>
        $"/villages/{VillageId}/steps/{Step}/review?year={year}" + (Activity is null ? "" : $"&activity={Uri.EscapeDataString(Activity)}");
}

public sealed record FailedNotice(string VillageName, string Text, string Reason = "");

/// <summary>A town's review queue (oldest first), the robot messages that could not be delivered, the reviewer's notices.</summary>
public sealed record ReviewQueueModel(
    PageChrome Chrome,
    string TownId,
    int Year,
    string? Notice,
    NoticeList Notices,
    int FailedCount,
    IReadOnlyList<FailedNotice> Failed,
    IReadOnlyList<QueueItem> Items);

/// <summary>One submission to approve or return (the step's own, or a further <see cref="Activity"/>); its status decides whether the form is shown.</summary>
public sealed record ReviewModel(
    PageChrome Chrome,
    string VillageId,
    string VillageName,
    string TownId,
    int Year,
    StepView Step,
    SubmissionView Submission,
    string? Error,
    ActivityView? Activity = null)
{
    /// <summary>The status the form depends on: the further activity's, or the step's own.</summary>
    public StepStatus Status => Activity?.Status ?? Step.Status;
}
