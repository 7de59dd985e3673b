using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Web;

namespace YouthLeague.Committees;

/// <summary>
/// Which towns a committee route covers: a town reviewer or town dispatch office their own town; the city and the
/// city's dispatch office all towns, or one with <c>?town=</c>.
/// </summary>
public static class CommitteeScope
{
    public static bool IsCommittee(Principal p) => p.Role is Roles.City or Roles.Town or Roles.Office;

    /// <returns>The town ids (null: all towns), or a 403 for a reviewer asking for another town.</returns>
    public static (string[]? Towns, ObjectResult? Denied) Resolve(Principal p, string? town)
    {
        town ??= "";
        if (!p.SeesAllTowns && town.Length > 0 && town != p.TownId)
        {
            return (null, Problems.Create(403, "您只能查看本镇街的数据"));
        }

        return (p.SeesAllTowns ? (town.Length > 0 ? [town] : null) : [p.TownId], null);
    }
}
