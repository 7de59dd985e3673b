using YouthLeague.Checklist;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

public sealed record QueueItem(string VillageId, string VillageName, string Step, DateTimeOffset SubmittedAt);

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

/// <summary>One submission to approve or return; <see cref="Step"/>'s status decides whether the form is shown.</summary>
public sealed record ReviewModel(
    PageChrome Chrome,
    string VillageId,
    string VillageName,
    string TownId,
    int Year,
    StepView Step,
    SubmissionView Submission,
    string? Error);
