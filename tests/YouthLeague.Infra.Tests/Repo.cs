namespace YouthLeague.Infra.Tests;

/// <summary>Paths in the repository, found from the test assembly's folder.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string MainBicep => Path.Combine(Root, "infra", "main.bicep");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "YouthLeague.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No YouthLeague.sln above {AppContext.BaseDirectory}.");
    }
}
