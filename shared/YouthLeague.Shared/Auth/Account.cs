using YouthLeague.Storage;

namespace YouthLeague.Auth;

public static class Roles
{
    public const string City = "city";
    public const string Town = "town";
    public const string Secretary = "secretary";
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
}

/// <summary>Who is calling: ids and role only, safe to log.</summary>
public sealed record Principal(string Username, string Role, string Scope, string TownId)
{
    public bool IsCity => Role == Roles.City;

    public bool ReviewsTown(string townId) => Role == Roles.Town && TownId == townId;

    public bool IsSecretaryOf(string villageId) => Role == Roles.Secretary && Scope == villageId;
}
