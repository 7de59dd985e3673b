namespace YouthLeague.UnitTests;

/// <summary>Shared fixtures: the repository root, the real 2026 definition and small builders.</summary>
internal static class TestSupport
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);

    public static string RepoRoot { get; } = FindRoot();

    public static string SeedPath => Path.Combine(RepoRoot, "seeds", "checklists", "2026.json");

    public static ChecklistDefinition Definition2026 { get; } = ChecklistDefinitionLoader.Load(SeedPath);

    public static IReadOnlyList<string> StepKeys => ChecklistDefinitionLoader.StepKeys;

    public static ChecklistState NewState() => ChecklistState.New(2026, "v1", StepKeys);

    /// <summary>A state whose <paramref name="step"/> is already in <paramref name="status"/>.</summary>
    public static ChecklistState StateWith(string step, StepState stepState)
    {
        var s = NewState();
        var steps = new Dictionary<string, StepState>(s.Steps) { [step] = stepState };
        return s with { Steps = steps };
    }

    public static ChecklistCommand Submit(string id, string step = "forum", DateTimeOffset? at = null) =>
        new(id, CommandKind.Submit, step, "sec.v1", at ?? T0);

    public static ChecklistCommand Approve(string id, string step = "forum", DateTimeOffset? at = null, bool exemplary = false) =>
        new(id, CommandKind.Approve, step, "town.t1", at ?? T0.AddDays(1), exemplary);

    public static ChecklistCommand Return(string id, string step = "forum", DateTimeOffset? at = null) =>
        new(id, CommandKind.Return, step, "town.t1", at ?? T0.AddDays(1));

    /// <summary>Applies commands in order, asserting each one was applied.</summary>
    public static ChecklistState ApplyAll(ChecklistState state, params ChecklistCommand[] commands)
    {
        foreach (var c in commands)
        {
            var r = ChecklistRules.Apply(state, c);
            Assert.Equal(Outcome.Applied, r.Outcome);
            state = r.State;
        }

        return state;
    }

    /// <summary>A minimal valid definition in the shape the loader expects; callers mutate it to make it invalid.</summary>
    public static ChecklistDefinition ValidDefinition(int year = 2026) => new(
        year,
        "测试",
        [.. ChecklistDefinitionLoader.StepKeys.Select((k, i) => Step(k, new DateOnly(year, 2 * (i + 1), 1)))]);

    public static StepDefinition Step(
        string key,
        DateOnly due,
        IReadOnlyList<FieldDefinition>? fields = null,
        EvidenceRule? evidence = null) =>
        new(key, "标题 " + key, "说明", due, fields ?? [new FieldDefinition("note", "备注", FieldType.Text, false)], evidence ?? new EvidenceRule(["jpeg", "pdf"], 0, 3, 1024 * 1024));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "YouthLeague.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("YouthLeague.sln not found above " + AppContext.BaseDirectory);
    }
}
