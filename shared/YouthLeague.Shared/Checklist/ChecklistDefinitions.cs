using System.Collections.Concurrent;

namespace YouthLeague.Checklist;

/// <summary>The checklist definitions on disk, one JSON file per year (seeds/checklists/{year}.json), validated when first read.</summary>
public sealed class ChecklistDefinitions(string folder)
{
    private readonly ConcurrentDictionary<int, ChecklistDefinition?> cache = new();

    public string Folder { get; } = folder;

    public ChecklistDefinition? Find(int year) => cache.GetOrAdd(year, y =>
    {
        var path = Path.Combine(Folder, $"{y}.json");
        return File.Exists(path) ? ChecklistDefinitionLoader.Load(path) : null;
    });

    public ChecklistDefinition For(int year) =>
        Find(year) ?? throw new InvalidOperationException($"No checklist definition for {year}: add {Path.Combine(Folder, $"{year}.json")}.");

    /// <summary>Loads and validates every definition in the folder; throws naming each bad file and problem.</summary>
    public IReadOnlyList<ChecklistDefinition> LoadAll() =>
        Directory.EnumerateFiles(Folder, "*.json")
            .Select(p => int.TryParse(Path.GetFileNameWithoutExtension(p), out var y) ? For(y) : throw new InvalidOperationException($"{p}: a checklist file is named after its year, e.g. 2026.json"))
            .ToList();
}
