namespace YouthLeague.Web.Components;

/// <summary>
/// What every page carries besides its content: who is signed in (shown with 退出) and the anti-forgery token that each
/// form of the page writes (the session's, or the sign-in pages' double-submit token), and how many of the person's
/// notices are unread (the header's badge, a link to the notices page).
/// </summary>
public sealed record PageChrome(string? User, string Antiforgery, int Unread = 0, IReadOnlyList<UnreadAnnouncement>? Announcements = null, bool SendsAnnouncements = false)
{
    public static PageChrome Anonymous(string antiforgery = "") => new(null, antiforgery);
}

/// <summary>An announcement (通知公告) its recipient has not opened yet: shown above every page's content until she does.</summary>
public sealed record UnreadAnnouncement(string Text, string Link);
