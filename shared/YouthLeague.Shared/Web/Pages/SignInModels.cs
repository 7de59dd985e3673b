using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

public sealed record PageLink(string Href, string Label);

public sealed record MessageModel(PageChrome Chrome, string Title, string Heading, string? Error = null, string? Text = null, PageLink? Link = null);

/// <summary>The sign-in form; <see cref="PageChrome.Antiforgery"/> carries the double-submit token set in a cookie.</summary>
public sealed record LoginModel(PageChrome Chrome, string? Error, string? Username);

/// <summary>Setting a password from an invite link (same double-submit token as the sign-in form).</summary>
public sealed record InviteModel(PageChrome Chrome, string Token, string Username, string? Error);
