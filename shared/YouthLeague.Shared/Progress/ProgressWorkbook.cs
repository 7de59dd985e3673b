using MiniExcelLibs;
using YouthLeague.Checklist;

namespace YouthLeague.Progress;

/// <summary>
/// The progress matrix as a workbook: one row per village with its first secretary and dispatching unit (派出单位) now,
/// as the other exports name them, then one column per step, headers in Chinese.
/// </summary>
public static class ProgressWorkbook
{
    /// <param name="secretaries">The villages' current secretaries by village id (a village missing from it gets empty cells).</param>
    public static byte[] Build(ProgressReport report, ChecklistDefinition definition, IReadOnlyDictionary<string, string> townNames, IReadOnlyDictionary<string, Towns.Secretary> secretaries)
    {
        var rows = report.Villages.Select(v =>
        {
            var secretary = secretaries.GetValueOrDefault(v.Id);
            var row = new Dictionary<string, object?>
            {
                ["镇街"] = townNames.GetValueOrDefault(v.TownId, v.TownId),
                ["村（社区）"] = v.Name,
                [Committees.CommitteeSheets.SecretaryHeaders[0]] = secretary is { Name.Length: > 0 } ? secretary.Name : null,
                [Committees.CommitteeSheets.SecretaryHeaders[1]] = secretary is { DispatchingUnit.Length: > 0 } ? secretary.DispatchingUnit : null,
            };
            foreach (var step in definition.Steps)
            {
                row[step.Title] = StepStatusNames.Parse(v.Steps[step.Key]).ToChinese() + (v.Overdue.Contains(step.Key) ? "（逾期）" : "");
            }

            row["已通过"] = v.Steps.Values.Count(s => s == "approved");
            return row;
        }).ToList();
        using var buffer = new MemoryStream();
        buffer.SaveAs(rows, sheetName: $"{report.Year}年进度");
        return buffer.ToArray();
    }
}
