using YouthLeague.TestSupport;

namespace YouthLeague.Tests.Infrastructure;

/// <summary>
/// The Azurite the integration tests use: the one ./test started (YL_TEST_STORAGE), or one started here
/// from node_modules on free ports with a throwaway folder (tests/YouthLeague.TestSupport, shared with the bench),
/// so that `dotnet test` alone also works.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private AzuriteProcess? process;
    private bool fresh;

    /// <summary>An Azurite of its own even under ./test: for tests that need empty storage (a new deployment).</summary>
    public static Azurite Fresh() => new() { fresh = true };

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable("YL_TEST_STORAGE");
        if (!fresh && !string.IsNullOrEmpty(given))
        {
            ConnectionString = given;
            return;
        }

        process = await AzuriteProcess.StartAsync(TestData.RepoRoot);
        ConnectionString = process.ConnectionString;
    }

    public static string ConnectionFor(int blobPort) => AzuriteProcess.ConnectionFor(blobPort);

    public async Task DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "Azurite";
}
