using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

/// <summary>One notice as the notices page lists it (<see cref="Id"/> is what "标为已读" posts).</summary>
public sealed record NoticeItem(string Id, string Text, string Link, bool Read, DateTimeOffset QueuedAt);

/// <summary>The notices page: one page of the person's notices, newest first.</summary>
public sealed record NoticesModel(PageChrome Chrome, IReadOnlyList<NoticeItem> Items, int Page, int Pages, int Total, int Unread, string? Notice)
{
    public static string PageLink(int page) => $"/notices?page={page.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
