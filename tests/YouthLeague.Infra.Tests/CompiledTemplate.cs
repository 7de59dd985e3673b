using System.Text.Json.Nodes;

namespace YouthLeague.Infra.Tests;

/// <summary>infra/main.bicep compiled once to ARM JSON, with helpers to walk it and its nested module templates.</summary>
public sealed class CompiledTemplate
{
    public CompiledTemplate()
    {
        Build = Bicep.Build(Repo.MainBicep);
        Json = Build.ExitCode == 0 ? Build.StandardOutput : "{}";
        Root = JsonNode.Parse(Json)!.AsObject();
    }

    internal BicepRun Build { get; }

    /// <summary>The compiled template as text.</summary>
    public string Json { get; }

    public JsonObject Root { get; }

    /// <summary>Every resource, in the main template and in every nested deployment (module), depth first.</summary>
    public IReadOnlyList<JsonObject> AllResources => [.. ResourcesOf(Root)];

    /// <summary>Every template (main and nested), for outputs and parameters.</summary>
    public IReadOnlyList<JsonObject> AllTemplates => [.. TemplatesOf(Root)];

    public IReadOnlyList<JsonObject> OfType(string type) =>
        [.. AllResources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase))];

    /// <summary>The deployment resource of the module named <paramref name="name"/> in main.bicep.</summary>
    public JsonObject Module(string name) =>
        OfType("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == name);

    private static IEnumerable<JsonObject> TemplatesOf(JsonObject template)
    {
        yield return template;
        foreach (var resource in TopLevelResources(template))
        {
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in TemplatesOf(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template) =>
        TemplatesOf(template).SelectMany(TopLevelResources);

    // Language version 1 keeps resources in an array, version 2 (symbolic names) in an object.
    private static IEnumerable<JsonObject> TopLevelResources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };
}
