using System.Diagnostics;
using YouthLeague.LocalHost;

namespace YouthLeague.Tests.LocalHost;

public sealed class UnsupportedBindingTests
{
    /// <summary>A copy of the built app whose metadata gains a function with a queue trigger.</summary>
    private static string FolderWithQueueFunction()
    {
        var folder = Directory.CreateTempSubdirectory("yl-unsupported-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "host.json"), Path.Combine(folder, "host.json"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "YouthLeague.Functions.dll"), Path.Combine(folder, "YouthLeague.Functions.dll"));
        var metadata = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")).TrimEnd().TrimEnd(']');
        metadata += """
            ,{ "name": "ProcessQueue", "scriptFile": "YouthLeague.Functions.dll", "entryPoint": "YouthLeague.Functions.Http.HealthFunction.Run",
               "language": "dotnet-isolated", "properties": {},
               "bindings": [ { "name": "message", "direction": "In", "type": "queueTrigger", "queueName": "work", "properties": {} } ] }
            ]
            """;
        File.WriteAllText(Path.Combine(folder, "functions.metadata"), metadata);
        return folder;
    }

    [Fact]
    public void Build_FunctionWithQueueTrigger_FailsNamingFunctionAndBinding()
    {
        var folder = FolderWithQueueFunction();
        var ex = Assert.Throws<UnsupportedFunctionException>(() => LocalHostApp.Build(["--LocalHost:FunctionsFolder=" + folder]));
        Assert.Contains("'ProcessQueue'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'queueTrigger'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalHostProcess_FunctionWithQueueTrigger_ExitsAtStartWithMessage()
    {
        var folder = FolderWithQueueFunction();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Infrastructure.LocalHostProcess.Dll);
        psi.ArgumentList.Add("--LocalHost:FunctionsFolder=" + folder);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        Assert.Equal(3, p.ExitCode);
        Assert.Contains("ProcessQueue", await stderr, StringComparison.Ordinal);
    }
}
