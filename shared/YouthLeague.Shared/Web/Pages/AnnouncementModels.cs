using YouthLeague.Announcements;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

public sealed record AnnouncementSummary(string Id, string Title, DateTimeOffset SentAt, int Recipients, bool HasAttachment, bool Pushed);

/// <summary>The sender's page: the form (city: which towns; town: all its villages) and what the office sent.</summary>
public sealed record AnnouncementsModel(PageChrome Chrome, bool City, IReadOnlyList<Towns.Town> Towns, IReadOnlyList<AnnouncementSummary> Sent, string? Notice, string? Error, string Title = "", string Text = "");

/// <summary>One announcement: its text and attachment; for the sender's office, who has read it.</summary>
public sealed record AnnouncementModel(PageChrome Chrome, string Id, string Title, string Text, string SenderName, DateTimeOffset SentAt, bool HasAttachment, IReadOnlyList<AnnouncementReader>? Readers);
