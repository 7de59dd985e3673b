using MiniExcelLibs;
using YouthLeague.Checklist;

namespace YouthLeague.Progress;

/// <summary>The progress matrix as a workbook: one row per village, one column per step, headers in Chinese.</summary>
public static class ProgressWorkbook
{
    public static byte[] Build(ProgressReport report, ChecklistDefinition definition, IReadOnlyDictionary<string, string> townNames)
    {
        var rows = report.Villages.Select(v =>
        {
            var row = new Dictionary<string, object?>
            {
                ["镇街"] = townNames.GetValueOrDefault(v.TownId, v.TownId),
                ["村（社区）"] = v.Name,
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
