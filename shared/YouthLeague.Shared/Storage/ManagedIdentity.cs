using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace YouthLeague.Storage;

internal static class ManagedIdentity
{
    /// <summary>The user-assigned identity named by AzureWebJobsStorage__clientId, or the default chain.</summary>
    public static TokenCredential Credential(IConfiguration config)
    {
        var clientId = config["AzureWebJobsStorage:clientId"];
        return string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
