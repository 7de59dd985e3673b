using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Web;

namespace YouthLeague.Committees;

/// <summary>Which towns a committee route covers: a town reviewer their own town; the city all towns, or one with <c>?town=</c>.</summary>
public static class CommitteeScope
{
    public static bool IsCommittee(Principal p) => p.Role is Roles.City or Roles.Town;

    /// <returns>The town ids (null: all towns), or a 403 for a reviewer asking for another town.</returns>
    public static (string[]? Towns, ObjectResult? Denied) Resolve(Principal p, string? town)
    {
        town ??= "";
        if (!p.IsCity && town.Length > 0 && town != p.TownId)
        {
            return (null, Problems.Create(403, "您只能查看本镇街的数据"));
        }

        return (p.IsCity ? (town.Length > 0 ? [town] : null) : [p.TownId], null);
    }
}
