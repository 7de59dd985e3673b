namespace YouthLeague.Ledger;

/// <summary>A person the import would change: as stored, and as they would be.</summary>
public sealed record LedgerChanged(LedgerRow Before, LedgerRow After);

/// <summary>
/// What an import would do to the register, before anything is written: who is new, who changes, how many are
/// unchanged, the columns the sheet had that we do not keep, and each row's problems (any problem: nothing applies).
/// </summary>
public sealed record LedgerImportPlan(
    IReadOnlyList<LedgerRow> Added,
    IReadOnlyList<LedgerChanged> Changed,
    int Unchanged,
    IReadOnlyList<string> IgnoredColumns,
    IReadOnlyList<RowError> Errors)
{
    public bool HasChanges => Added.Count > 0 || Changed.Count > 0;

    public static LedgerImportPlan Refused(IReadOnlyList<RowError> errors, IReadOnlyList<string>? ignored = null) => new([], [], 0, ignored ?? [], errors);
}

/// <summary>
/// Merges a sheet into a register. A row is the same person as one already registered when the names are the same
/// and either the phones are (both given) or the birth dates agree (as far as both are known); each registered
/// person is matched at most once. A matched person takes the sheet's values for the columns the sheet has; an empty
/// cell leaves what is stored. People in the register but not in the sheet stay. So the same sheet twice changes nothing.
/// </summary>
public static class LedgerImport
{
    public static LedgerImportPlan Plan(IReadOnlyList<LedgerRow> register, LedgerSheet sheet, int year, DateOnly today)
    {
        if (sheet.Errors.Count > 0 && sheet.People.Count == 0)
        {
            return LedgerImportPlan.Refused(sheet.Errors, sheet.IgnoredColumns);
        }

        var errors = sheet.Errors.ToList();
        var claimed = new Dictionary<int, int>(); // register index → sheet row that matched it
        var added = new List<(int Row, LedgerRow Person)>();
        var changed = new List<LedgerChanged>();
        var unchanged = 0;
        var badRows = sheet.Errors.Select(e => e.Row).ToHashSet();
        var seen = new List<SheetPerson>();
        var byName = ByName(register);
        foreach (var (row, person) in sheet.People)
        {
            if (seen.FirstOrDefault(p => SamePerson(p.Person, person)) is { } twin)
            {
                errors.Add(new RowError(row, $"与第 {twin.Row} 行是同一人（姓名相同，电话或出生年月也相同）"));
                continue;
            }

            seen.Add(new SheetPerson(row, person));
            var at = Match(register, byName, person, claimed.ContainsKey);
            if (at is null)
            {
                added.Add((row, person));
                if (!badRows.Contains(row))
                {
                    errors.AddRange(LedgerRules.Problems(person, year, today).Select(m => new RowError(row, m)));
                }

                continue;
            }

            claimed[at.Value] = row;
            var before = register[at.Value];
            var after = Merge(before, person, sheet.Fields);
            if (after == before)
            {
                unchanged++;
                continue;
            }

            changed.Add(new LedgerChanged(before, after));
            if (!badRows.Contains(row))
            {
                errors.AddRange(LedgerRules.Problems(after, year, today).Select(m => new RowError(row, m)));
            }
        }

        return new LedgerImportPlan([.. added.Select(a => a.Person)], changed, unchanged, sheet.IgnoredColumns, [.. errors.OrderBy(e => e.Row)]);
    }

    /// <summary>The register after the plan: changed people replaced where they are, new ones at the end.</summary>
    public static List<LedgerRow> Apply(IReadOnlyList<LedgerRow> register, LedgerImportPlan plan)
    {
        var changes = plan.Changed.ToDictionary(c => c.Before.Id!, c => c.After);
        return [.. register.Select(r => r.Id is not null && changes.TryGetValue(r.Id, out var after) ? after : r), .. plan.Added];
    }

