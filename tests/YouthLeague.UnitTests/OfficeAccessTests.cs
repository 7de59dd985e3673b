using YouthLeague.Auth;
using YouthLeague.Committees;

namespace YouthLeague.UnitTests;

/// <summary>The dispatch office (下派办) role: what a town's and the city's office may see, record and review.</summary>
public class OfficeAccessTests
{
    private static readonly Principal TownOffice = new("office.t1", Roles.Office, "t1", "t1");
    private static readonly Principal CityOffice = new("office", Roles.Office, Principal.CityScope, "");

    [Fact]
    public void TownOffice_SeesItsTownOnly_RecordsItsMeetings_NeverSubmits()
    {
        Assert.True(Access.Allows(TownOffice, "v1", "t1", VillageAccess.Read));
        Assert.False(Access.Allows(TownOffice, "v9", "t2", VillageAccess.Read));
        Assert.False(Access.Allows(TownOffice, "v1", "t1", VillageAccess.Submit));
        Assert.False(Access.Allows(TownOffice, "v1", "t1", VillageAccess.PersonalData));
        Assert.True(TownOffice.RecordsMeetingsOf("t1"));
        Assert.False(TownOffice.RecordsMeetingsOf("t2"));
        Assert.False(TownOffice.SeesAllTowns);
    }

    [Fact]
    public void Office_RefusedOnReviews_UntilTheCityGrantsIt_ThenWithinItsScopeOnly()
    {
        Assert.False(Access.Allows(TownOffice, "v1", "t1", VillageAccess.Review));
        Assert.False(Access.Allows(CityOffice, "v1", "t1", VillageAccess.Review));

        var granted = TownOffice with { ReviewGranted = true };
        Assert.True(Access.Allows(granted, "v1", "t1", VillageAccess.Review));
        Assert.False(Access.Allows(granted, "v9", "t2", VillageAccess.Review));
        Assert.True(Access.Allows(CityOffice with { ReviewGranted = true }, "v9", "t2", VillageAccess.Review));

        // A grant flag on any other role changes nothing.
        Assert.False(Access.Allows(new Principal("sec.v1", Roles.Secretary, "v1", "t1", ReviewGranted: true), "v1", "t1", VillageAccess.Review));
    }

    [Fact]
    public void CommitteeScope_TownOfficeItsTown_CityOfficeAllOrOne()
    {
        Assert.True(CommitteeScope.IsCommittee(TownOffice));
        Assert.Equal(["t1"], CommitteeScope.Resolve(TownOffice, null).Towns!);
        Assert.Equal(403, CommitteeScope.Resolve(TownOffice, "t2").Denied?.StatusCode);
        Assert.Null(CommitteeScope.Resolve(CityOffice, null).Towns);
        Assert.Equal(["t2"], CommitteeScope.Resolve(CityOffice, "t2").Towns!);
        Assert.True(CityOffice.SeesAllTowns && CityOffice.SeesTown("t2") && CityOffice.RecordsMeetingsOf("t2"));
        Assert.Equal("/towns/t1", SignInPages.HomeOf(TownOffice));
        Assert.Equal("/city", SignInPages.HomeOf(CityOffice));
    }
}
