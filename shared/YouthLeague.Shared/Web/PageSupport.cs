using Microsoft.AspNetCore.Http;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Web.Components;

namespace YouthLeague.Web;

/// <summary>A notice of the in-app channel as a page lists it.</summary>
public sealed record NoticeLine(string Text, string Link, bool Read, DateTimeOffset QueuedAt);

/// <summary>The person's latest notices and where "mark all read" comes back to.</summary>
public sealed record NoticeList(IReadOnlyList<NoticeLine> Notices, string Back)
{
    public static readonly NoticeList None = new([], "/");
}

/// <summary>
/// What every page handler needs besides its own services: the year asked for, the page chrome (signed-in name,
/// anti-forgery token), the person's notices, the field names shared by the forms.
/// </summary>
public sealed class PageSupport(Antiforgery antiforgery, Notifications.Outbox outbox, TimeProvider clock)
{
    /// <summary>A random value per rendered form: the same form posted twice is one change (submission, review, import, meeting record).</summary>
    public const string FormTokenField = "formToken";

    /// <summary>The button that was pressed (step form: "draft" saves a draft; ledger row: "delete").</summary>
    public const string IntentField = "intent";

    /// <summary>How many notices a page lists.</summary>
    public const int NoticesShown = 5;

    /// <summary><c>?year=</c> when it is a valid year, else this year in China.</summary>
    public int YearOf(HttpRequest req) =>
        Routes.TryYear(req.Query["year"].ToString(), out var y) ? y : ChinaTime.Year(clock.GetUtcNow());

    /// <summary>The signed-in name, the anti-forgery token and the unread count of the header's badge with the unread announcements shown on every page (one partition query, none while the account row says nothing is unread).</summary>
    public async Task<PageChrome> ChromeAsync(HttpRequest req, Principal who)
    {
        var (unread, announcements) = await outbox.BadgeAsync(who, req.HttpContext.RequestAborted);
        return new(who.Username, await antiforgery.TokenForAsync(req), unread, [.. announcements.Select(a => new UnreadAnnouncement(a.Text, a.Link))], who.IsCity || who.Role == Roles.Town);
    }

    public async Task<NoticeList> NoticesAsync(HttpRequest req, string username, string back)
    {
        var notices = (await outbox.ForAsync(username, req.HttpContext.RequestAborted))
            .OrderByDescending(n => n.QueuedAt).Take(NoticesShown)
            .Select(n => new NoticeLine(n.Text, n.Link, n.Read, n.QueuedAt)).ToList();
        return new NoticeList(notices, back);
    }
}
