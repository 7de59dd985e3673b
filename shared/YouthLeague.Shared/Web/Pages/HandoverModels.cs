using YouthLeague.Checklist;
using YouthLeague.Ledger;
using YouthLeague.Towns;
using YouthLeague.Web.Components;

namespace YouthLeague.Web.Pages;

/// <summary>
/// The handover pack (交接材料) of a village's year so far, for the successor at a rotation: every step with what was
/// handed in, by whom, the reviewers' comments, the plan, and the register as it stands (phones as the reader may see).
/// </summary>
public sealed record HandoverModel(
    PageChrome Chrome,
    Village Village,
    string TownName,
    int Year,
    DateOnly Today,
    ChecklistView? Checklist,
    IReadOnlyList<LedgerRow> Register,
    bool PhonesMasked)
{
    public const string PlanStep = "plan";

    public StepView? Plan => Checklist?.Steps.FirstOrDefault(s => s.Key == PlanStep);
}
