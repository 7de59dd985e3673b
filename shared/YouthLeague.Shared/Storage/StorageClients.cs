using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace YouthLeague.Storage;

/// <summary>
/// The Table and Blob clients of the app's storage account, chosen by configuration alone:
/// a connection string in <c>AzureWebJobsStorage</c> (Azurite locally), or service URIs in
/// <c>AzureWebJobsStorage__tableServiceUri</c> / <c>__blobServiceUri</c> with a managed identity on Azure.
/// </summary>
public sealed class StorageClients
{
    public const string Evidence = "evidence";

    public StorageClients(TableServiceClient tables, BlobServiceClient blobs)
    {
        Tables = tables;
        Blobs = blobs;
    }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);

    public BlobContainerClient EvidenceContainer => Blobs.GetBlobContainerClient(Evidence);

    public static StorageClients FromConfiguration(IConfiguration config)
    {
        var connection = config["AzureWebJobsStorage"];
        if (!string.IsNullOrWhiteSpace(connection))
        {
            return new StorageClients(new TableServiceClient(connection), new BlobServiceClient(connection));
        }

        var tableUri = config["AzureWebJobsStorage:tableServiceUri"];
        var blobUri = config["AzureWebJobsStorage:blobServiceUri"];
        if (string.IsNullOrWhiteSpace(tableUri) || string.IsNullOrWhiteSpace(blobUri))
        {
            throw new InvalidOperationException(
                "Storage is not configured: set AzureWebJobsStorage (a connection string, e.g. UseDevelopmentStorage=true for Azurite) " +
                "or AzureWebJobsStorage__tableServiceUri and AzureWebJobsStorage__blobServiceUri (managed identity).");
        }

        var credential = ManagedIdentity.Credential(config);
        return new StorageClients(new TableServiceClient(new Uri(tableUri), credential), new BlobServiceClient(new Uri(blobUri), credential));
    }

    /// <summary>Creates every table and container the app uses. Safe to call again.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var table in TableNames.All)
        {
            await Tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        }

        await EvidenceContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }
}

public static class TableNames
{
    /// <summary>PartitionKey "{year}-{villageId}": the checklist, its steps, submissions, reviews and audit trail.</summary>
    public const string Checklists = "Checklists";

    /// <summary>PartitionKey "town" or "village": who and where.</summary>
    public const string Directory = "Directory";

    /// <summary>PartitionKey "{year}-{townId}", RowKey "q{n}-{villageId}": quarterly snapshots, kept.</summary>
    public const string Snapshots = "Snapshots";

    /// <summary>PartitionKey "{year}-{townId}", RowKey villageId: one row per village a town page reads in one query.</summary>
    public const string TownProgress = "TownProgress";

    public const string Outbox = "Outbox";

    /// <summary>PartitionKey "account" (RowKey username) or "invite" (RowKey hash of the invite token).</summary>
    public const string Accounts = "Accounts";

    /// <summary>PartitionKey "{year}-{villageId}": the register of league members and youth (personal data).</summary>
    public const string Ledger = "Ledger";

    /// <summary>PartitionKey "{year}-{villageId}", RowKey step: a half-filled step form (text only).</summary>
    public const string Drafts = "Drafts";

    /// <summary>PartitionKey "{year}-{townId}" (RowKey "q{n}": a quarterly exchange meeting) or "{year}-recommended" (cases towns recommended to the city).</summary>
    public const string Meetings = "Meetings";

    /// <summary>PartitionKey "year" (RowKey "{year}": the year's definition and opening) or "{year}-opened" (RowKey villageId: checklists started).</summary>
    public const string Years = "Years";

    /// <summary>PartitionKey "yyyy-MM" (China time): administrative actions, newest first.</summary>
    public const string Audit = "Audit";

    /// <summary>通知公告: partition "announcement", one row per announcement (the recipients' copies are Outbox notices).</summary>
    public const string Announcements = "Announcements";

    public static readonly IReadOnlyList<string> All = [Checklists, Directory, Snapshots, TownProgress, Outbox, Accounts, Ledger, Drafts, Meetings, Years, Audit, Announcements];
}
