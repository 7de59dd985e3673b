using System.Globalization;
using Azure;
using Azure.Data.Tables;
using YouthLeague.Storage;

namespace YouthLeague.Notifications;

/// <summary>
/// How many messages a robot may still take this minute, shared by every host: one row per robot (partition
/// <see cref="Partition"/> of the Outbox table) holding the send times of the last minute and, after a rate-limit
/// answer, the time the robot takes messages again. Slots are reserved with an ETag check before sending, so two
/// hosts together stay under <c>YouthLeague:Webhooks:PerMinute</c> (18 by default; both robots allow 20).
/// </summary>
public sealed class RobotPacing(StorageClients storage, TimeProvider clock)
{
    public const string Partition = "~robot-pacing";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private TableClient Table => storage.Table(TableNames.Outbox);

    /// <summary>Reserves up to <paramref name="wanted"/> sends for the robot now; returns how many were granted.</summary>
    public async Task<int> ReserveAsync(WebhookTarget target, int wanted, int perMinute, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var now = clock.GetUtcNow();
            var found = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, target.PacingKey, cancellationToken: cancellationToken);
            var row = found.HasValue ? found.Value! : new TableEntity(Partition, target.PacingKey);
            if (row.GetDateTimeOffset("BlockedUntil") is { } until && until > now)
            {
                return 0;
            }

            var recent = Times(row).Where(t => t > now - Window).ToList();
            var granted = Math.Clamp(perMinute - recent.Count, 0, wanted);
            if (granted == 0)
            {
                return 0;
            }

            recent.AddRange(Enumerable.Repeat(now, granted));
            row["Sent"] = string.Join(",", recent.Select(t => t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
            try
            {
                if (found.HasValue)
                {
                    await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await Table.AddEntityAsync(row, cancellationToken);
                }

                return granted;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another host reserved at the same moment: read again.
            }
        }

        return 0;
    }

    /// <summary>After a rate-limit answer: nothing more to this robot until <paramref name="until"/>.</summary>
    public async Task BlockAsync(WebhookTarget target, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        await Table.UpsertEntityAsync(new TableEntity(Partition, target.PacingKey) { ["BlockedUntil"] = until }, TableUpdateMode.Merge, cancellationToken);

    private static IEnumerable<DateTimeOffset> Times(TableEntity row) =>
        (row.GetString("Sent") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.MinValue);
}
