using YouthLeague.Checklist;

namespace YouthLeague.Tests;

public static class TestData
{
    public static string RepoRoot { get; } = FindRoot();

    public static string ChecklistFolder => Path.Combine(RepoRoot, "seeds", "checklists");

    public static ChecklistDefinition Definition { get; } = ChecklistDefinitionLoader.Load(Path.Combine(FindRoot(), "seeds", "checklists", "2026.json"));

    public static List<string> BlobNames(Azure.Storage.Blobs.BlobContainerClient container, string prefix) =>
        container.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None).Select(b => b.Name).ToList();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "YouthLeague.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("YouthLeague.sln not found above " + AppContext.BaseDirectory);
    }
}
