using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace YouthLeague.LocalHost;

public sealed record FunctionBinding(
    string Name,
    string Type,
    string? Direction,
    string? Route,
    IReadOnlyList<string>? Methods,
    string? Schedule)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record FunctionMetadata(string Name, string ScriptFile, string EntryPoint, IReadOnlyList<FunctionBinding> Bindings)
{
    public FunctionBinding Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));
}

/// <summary>A function the local host will serve: its metadata and the method it runs.</summary>
public sealed record LocalFunction(FunctionMetadata Metadata, Type Class, MethodInfo Method)
{
    public string Name => Metadata.Name;

    public string TriggerType => Metadata.Trigger.Type;
}

public sealed class UnsupportedFunctionException(string message) : Exception(message);

/// <summary>
/// Reads the Worker SDK's functions.metadata and resolves each entry point. Every binding must be one
/// the local host serves; anything else stops the host at start with the function and binding named.
/// </summary>
public static class FunctionCatalog
{
    public const string HttpTrigger = "httpTrigger";
    public const string OrchestrationTrigger = "orchestrationTrigger";
    public const string ActivityTrigger = "activityTrigger";
    public const string TimerTrigger = "timerTrigger";
    public const string DurableClient = "durableClient";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<FunctionMetadata> Read(string path) =>
        JsonSerializer.Deserialize<List<FunctionMetadata>>(File.ReadAllText(path), Options)
            ?? throw new InvalidOperationException($"{path} is empty");

    public static IReadOnlyList<LocalFunction> Load(string folder)
    {
        var path = Path.Combine(folder, "functions.metadata");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"functions.metadata not found in {folder}: build the Functions app first.", path);
        }

        return Read(path).Select(m => Resolve(m, folder)).ToList();
    }

    public static LocalFunction Resolve(FunctionMetadata function, string folder)
    {
        foreach (var binding in function.Bindings)
        {
            if (!IsSupported(binding))
            {
                throw new UnsupportedFunctionException(
                    $"Function '{function.Name}' uses binding '{binding.Name}' of type '{binding.Type}' ({binding.Direction}), which the local host cannot serve. " +
                    "Supported: httpTrigger with an http output, orchestrationTrigger, activityTrigger, timerTrigger, durableClient.");
            }
        }

        var triggers = function.Bindings.Count(b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));
        if (triggers != 1)
        {
            throw new UnsupportedFunctionException($"Function '{function.Name}' has {triggers} triggers; exactly one is expected.");
        }

        var dot = function.EntryPoint.LastIndexOf('.');
        var typeName = function.EntryPoint[..dot];
        var methodName = function.EntryPoint[(dot + 1)..];
        var assembly = LoadAssembly(Path.Combine(folder, function.ScriptFile));
        var type = assembly.GetType(typeName, throwOnError: false)
            ?? throw new UnsupportedFunctionException($"Function '{function.Name}': type {typeName} not found in {function.ScriptFile}.");
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == methodName && m.GetCustomAttributes().Any(a => a.GetType().Name == "FunctionAttribute"))
            ?? throw new UnsupportedFunctionException($"Function '{function.Name}': method {function.EntryPoint} not found.");
        return new LocalFunction(function, type, method);
    }

    private static bool IsSupported(FunctionBinding b) => b.Type switch
    {
        HttpTrigger or OrchestrationTrigger or ActivityTrigger or TimerTrigger or DurableClient => true,
        "http" => string.Equals(b.Direction, "Out", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static Assembly LoadAssembly(string path)
    {
        var name = AssemblyName.GetAssemblyName(path);
        return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name))
            ?? Assembly.Load(name);
    }
}
