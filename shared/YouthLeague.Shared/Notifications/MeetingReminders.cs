using System.Globalization;
using Azure.Data.Tables;
using YouthLeague.Checklist;
using YouthLeague.Committees;
using YouthLeague.Storage;
using YouthLeague.Towns;

namespace YouthLeague.Notifications;

/// <summary>Where a town's exchange meeting of a quarter stands: held (recorded), missed (the quarter is over and no record), open (this quarter), not yet.</summary>
public enum MeetingState
{
    NotYet,
    Open,
    Held,
    Missed,
}

public sealed record QuarterMeeting(int Quarter, MeetingState State, string Date);

/// <summary>
/// Who gets the meeting reminders besides the town's reviewer: the town's dispatch office (镇街下派办, its <c>office</c>
/// accounts, which record the meeting too) the same reminders as the reviewer; the city (团市委) and the city's dispatch
/// office (市下派办, <c>office</c> with scope <c>city</c>) the list of towns that missed it.
/// </summary>
/// <param name="City">The city's active accounts and the city's dispatch offices.</param>
/// <param name="TownOffices">Each town's active dispatch-office accounts, by town id.</param>
public sealed record MeetingRecipients(IReadOnlyList<string> City, IReadOnlyDictionary<string, IReadOnlyList<string>> TownOffices)
{
    /// <summary>Who is reminded about a town's own meeting: its reviewer and its dispatch office.</summary>
    public IEnumerable<string> Town(string townId) => TownOffices.TryGetValue(townId, out var offices) ? offices.Prepend("town." + townId) : ["town." + townId];
}

/// <summary>
/// The quarterly exchange meetings (季度交流会) as the daily run and the city page see them: which towns recorded
/// which quarter's meeting (one query for the year), and the reminders to hold one: to the town's reviewer and its
/// dispatch office 14 days and again 3 days before the quarter ends while no record exists, and in the week after it
/// ends when none was recorded; to the city's accounts and the city's dispatch office (市下派办), the towns that missed
/// it (<see cref="MeetingRecipients"/>). One notice per person, quarter and reason.
/// </summary>
public sealed class MeetingReminders(StorageClients storage)
{
    public const int SoonDays = 14;
    public const int LastDays = 3;
    public const int MissedWithinDays = 7;

    /// <summary>The recorded meetings of the year: (town, quarter) → the meeting's date (yyyy-MM-dd). One query.</summary>
    public async Task<IReadOnlyDictionary<(string Town, int Quarter), string>> HeldAsync(int year, CancellationToken cancellationToken = default)
    {
        var y = year.ToString(CultureInfo.InvariantCulture);
        var held = new Dictionary<(string, int), string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {y + "-"} and PartitionKey lt {y + "."} and (RowKey eq {"q1"} or RowKey eq {"q2"} or RowKey eq {"q3"} or RowKey eq {"q4"})");
        await foreach (var m in storage.Table(TableNames.Meetings).QueryAsync<MeetingEntity>(filter, select: ["PartitionKey", "RowKey", nameof(MeetingEntity.Quarter), nameof(MeetingEntity.Date)], cancellationToken: cancellationToken))
        {
            held[(m.PartitionKey[(y.Length + 1)..], m.Quarter)] = m.Date;
        }

        return held;
    }

    /// <summary>Each quarter's meeting of a town as of <paramref name="today"/> (China time).</summary>
    public static IReadOnlyList<QuarterMeeting> Marks(IReadOnlyDictionary<(string Town, int Quarter), string> held, string townId, int year, DateOnly today) =>
        [.. Enumerable.Range(1, 4).Select(q => held.TryGetValue((townId, q), out var date)
            ? new QuarterMeeting(q, MeetingState.Held, date)
            : new QuarterMeeting(q, today > ChinaTime.QuarterLastDay(year, q) ? MeetingState.Missed : today >= MeetingRules.FirstDay(year, q) ? MeetingState.Open : MeetingState.NotYet, ""))];

