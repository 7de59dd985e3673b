using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Towns;
using YouthLeague.Web;

namespace YouthLeague.Auth;

public sealed record AccessResult(Principal? Principal, ObjectResult? Denied, Village? Village = null)
{
    /// <summary>Personal data in full (phones) for this caller and the village checked.</summary>
    public bool MaySeePersonalData => Principal is { } p && Village is { } v && Access.Allows(p, v.Id, v.TownId, VillageAccess.PersonalData);

    public bool Allowed => Denied is null;
}

public enum VillageAccess
{
    /// <summary>The village's secretary, its town's reviewers, the dispatch offices covering it, the city.</summary>
    Read,

    /// <summary>The village's secretary only.</summary>
    Submit,

    /// <summary>The village's town reviewers and the city; a dispatch office only when the city granted it.</summary>
    Review,

    /// <summary>Personal data in full (phones): the village's secretary and its town reviewers.</summary>
    PersonalData,
}

/// <summary>
/// The one check every HTTP function makes before it does anything: who is calling (bearer token, session
/// cookie, or, only when configured, App Service Authentication), and whether their role and scope allow it.
/// Cookie-authenticated changes must carry the anti-forgery token derived from that cookie.
/// </summary>
public sealed class Access(Sessions sessions, PlatformIdentity platform, DirectoryService directory, Antiforgery antiforgery)
{
    public const string SessionCookie = "yl_session";
    public const string AntiforgeryField = "__RequestVerificationToken";
    public const string AntiforgeryHeader = "X-YL-Antiforgery";
    public const string EasyAuthHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    public async Task<AccessResult> AuthenticateAsync(HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        if (platform.Of(req) is { } platformUser)
        {
            var linked = await platform.ResolveAsync(platformUser, ct);
            if (linked is null || !Unsafe(req) || !req.Cookies.ContainsKey(PlatformIdentity.PlatformCookie))
            {
                return Result(linked);
            }

            // Cookie-borne: a change needs the anti-forgery token of our own session cookie, which the pages render.
            return req.Cookies.TryGetValue(SessionCookie, out var own) && await sessions.ResolveAsync(own, ct) is { } same && same.Username == linked.Username
                ? await CheckFormAsync(req, linked, own)
                : new AccessResult(linked, Problems.Create(403, "页面已过期，请刷新后重试"));
        }

        var header = req.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Result(await sessions.ResolveAsync(header["Bearer ".Length..].Trim(), ct));
        }

        if (req.Cookies.TryGetValue(SessionCookie, out var cookie))
        {
            var principal = await sessions.ResolveAsync(cookie, ct);
            return principal is not null && Unsafe(req) ? await CheckFormAsync(req, principal, cookie) : Result(principal);
        }

