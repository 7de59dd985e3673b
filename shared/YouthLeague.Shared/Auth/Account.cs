using YouthLeague.Storage;

namespace YouthLeague.Auth;

public static class Roles
{
    public const string City = "city";
    public const string Town = "town";
    public const string Secretary = "secretary";

    /// <summary>A dispatch office (下派办): of a town (scope = the town's id) or of the city (scope <see cref="Principal.CityScope"/>).</summary>
    public const string Office = "office";
}

/// <summary>Row of the Accounts table: PartitionKey "account", RowKey = username.</summary>
public sealed class AccountEntity : EntityBase
{
    public const string Partition = "account";

    public string Role { get; set; } = "";

    /// <summary>The town id for a reviewer, the village id for a secretary, the city id for city staff.</summary>
    public string Scope { get; set; } = "";

    /// <summary>The town of the scope (a secretary's village's town), so access checks need no second read.</summary>
    public string TownId { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public bool Disabled { get; set; }

    /// <summary>Changes on sign-out, reset, disable and reassignment: every token issued before stops working.</summary>
    public string SecurityStamp { get; set; } = "";

    /// <summary>Created from the demo seeds; refused on Azure.</summary>
    public bool Demo { get; set; }

    /// <summary>A dispatch office the city has allowed to review its scope's steps (docs/committees.md).</summary>
    public bool ReviewGranted { get; set; }

    /// <summary>A fresh random tag each time a notice is queued for the account (merged in by <see cref="Notifications.Outbox"/> after it stored the notice).</summary>
    public string? NoticesTag { get; set; }

    /// <summary>The <see cref="NoticesTag"/> the header's badge had read when its query found nothing unread (merged in by the badge).</summary>
    public string? NoticesReadTag { get; set; }
}

/// <summary>Who is calling: ids and role only, safe to log.</summary>
public sealed record Principal(string Username, string Role, string Scope, string TownId, bool ReviewGranted = false)
{
    /// <summary>
    /// The account row says nothing was queued for the caller since a moment they had nothing unread: the header's badge
    /// is 0 without querying the notices (see <see cref="Notifications.Outbox.BadgeAsync"/>).
    /// </summary>
    public bool NothingUnread { get; init; }

    /// <summary>The account row's <see cref="AccountEntity.NoticesTag"/> as the session read it (a random tag, no personal data).</summary>
    public string NoticesTag { get; init; } = "";

    /// <summary>The scope of the city's dispatch office (and of city staff created at setup).</summary>
    public const string CityScope = "city";

    public bool IsCity => Role == Roles.City;

    public bool ReviewsTown(string townId) => Role == Roles.Town && TownId == townId;

    public bool IsSecretaryOf(string villageId) => Role == Roles.Secretary && Scope == villageId;

    public bool IsOffice => Role == Roles.Office;

    /// <summary>The city's dispatch office, or the town's own.</summary>
    public bool OfficeOf(string townId) => IsOffice && (Scope == CityScope || TownId == townId);

    /// <summary>Sees every town: city staff and the city's dispatch office.</summary>
    public bool SeesAllTowns => IsCity || (IsOffice && Scope == CityScope);

    /// <summary>Sees a town's villages, progress, meetings and exports: its reviewers, its dispatch office, the city's.</summary>
    public bool SeesTown(string townId) => IsCity || ReviewsTown(townId) || OfficeOf(townId);

    /// <summary>Reviews a town's steps: its reviewers, the city, and a dispatch office only when the city granted it.</summary>
    public bool MayReviewTown(string townId) => IsCity || ReviewsTown(townId) || (ReviewGranted && OfficeOf(townId));

    /// <summary>Records a town's quarterly meeting: its reviewers and the dispatch offices covering it.</summary>
    public bool RecordsMeetingsOf(string townId) => ReviewsTown(townId) || OfficeOf(townId);
}
