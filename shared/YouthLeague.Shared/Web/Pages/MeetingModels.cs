using YouthLeague.Checklist;
using YouthLeague.Committees;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

/// <summary>
/// A town's quarterly exchange meeting: the pack (as <see cref="MeetingService"/> reads it), and for the town's
/// reviewer the record form with what was typed (<see cref="Input"/>) and what was wrong.
/// </summary>
public sealed record MeetingModel(
    PageChrome Chrome,
    MeetingPack Pack,
    IReadOnlyDictionary<string, string> StepTitles,
    bool MayRecord,
    bool Saved,
    MeetingInput Input,
    ValidationErrors? Errors,
    string? Error)
{
    public int StepsPerVillage => StepTitles.Count;

    public string TitleOf(string step) => StepTitles.GetValueOrDefault(step) ?? step;

    /// <summary>The agenda as recorded with the meeting, else as the pack builds it now.</summary>
    public IReadOnlyList<string> Agenda => Pack.Record?.Agenda is { Count: > 0 } recorded ? recorded : MeetingRules.Agenda(Pack, TitleOf, StepsPerVillage);

    /// <summary>A recommended case by its key "village|step": the candidate's names when it is still one, else the key's parts.</summary>
    public string Describe(string key)
    {
        if (Pack.Candidates.FirstOrDefault(c => c.Key == key) is { } c)
        {
            return $"{c.VillageName} · {c.StepTitle}";
        }

        var i = key.IndexOf('|', StringComparison.Ordinal);
        return i < 0 ? key : $"{key[..i]} · {TitleOf(key[(i + 1)..])}";
    }
}