        return Result(null);
    }

    public async Task<AccessResult> RequireAsync(HttpRequest req, Func<Principal, bool> allowed, string deniedTitle = "您无权进行此操作")
    {
        var result = await AuthenticateAsync(req);
        return !result.Allowed || allowed(result.Principal!) ? result : result with { Denied = Problems.Create(403, deniedTitle) };
    }

    /// <summary>
    /// Village-scoped access; an unknown village is a 404 for whoever is signed in. When the request carries a genuine
    /// credential the village is read beside the session (one round trip's wait instead of two); other callers make no
    /// read of it, and a refused caller is told nothing of it.
    /// </summary>
    public async Task<AccessResult> RequireVillageAsync(HttpRequest req, string villageId, VillageAccess access)
    {
        var villageTask = await CarriesGenuineCredentialAsync(req) ? directory.FindVillageAsync(villageId, req.HttpContext.RequestAborted) : null;
        var result = await CheckBesideAsync(() => AuthenticateAsync(req), villageTask);
        if (!result.Allowed)
        {
            return result;
        }

        var village = await (villageTask ?? directory.FindVillageAsync(villageId, req.HttpContext.RequestAborted));
        if (village is null)
        {
            return result with { Denied = Problems.NotFound("找不到该村") };
        }

        return Allows(result.Principal!, village.Id, village.TownId, access)
            ? result with { Village = village }
            : result with { Denied = Problems.Create(403, access == VillageAccess.Submit ? "只有本村第一书记可以提交" : "您无权查看或处理该村的材料") };
    }

    public static bool Allows(Principal p, string villageId, string townId, VillageAccess access) => access switch
    {
        VillageAccess.Read => p.SeesTown(townId) || p.IsSecretaryOf(villageId),
        VillageAccess.Submit => p.IsSecretaryOf(villageId),
        VillageAccess.Review => p.MayReviewTown(townId),
        VillageAccess.PersonalData => p.ReviewsTown(townId) || p.IsSecretaryOf(villageId),
        _ => false,
    };

    private async Task<bool> AntiforgeryValidAsync(HttpRequest req, string cookie)
    {
        var given = req.Headers[AntiforgeryHeader].ToString();
        if (given.Length == 0 && req.HasFormContentType)
        {
            var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
            given = form[AntiforgeryField].ToString();
        }

        return await antiforgery.IsValidAsync(cookie, given, req.HttpContext.RequestAborted);
    }

    /// <summary>
    /// Whether the request carries a credential that can sign someone in: a platform identity, or a bearer token or
    /// session cookie whose signature holds (checked without storage; the account may still be disabled or signed out).
    /// A page may start its reads beside the access check for such a request; a stranger's guesses cost no read.
    /// </summary>
    public async Task<bool> CarriesGenuineCredentialAsync(HttpRequest req)
    {
        if (platform.Of(req) is not null)
        {
            return true;
        }

        var ct = req.HttpContext.RequestAborted;
        var header = req.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return await sessions.IsGenuineAsync(header["Bearer ".Length..].Trim(), ct);
        }

        return req.Cookies.TryGetValue(SessionCookie, out var cookie) && await sessions.IsGenuineAsync(cookie, ct);
    }

    /// <summary>
    /// Runs an access check while reads that only an allowed caller needs are already on their way
    /// (<paramref name="started"/>, null when not started): if the check refuses or throws, they are awaited and dropped.
    /// </summary>
    public static async Task<AccessResult> CheckBesideAsync(Func<Task<AccessResult>> check, params Task?[] started)
    {
        AccessResult who;
        try
        {
            who = await check();
        }
        catch
        {
            await DiscardAsync(started);
            throw;
        }

        if (!who.Allowed)
        {
            await DiscardAsync(started);
        }

        return who;
    }

    /// <summary>Awaits reads started for an answer that is not given (a refusal, a 404), so none is left running; their outcome is dropped.</summary>
    public static async Task DiscardAsync(params Task?[] started)
    {
        foreach (var task in started)
        {
            if (task is null)
            {
                continue;
            }

            try
            {
                await task;
            }
            catch (Exception)
            {
                // Dropped with the answer it would have fed.
            }
        }
    }

    private static bool Unsafe(HttpRequest req) => !HttpMethods.IsGet(req.Method) && !HttpMethods.IsHead(req.Method);

    /// <summary>A cookie-borne change: its form must read and carry the anti-forgery token of <paramref name="cookie"/>.</summary>
    private async Task<AccessResult> CheckFormAsync(HttpRequest req, Principal principal, string cookie)
    {
        if (await Web.SubmissionForms.UnreadableAsync(req) is { } unreadable)
        {
            return new AccessResult(principal, unreadable);
        }

        return await AntiforgeryValidAsync(req, cookie) ? Result(principal) : new AccessResult(principal, Problems.Create(403, "页面已过期，请刷新后重试"));
    }

    private static AccessResult Result(Principal? principal) =>
        principal is null ? new AccessResult(null, Problems.Create(401, "请先登录")) : new AccessResult(principal, null);
}
