using YouthLeague.Web.Components;

namespace YouthLeague.Web.Service;

public sealed record SetupModel(PageChrome Chrome, string? Error, IReadOnlyList<string> Problems, string? Username);
