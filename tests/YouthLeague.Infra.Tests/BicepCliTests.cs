namespace YouthLeague.Infra.Tests;

/// <summary>infra/main.bicep compiles and lints with no error and no warning.</summary>
public sealed class BicepCliTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    [Fact]
    public void Build_MainBicep_SucceedsWithoutWarnings()
    {
        var build = template.Build;

        Assert.True(build.ExitCode == 0, $"bicep build exited {build.ExitCode}:\n{build.StandardError}");
        Assert.True(string.IsNullOrWhiteSpace(build.StandardError), $"bicep build reported:\n{build.StandardError}");
        Assert.StartsWith("{", build.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_MainBicep_ReportsNothing()
    {
        // bicep lint exits 0 even with warnings, so any output at all is a failure.
        var lint = Bicep.Lint(Repo.MainBicep);

        Assert.True(lint.ExitCode == 0, $"bicep lint exited {lint.ExitCode}:\n{lint.Diagnostics}");
        Assert.True(string.IsNullOrWhiteSpace(lint.Diagnostics), $"bicep lint reported:\n{lint.Diagnostics}");
    }

    [Fact]
    public void AzureYaml_ApiService_PointsAtTheFunctionsProject()
    {
        var yaml = File.ReadAllText(Path.Combine(Repo.Root, "azure.yaml"));

        Assert.Contains("project: ./functions/YouthLeague.Functions", yaml, StringComparison.Ordinal);
        Assert.Contains("language: dotnet", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Repo.Root, "functions", "YouthLeague.Functions", "YouthLeague.Functions.csproj")));
    }
}
