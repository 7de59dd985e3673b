namespace YouthLeague.Checklist;

public sealed record StepScore(string Step, StepStatus Status, int Points, bool OnTime, int ReturnedRounds, bool Exemplary);

public sealed record AssessmentResult(int Year, string VillageId, int Score, IReadOnlyList<StepScore> Steps);

/// <summary>
/// The annual score (0..100), see docs/assessment.md:
/// per step, approved 12; approved and first handed in on or before the due date +4;
/// each return −1 (at most −3, never below 0 for the step); outstanding case +1.
/// Six perfect steps give 96; outstanding cases lift it to at most 100.
/// </summary>
public static class Assessment
{
    public const int Approved = 12;
    public const int OnTimeBonus = 4;
    public const int ReturnPenalty = 1;
    public const int MaxReturnPenalty = 3;
    public const int ExemplaryBonus = 1;

    public static AssessmentResult Score(ChecklistState state, ChecklistDefinition definition, ChecklistCalendar calendar)
    {
        var steps = new List<StepScore>();
        foreach (var def in definition.Steps)
        {
            var s = state.Steps.TryGetValue(def.Key, out var found) ? found : new StepState();
            var approved = s.Status == StepStatus.Approved;
            var onTime = approved && s.FirstSubmittedAt is { } first && calendar.DateOf(first) <= def.Due;
            var points = 0;
            if (approved)
            {
                points = Approved + (onTime ? OnTimeBonus : 0)
                    - Math.Min(s.ReturnedRounds * ReturnPenalty, MaxReturnPenalty)
                    + (s.Exemplary ? ExemplaryBonus : 0);
            }

            steps.Add(new StepScore(def.Key, s.Status, Math.Max(points, 0), onTime, s.ReturnedRounds, s.Exemplary));
        }

        return new AssessmentResult(state.Year, state.VillageId, Math.Min(steps.Sum(s => s.Points), 100), steps);
    }
}
