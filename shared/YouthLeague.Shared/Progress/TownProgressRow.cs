using System.Runtime.Serialization;
using System.Text.Json;
using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Storage;

namespace YouthLeague.Progress;

/// <summary>
/// Row "{villageId}" of partition "{year}-{townId}" in TownProgress: one village's checklist as the town page draws it
/// (its name and its town's name included, so the page needs no directory read). Written by the projection with each
/// change and at each quarter's end; read only through <see cref="TownProgressStore"/>.
/// </summary>
public sealed class TownProgressRow : EntityBase
{
    private Dictionary<string, StepStatus>? steps;

    /// <summary>Statuses of a row in the format before this type, by column name.</summary>
    private Dictionary<string, StepStatus>? legacy;

    public string VillageName { get; set; } = "";

    public string TownName { get; set; } = "";

    /// <summary>Steps approved (the city's range query filters on it: the queue and case rows of the same key range have none).</summary>
    public int Approved { get; set; }

    public int Submitted { get; set; }

    /// <summary>JSON object step key → status wire name.</summary>
    public string StepsJson { get; set; } = "{}";

    [IgnoreDataMember]
    public string VillageId => RowKey;

    /// <summary>The step statuses the row names (a step it does not name has not started).</summary>
    private IReadOnlyDictionary<string, StepStatus> Steps =>
        steps ??= (JsonSerializer.Deserialize<Dictionary<string, string>>(StepsJson) ?? []).ToDictionary(kv => kv.Key, kv => StepStatusNames.Parse(kv.Value));

    /// <summary>Whether the row carries the names the town page shows (rows written before they were added do not).</summary>
    [IgnoreDataMember]
    public bool HasNames => VillageName.Length > 0 && TownName.Length > 0;

    public StepStatus StatusOf(string step) =>
        (legacy is null ? Steps.TryGetValue(step, out var s) : legacy.TryGetValue(LegacyColumnOf(step), out s)) ? s : StepStatus.NotStarted;

    public static TownProgressRow Of(int year, string townId, string townName, string villageId, string villageName, IReadOnlyDictionary<string, StepStatus> steps) => new()
    {
        PartitionKey = Keys.Town(year, townId),
        RowKey = villageId,
        TownName = townName,
        VillageName = villageName,
        Approved = steps.Values.Count(s => s == StepStatus.Approved),
        Submitted = steps.Values.Count(s => s == StepStatus.Submitted),
        StepsJson = JsonSerializer.Serialize(steps.ToDictionary(kv => kv.Key, kv => kv.Value.ToWire())),
        steps = steps.ToDictionary(),
    };

    /// <summary>
    /// A stored row in either format: this one, or the one written before this type (one column "S_{step}" a step,
    /// no names). Old rows stay readable until the projection next writes them.
    /// </summary>
    internal static TownProgressRow From(TableEntity e)
    {
        var row = new TownProgressRow
        {
            PartitionKey = e.PartitionKey,
            RowKey = e.RowKey,
            Timestamp = e.Timestamp,
            ETag = e.ETag,
            VillageName = e.GetString(nameof(VillageName)) ?? "",
            TownName = e.GetString(nameof(TownName)) ?? "",
            Approved = e.GetInt32(nameof(Approved)) ?? 0,
            Submitted = e.GetInt32(nameof(Submitted)) ?? 0,
        };
        if (e.GetString(nameof(StepsJson)) is { } json)
        {
            row.StepsJson = json;
        }
        else
        {
            row.legacy = e.Keys
                .Where(k => k.StartsWith(LegacyColumnPrefix, StringComparison.Ordinal) && e[k] is string)
                .ToDictionary(k => k, k => StepStatusNames.Parse((string)e[k]));
        }

        return row;
    }

    internal const string LegacyColumnPrefix = "S_";

    /// <summary>The column a step had in rows written before this type (table property names cannot contain '-').</summary>
    public static string LegacyColumnOf(string step) => LegacyColumnPrefix + step.Replace('-', '_');
}
