using System.Text.Json;

namespace YouthLeague.Towns;

public sealed record PersonSeed(string Username, string Name, string? DispatchingUnit = null);

public sealed record TownSeed(string Id, string Name, PersonSeed Reviewer);

public sealed record VillageSeed(string Id, string TownId, string Name, bool Sample, PersonSeed Secretary);

public sealed record CitySeed(string Id, string Name, PersonSeed Account);

/// <summary>seeds/demo.json: Zoucheng's towns and streets, sample villages, their people.</summary>
public sealed record DemoSeed(CitySeed City, IReadOnlyList<TownSeed> Towns, IReadOnlyList<VillageSeed> Villages)
{
    public static DemoSeed Load(string path)
    {
        var seed = JsonSerializer.Deserialize<DemoSeed>(File.ReadAllText(path), Workflow.Json.Options)
            ?? throw new InvalidOperationException($"{path} is empty");
        var towns = seed.Towns.Select(t => t.Id).ToHashSet();
        var problems = seed.Villages.Where(v => !towns.Contains(v.TownId)).Select(v => $"village {v.Id} names unknown town {v.TownId}")
            .Concat(seed.Towns.Select(t => t.Id).Concat(seed.Villages.Select(v => v.Id)).Where(id => !Ids.IsValid(id)).Select(id => $"id '{id}' must be lowercase ASCII [a-z0-9-]"))
            .ToList();
        return problems.Count == 0 ? seed : throw new InvalidOperationException($"{path}: {string.Join("; ", problems)}");
    }
}

public static class Ids
{
    /// <summary>Town and village ids are lowercase ASCII letters, digits and '-', 1..64 long.</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
