namespace YouthLeague.Checklist;

/// <summary>
/// The plan feeds next year (docs/assessment.md): the approved plan of a year is the next year's "this year's plan",
/// and its items, with the forum topics marked as needs (需求), are offered on the practical-matter form. Pure.
/// </summary>
public static class PlanFeed
{
    public const string PlanStep = "plan";
    public const string PracticalMatterStep = "practical-matter";
    public const string ForumStep = "forum";
    public const string ForumTopicsField = "topics";
    public const string NeedMark = "需求";
    private const int MaxItems = 20;

    private static readonly char[] LineBreaks = ['\n', '\r'];
    private static readonly char[] TopicSeparators = ['\n', '\r', '，', ',', '；', ';', '、', '。'];

    /// <summary>The items (one a line) of the year's approved plan; empty when the plan is not approved.</summary>
    public static IReadOnlyList<string> PlanItems(ChecklistView? year) =>
        year?.Steps.FirstOrDefault(s => s.Key == PlanStep) is { Status: StepStatus.Approved } plan && plan.Submissions.LastOrDefault() is { } answer
            ? plan.Fields.Where(f => f.Type is FieldType.Text or FieldType.LongText && answer.Fields.ContainsKey(f.Name))
                .SelectMany(f => answer.Fields[f.Name].Split(LineBreaks, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal)
                .Take(MaxItems)
                .ToList()
            : [];

    /// <summary>The forum topics of the year marked as needs (a topic containing "需求"), from every forum submission.</summary>
    public static IReadOnlyList<string> Needs(ChecklistView? year) =>
        (year?.Steps.FirstOrDefault(s => s.Key == ForumStep)?.Submissions ?? [])
            .SelectMany(s => s.Fields.GetValueOrDefault(ForumTopicsField)?.Split(TopicSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
            .Where(t => t.Contains(NeedMark, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Take(MaxItems)
            .ToList();

    /// <summary>Starting points for the practical-matter form: last year's plan items, then this year's needs.</summary>
    public static IReadOnlyList<string> PracticalMatterCandidates(ChecklistView? lastYear, ChecklistView? thisYear) =>
        [.. PlanItems(lastYear).Select(i => "计划：" + i), .. Needs(thisYear).Select(n => "座谈会提出：" + n)];
}
