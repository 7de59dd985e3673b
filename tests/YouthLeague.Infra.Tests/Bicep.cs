using System.Diagnostics;
using System.Reflection;

namespace YouthLeague.Infra.Tests;

/// <summary>The result of one run of the Bicep CLI.</summary>
internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything the CLI said besides the compiled template, for assertion messages.</summary>
    public string Diagnostics => (StandardError + Environment.NewLine + StandardOutput).Trim();
}

/// <summary>Runs the Bicep CLI that restore downloaded from NuGet (Azure.Bicep.CommandLine.linux-x64).</summary>
internal static class Bicep
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string ExecutablePath { get; } = Locate();

    /// <summary><c>bicep build FILE --stdout</c>: the ARM JSON on stdout, diagnostics on stderr.</summary>
    public static BicepRun Build(string file) => Run("build", file, "--stdout");

    /// <summary><c>bicep lint FILE</c>: diagnostics only.</summary>
    public static BicepRun Lint(string file) => Run("lint", file);

    private static BicepRun Run(params string[] args)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', args)} did not finish in {Timeout}.");
        }

        process.WaitForExit();
        return new BicepRun(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string Locate()
    {
        var path = Environment.GetEnvironmentVariable("BICEP_PATH");
        if (string.IsNullOrWhiteSpace(path))
        {
            path = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "BicepPath")?.Value;
        }

        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI is not at '{path}'. Restore this project (dotnet restore) to download it, or set BICEP_PATH.");
        }

        // NuGet does not always keep the executable bit when it extracts a package.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return path;
    }
}