    /// <summary>The meeting reminders due <paramref name="today"/>; <paramref name="heldByYear"/> gives the recorded meetings of a year.</summary>
    public static IEnumerable<Reminder> For(DateOnly today, IReadOnlyList<Town> towns, Func<int, IReadOnlyDictionary<(string Town, int Quarter), string>> heldByYear, MeetingRecipients recipients)
    {
        var (year, quarter) = (today.Year, ChinaTime.QuarterOf(today));
        var last = ChinaTime.QuarterLastDay(year, quarter);
        var left = last.DayNumber - today.DayNumber;
        if (left <= SoonDays)
        {
            var held = heldByYear(year);
            var reason = left <= LastDays ? "meeting-last" : "meeting-soon";
            foreach (var town in towns.Where(t => !held.ContainsKey((t.Id, quarter))))
            {
                foreach (var recipient in recipients.Town(town.Id))
                {
                    yield return new Reminder(recipient, "", "", reason, $"{year}Q{quarter}",
                        left == 0 ? $"第{quarter}季度交流会今天（{last:yyyy-MM-dd}）截止，召开后请在会议页记录。"
                                  : $"第{quarter}季度交流会请在 {last:yyyy-MM-dd} 前召开（还有 {left} 天），召开后请在会议页记录。",
                        NoticeLinks.Meeting(year, town.Id, quarter));
                }
            }
        }

        var (py, pq) = quarter == 1 ? (year - 1, 4) : (year, quarter - 1);
        var late = today.DayNumber - ChinaTime.QuarterLastDay(py, pq).DayNumber;
        if (late is >= 1 and <= MissedWithinDays)
        {
            var held = heldByYear(py);
            var missed = towns.Where(t => !held.ContainsKey((t.Id, pq))).ToList();
            foreach (var town in missed)
            {
                foreach (var recipient in recipients.Town(town.Id))
                {
                    yield return new Reminder(recipient, "", "", "meeting-missed", $"{py}Q{pq}",
                        $"{py}年第{pq}季度交流会尚无记录（已逾期 {late} 天），请尽快召开并在会议页补记。", NoticeLinks.Meeting(py, town.Id, pq));
                }
            }

            if (missed.Count > 0)
            {
                var names = string.Join("、", missed.Take(20).Select(t => t.Name)) + (missed.Count > 20 ? " 等" : "");
                foreach (var city in recipients.City)
                {
                    yield return new Reminder(city, "", "", "meeting-missed", $"{py}Q{pq}",
                        $"{py}年第{pq}季度交流会：{missed.Count} 个镇街尚无记录（{names}）。", $"/city?year={py.ToString(CultureInfo.InvariantCulture)}#meetings");
                }
            }
        }
    }

    /// <summary>The active city accounts (团市委) and dispatch offices (市下派办 and each town's 下派办): one query.</summary>
    public async Task<MeetingRecipients> RecipientsAsync(CancellationToken cancellationToken = default)
    {
        var city = new List<string>();
        var offices = new Dictionary<string, List<string>>();
        await foreach (var a in storage.Table(TableNames.Accounts).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Auth.AccountEntity.Partition} and (Role eq {Auth.Roles.City} or Role eq {Auth.Roles.Office})"),
            select: ["RowKey", "Role", "Scope", "Disabled"],
            cancellationToken: cancellationToken))
        {
            if (a.GetBoolean("Disabled") == true)
            {
                continue;
            }

            var scope = a.GetString("Scope") ?? "";
            if (a.GetString("Role") == Auth.Roles.City || scope == Auth.Principal.CityScope)
            {
                city.Add(a.RowKey);
            }
            else if (scope.Length > 0)
            {
                (offices.TryGetValue(scope, out var list) ? list : offices[scope] = []).Add(a.RowKey);
            }
        }

        return new MeetingRecipients(city, offices.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value));
    }
}
