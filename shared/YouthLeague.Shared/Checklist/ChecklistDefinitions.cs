using System.Collections.Concurrent;

namespace YouthLeague.Checklist;

/// <summary>
/// The checklist definition of each year: the one published in storage (<see cref="Stored"/>, see Years/YearService)
/// when there is one, else the file on disk (seeds/checklists/{year}.json), validated when first read.
/// </summary>
public sealed class ChecklistDefinitions(string folder)
{
    private readonly ConcurrentDictionary<int, ChecklistDefinition?> cache = new();

    public string Folder { get; } = folder;

    /// <summary>The published definition of a year in storage, if any (set once by the app's services).</summary>
    public Func<int, ChecklistDefinition?>? Stored { get; set; }

    public ChecklistDefinition? Find(int year) => Stored?.Invoke(year) ?? Default(year);

    /// <summary>The definition file shipped with the app: the default offered for a year.</summary>
    public ChecklistDefinition? Default(int year) => cache.GetOrAdd(year, y =>
    {
        var path = Path.Combine(Folder, $"{y}.json");
        return File.Exists(path) ? ChecklistDefinitionLoader.Load(path) : null;
    });

    public ChecklistDefinition For(int year) =>
        Find(year) ?? throw new InvalidOperationException($"No checklist definition for {year}: add {Path.Combine(Folder, $"{year}.json")}.");

    /// <summary>Loads and validates every definition in the folder; throws naming each bad file and problem.</summary>
    public IReadOnlyList<ChecklistDefinition> LoadAll() =>
        Directory.EnumerateFiles(Folder, "*.json")
            .Select(p => int.TryParse(Path.GetFileNameWithoutExtension(p), out var y) ? Default(y) ?? throw new InvalidOperationException(p) : throw new InvalidOperationException($"{p}: a checklist file is named after its year, e.g. 2026.json"))
            .ToList();
}
