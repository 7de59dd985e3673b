using System.Text.Json.Nodes;

namespace YouthLeague.Infra.Tests;

/// <summary>
/// The compiled ARM template keeps issue 8's rules: identity-based access only (no keys, no secrets),
/// HTTPS and TLS 1.2, no public blobs, soft delete, Flex Consumption with the .NET 10 isolated worker.
/// </summary>
public sealed class TemplateSecurityTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private static readonly string[] SecretWords = ["key", "secret", "password", "connectionstring", "connection_string", "token"];
    private static readonly string[] Services = ["blob", "queue", "table"];
    private static readonly string[] KeyLikeSuffixes = ["KEY", "_KEY", "ConnectionString", "CONNECTION_STRING"];

    private JsonObject Storage => Assert.Single(template.OfType("Microsoft.Storage/storageAccounts"));

    private JsonObject ApiTemplate => template.Module("api")["properties"]!["template"]!.AsObject();

    private JsonObject FunctionApp => Assert.Single(template.OfType("Microsoft.Web/sites"));

    [Fact]
    public void StorageAccount_SharedKeyAccess_IsDisabled() =>
        Assert.False(Bool(Storage, "allowSharedKeyAccess"));

    [Fact]
    public void StorageAccount_BlobPublicAccess_IsDisabled() =>
        Assert.False(Bool(Storage, "allowBlobPublicAccess"));

    [Fact]
    public void StorageAccount_Transport_IsHttpsWithTls12()
    {
        Assert.True(Bool(Storage, "supportsHttpsTrafficOnly"));
        Assert.Equal("TLS1_2", (string?)Storage["properties"]?["minimumTlsVersion"]);
    }

    [Fact]
    public void StorageAccount_NetworkRules_HaveNoIpRules()
    {
        var ipRules = Storage["properties"]?["networkAcls"]?["ipRules"] as JsonArray;
        Assert.True(ipRules is null || ipRules.Count == 0, "The storage account must not open IP ranges.");
        Assert.DoesNotContain("0.0.0.0", template.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void BlobService_SoftDelete_IsEnabled()
    {
        var blobService = Assert.Single(template.OfType("Microsoft.Storage/storageAccounts/blobServices"));

        Assert.True((bool?)blobService["properties"]?["deleteRetentionPolicy"]?["enabled"] == true);
        Assert.True((bool?)blobService["properties"]?["containerDeleteRetentionPolicy"]?["enabled"] == true);
    }

    [Fact]
    public void Containers_AreAllPrivate()
    {
        var containers = template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", (string?)c["properties"]?["publicAccess"]));
    }

    [Fact]
    public void StorageModule_CreatesTheAppsContainersAndTables()
    {
        var parameters = template.Module("storage")["properties"]?["parameters"];
        var containers = Strings(parameters?["containers"]?["value"]);
        var tables = Strings(parameters?["tables"]?["value"]);

        Assert.Contains("evidence", containers);
        Assert.Equal(2, containers.Count); // evidence + the deployment package container
        // Every table the app names in TableNames (read from its source): on Azure the app does not create tables itself.
        var source = File.ReadAllText(Path.Combine(Repo.Root, "shared", "YouthLeague.Shared", "Storage", "StorageClients.cs"));
        var block = source[source.IndexOf("public static class TableNames", StringComparison.Ordinal)..];
        var named = System.Text.RegularExpressions.Regex.Matches(block, "public const string \\w+ = \"(\\w+)\";").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("Ledger", named);
        Assert.Equal(named.Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
        Assert.NotEmpty(template.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    [Fact]
    public void FunctionApp_IsHttpsOnlyWithTls12()
    {
        Assert.True((bool?)FunctionApp["properties"]?["httpsOnly"] == true);
        Assert.Equal("1.2", (string?)FunctionApp["properties"]?["siteConfig"]?["minTlsVersion"]);
    }

    [Fact]
    public void FunctionApp_RunsOnFlexConsumptionWithDotnet10Isolated()
    {
        var plan = Assert.Single(template.OfType("Microsoft.Web/serverfarms"));
        Assert.Equal("FC1", (string?)plan["sku"]?["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]?["tier"]);
        Assert.True((bool?)plan["properties"]?["reserved"] == true, "The plan must be Linux (reserved: true).");

        Assert.Equal("functionapp,linux", (string?)FunctionApp["kind"]);
        var config = FunctionApp["properties"]?["functionAppConfig"];
        Assert.Equal("dotnet-isolated", (string?)config?["runtime"]?["name"]);
        Assert.Equal("10.0", (string?)config?["runtime"]?["version"]);
        Assert.Equal("blobContainer", (string?)config?["deployment"]?["storage"]?["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)config?["deployment"]?["storage"]?["authentication"]?["type"]);
        Assert.Equal("UserAssigned", (string?)FunctionApp["identity"]?["type"]);
    }

    [Fact]
    public void AppSettings_AreIdentityBased()
    {
        var settings = AppSettings();

        foreach (var name in new[]
        {
            "AzureWebJobsStorage__blobServiceUri",
            "AzureWebJobsStorage__queueServiceUri",
            "AzureWebJobsStorage__tableServiceUri",
            "AzureWebJobsStorage__clientId",
            "APPLICATIONINSIGHTS_CONNECTION_STRING",
        })
        {
            Assert.True(settings.ContainsKey(name), $"Missing app setting {name}.");
        }

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("Azure", settings["YouthLeague__Environment"]);
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage would be a connection string; use the __*ServiceUri settings.");
    }

    [Fact]
    public void AppSettings_StorageUris_UseTheEndpointSuffixParameter()
    {
        var settings = AppSettings();

        foreach (var service in Services)
        {
            // The settings name a variable of the api module; follow it to its expression.
            var uri = ResolveVariable(ApiTemplate, settings[$"AzureWebJobsStorage__{service}ServiceUri"]);
            Assert.Contains("parameters('storageEndpointSuffix')", uri, StringComparison.Ordinal);
            Assert.Contains($".{service}.", uri, StringComparison.Ordinal);
        }

        // main.bicep hands its own parameter down to the api module.
        Assert.Equal(
            "[parameters('storageEndpointSuffix')]",
            (string?)template.Module("api")["properties"]?["parameters"]?["storageEndpointSuffix"]?["value"]);

        var suffix = template.Root["parameters"]?["storageEndpointSuffix"]?["defaultValue"];
        Assert.Equal("[environment().suffixes.storage]", (string?)suffix);

        // No hard-coded public-cloud endpoint in any resource or variable (descriptions may mention it).
        // (A module's own resources are listed on their own; of its deployment only the parameters it is given count.)
        var code = string.Join('\n', template.AllResources
            .Select(r => (string?)r["type"] == "Microsoft.Resources/deployments" ? r["properties"]?["parameters"] : r)
            .Select(r => r?.ToJsonString() ?? "")
            .Concat(template.AllTemplates.Select(t => t["variables"]?.ToJsonString() ?? "")));
        Assert.DoesNotContain("core.windows.net", code, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AppSettings_HoldNoKeysOrSecrets()
    {
        foreach (var (name, value) in AppSettings())
        {
            Assert.DoesNotContain("AccountKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listKeys", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("InstrumentationKey", value, StringComparison.OrdinalIgnoreCase);
            if (name == "APPLICATIONINSIGHTS_CONNECTION_STRING")
            {
                continue;
            }

            foreach (var suffix in KeyLikeSuffixes)
            {
                Assert.False(name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase), $"App setting {name} looks like a key or connection string.");
            }
        }
    }

    [Fact]
    public void Template_NeverListsKeys()
    {
        Assert.DoesNotContain("listKeys", template.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey", template.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listAccountSas", template.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listServiceSas", template.Json, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(BlobDataOwner)]
    [InlineData(QueueDataContributor)]
    [InlineData(TableDataContributor)]
    [InlineData(MonitoringMetricsPublisher)]
    public void RoleAssignments_GrantTheIdentityRole(string roleDefinitionGuid)
    {
        var assignment = Assert.Single(
            template.OfType("Microsoft.Authorization/roleAssignments"),
            r => ((string?)r["properties"]?["roleDefinitionId"] ?? "").Contains(roleDefinitionGuid, StringComparison.OrdinalIgnoreCase));

        Assert.StartsWith("[guid(", (string?)assignment["name"], StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", (string?)assignment["properties"]?["principalType"]);
        Assert.Contains("principalId", (string?)assignment["properties"]?["principalId"], StringComparison.Ordinal);
    }

    [Fact]
    public void RoleAssignments_StorageRoles_AreScopedToTheStorageAccount()
    {
        foreach (var role in new[] { BlobDataOwner, QueueDataContributor, TableDataContributor })
        {
            var assignment = template.OfType("Microsoft.Authorization/roleAssignments")
                .Single(r => ((string?)r["properties"]?["roleDefinitionId"] ?? "").Contains(role, StringComparison.OrdinalIgnoreCase));
            Assert.Contains("Microsoft.Storage/storageAccounts", (string?)assignment["scope"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Outputs_HoldNoSecrets()
    {
        var outputs = template.AllTemplates
            .Select(t => t["outputs"])
            .OfType<JsonObject>()
            .SelectMany(o => o)
            .ToList();

        Assert.Contains(outputs, o => o.Key == "AZURE_FUNCTION_APP_NAME");
        Assert.All(outputs, output =>
        {
            foreach (var word in SecretWords)
            {
                Assert.DoesNotContain(word, output.Key, StringComparison.OrdinalIgnoreCase);
            }

            var type = (string?)output.Value?["type"] ?? "";
            Assert.DoesNotContain("secure", type, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ConnectionString", (string?)output.Value?["value"] ?? "", StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void Parameters_IncludeTheAzdEnvironment()
    {
        var parameters = template.Root["parameters"]!.AsObject();

        Assert.True(parameters.ContainsKey("environmentName"));
        Assert.True(parameters.ContainsKey("location"));
        Assert.True(parameters.ContainsKey("storageEndpointSuffix"));
        Assert.DoesNotContain(parameters, p => ((string?)p.Value?["type"] ?? "").StartsWith("secure", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The Function App's settings, from siteConfig.appSettings and any sites/config 'appsettings' resource.</summary>
    private Dictionary<string, string> AppSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (FunctionApp["properties"]?["siteConfig"]?["appSettings"] is JsonArray array)
        {
            foreach (var setting in array.OfType<JsonObject>())
            {
                settings.Add((string)setting["name"]!, Text(setting["value"]));
            }
        }

        foreach (var config in template.OfType("Microsoft.Web/sites/config")
            .Where(c => ((string?)c["name"] ?? "").Contains("appsettings", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var (name, value) in config["properties"]?.AsObject() ?? [])
            {
                settings.Add(name, Text(value));
            }
        }

        Assert.NotEmpty(settings);
        return settings;
    }

    /// <summary>"[variables('x')]" becomes the expression of variable x in <paramref name="owner"/>; anything else is returned as is.</summary>
    private static string ResolveVariable(JsonObject owner, string value)
    {
        const string prefix = "[variables('";
        const string suffix = "')]";
        if (!value.StartsWith(prefix, StringComparison.Ordinal) || !value.EndsWith(suffix, StringComparison.Ordinal))
        {
            return value;
        }

        var name = value[prefix.Length..^suffix.Length];
        return Text(owner["variables"]?[name] ?? throw new InvalidOperationException($"No variable {name}."));
    }

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString() ?? "";

    private static List<string> Strings(JsonNode? node) => node is JsonArray array ? [.. array.Select(Text)] : [];

    /// <summary>A storage account property that must be a literal boolean, not an expression that could be anything.</summary>
    private static bool Bool(JsonObject resource, string property)
    {
        var node = resource["properties"]?[property];
        Assert.True(node is JsonValue v && v.TryGetValue<bool>(out _), $"{property} must be a literal true/false, was {node?.ToJsonString() ?? "missing"}.");
        return (bool)node!;
    }
}