    /// <summary>
    /// Rows sent without an id (a whole list PUT by another program) take the id of the registered person they match,
    /// so that sending the same people again is not a removal of everyone (which would redact them from snapshots).
    /// </summary>
    public static List<LedgerRow> KeepIds(IReadOnlyList<LedgerRow> register, IReadOnlyList<LedgerRow> rows)
    {
        var sent = rows.Where(r => r.Id is not null).Select(r => r.Id!).ToHashSet();
        var taken = register.Select((r, i) => (r, i)).Where(x => x.r.Id is not null && sent.Contains(x.r.Id)).Select(x => x.i).ToHashSet();
        var byName = ByName(register);
        var result = new List<LedgerRow>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Id is null && Match(register, byName, row with { Phone = LedgerRules.NormalizePhone(row.Phone) }, taken.Contains) is { } at)
            {
                taken.Add(at);
                result.Add(row with { Id = register[at].Id });
            }
            else
            {
                result.Add(row);
            }
        }

        return result;
    }

    private static ILookup<string, int> ByName(IReadOnlyList<LedgerRow> register) =>
        register.Select((r, i) => (r, i)).Where(x => !x.r.Redacted).ToLookup(x => Key(x.r.Name), x => x.i);

    private static int? Match(IReadOnlyList<LedgerRow> register, ILookup<string, int> byName, LedgerRow person, Func<int, bool> taken)
    {
        int? byBirth = null;
        foreach (var i in byName[Key(person.Name)])
        {
            var r = register[i];
            if (taken(i))
            {
                continue;
            }

            if (r.Phone is { Length: > 0 } && r.Phone == person.Phone)
            {
                return i; // name and phone: the surest match
            }

            if (byBirth is null && SameBirth(r, person))
            {
                byBirth = i;
            }
        }

        return byBirth;
    }

    private static bool SamePerson(LedgerRow a, LedgerRow b) =>
        Key(a.Name) == Key(b.Name) && ((a.Phone is { Length: > 0 } && a.Phone == b.Phone) || SameBirth(a, b));

    private static bool SameBirth(LedgerRow a, LedgerRow b) =>
        a.BirthYear == b.BirthYear
        && (a.BirthMonth is null || b.BirthMonth is null || a.BirthMonth == b.BirthMonth)
        && (a.BirthDay is null || b.BirthDay is null || a.BirthDay == b.BirthDay);

    private static string Key(string name) => string.Concat(name.Where(c => !char.IsWhiteSpace(c)));

    private static LedgerRow Merge(LedgerRow before, LedgerRow sheet, IReadOnlySet<string> fields)
    {
        string? Take(string field, string? now, string? incoming) => fields.Contains(field) && incoming is { Length: > 0 } ? incoming : now;
        var after = before with
        {
            Sex = Take(LedgerFiles.Sex, before.Sex, sheet.Sex)!,
            Phone = Take(LedgerFiles.Phone, before.Phone, sheet.Phone),
            Education = Take(LedgerFiles.Education, before.Education, sheet.Education),
            Occupation = Take(LedgerFiles.Occupation, before.Occupation, sheet.Occupation),
            Note = Take(LedgerFiles.Note, before.Note, sheet.Note),
            IsLeagueMember = fields.Contains(LedgerFiles.Member) ? sheet.IsLeagueMember : before.IsLeagueMember,
        };

        // A birth date as precise as either side knows it (a year in the sheet does not erase a stored month).
        if (fields.Contains(LedgerFiles.Birth) && sheet.BirthYear > 0)
        {
            var keep = sheet.BirthYear == before.BirthYear && (sheet.BirthMonth is null || sheet.BirthMonth == before.BirthMonth) && (sheet.BirthDay is null || sheet.BirthDay == before.BirthDay);
            after = keep ? after : after with { BirthYear = sheet.BirthYear, BirthMonth = sheet.BirthMonth, BirthDay = sheet.BirthDay };
        }

        if (fields.Contains(LedgerFiles.Relation) && sheet.ConsentRelation is not null)
        {
            after = after with { GuardianConsent = sheet.GuardianConsent, ConsentRelation = sheet.ConsentRelation, ConsentMethod = sheet.ConsentMethod ?? before.ConsentMethod, ConsentOn = sheet.ConsentOn ?? before.ConsentOn };
        }
        else if (fields.Contains(LedgerFiles.Consent) && sheet.GuardianConsent && !before.GuardianConsent)
        {
            after = after with { GuardianConsent = true };
        }

        return after;
    }
}
