namespace YouthLeague.Checklist;

public sealed record StepScore(string Step, StepStatus Status, int Points, bool OnTime, int ReturnedRounds, bool Exemplary);

public sealed record AssessmentResult(int Year, string VillageId, int Score, IReadOnlyList<StepScore> Steps);

/// <summary>Points of one step that differ from the rubric's defaults (absent: the default).</summary>
public sealed record StepPoints(int? Approved = null, int? OnTime = null);

/// <summary>
/// How a year is scored (docs/assessment.md), part of the year's checklist definition (<c>"rubric"</c>). Every part is
/// optional: a definition without a rubric, or a rubric without a part, takes the values the assessment always had
/// (approved 12, on time +4, −1 per return at most −3, outstanding case +1, at most 100).
/// </summary>
public sealed record AssessmentRubric(
    int Approved = 12,
    int OnTime = 4,
    int ReturnPenalty = 1,
    int MaxReturnPenalty = 3,
    int Exemplary = 1,
    int Maximum = 100,
    IReadOnlyDictionary<string, StepPoints>? Steps = null)
{
    public static AssessmentRubric Default { get; } = new();

    public int ApprovedPoints(string step) => Steps?.GetValueOrDefault(step)?.Approved ?? Approved;

    public int OnTimePoints(string step) => Steps?.GetValueOrDefault(step)?.OnTime ?? OnTime;

    /// <summary>The most a step can give without the outstanding-case bonus.</summary>
    public int BestOf(string step) => ApprovedPoints(step) + OnTimePoints(step);

    public List<string> Validate(IEnumerable<string> stepKeys)
    {
        var errors = new List<string>();
        if (Approved < 0 || OnTime < 0 || ReturnPenalty < 0 || MaxReturnPenalty < 0 || Exemplary < 0)
        {
            errors.Add("rubric: points must not be negative");
        }

        if (Maximum is < 1 or > 1000)
        {
            errors.Add($"rubric: maximum must be between 1 and 1000 (got {Maximum})");
        }

        var keys = stepKeys.ToHashSet();
        foreach (var (key, points) in Steps ?? new Dictionary<string, StepPoints>())
        {
            if (!keys.Contains(key))
            {
                errors.Add($"rubric: step '{key}' is not a step of this definition");
            }

            if (points is null || points.Approved < 0 || points.OnTime < 0)
            {
                errors.Add($"rubric: points of step '{key}' must not be negative");
            }
        }

        return errors;
    }
}

/// <summary>
/// The annual score (0..rubric maximum), see docs/assessment.md. Per step, with the year's rubric: approved
/// <see cref="AssessmentRubric.Approved"/>; approved and first handed in on or before the due date + on-time bonus;
/// each return − penalty (capped per step, never below 0 for the step); outstanding case + bonus. Any number of steps.
/// </summary>
public static class Assessment
{
    public static AssessmentResult Score(ChecklistState state, ChecklistDefinition definition, ChecklistCalendar calendar)
    {
        var rubric = definition.Scoring;
        var steps = new List<StepScore>();
        foreach (var def in definition.Steps)
        {
            var s = state.Steps.TryGetValue(def.Key, out var found) ? found : new StepState();
            var approved = s.Status == StepStatus.Approved;
            var onTime = approved && s.FirstSubmittedAt is { } first && calendar.DateOf(first) <= def.Due;
            var points = 0;
            if (approved)
            {
                points = rubric.ApprovedPoints(def.Key) + (onTime ? rubric.OnTimePoints(def.Key) : 0)
                    - Math.Min(s.ReturnedRounds * rubric.ReturnPenalty, rubric.MaxReturnPenalty)
                    + (s.Exemplary ? rubric.Exemplary : 0);
            }

            steps.Add(new StepScore(def.Key, s.Status, Math.Max(points, 0), onTime, s.ReturnedRounds, s.Exemplary));
        }

        return new AssessmentResult(state.Year, state.VillageId, Math.Min(steps.Sum(s => s.Points), rubric.Maximum), steps);
    }
}
