using System.Text.Json.Serialization;

namespace YouthLeague.Checklist;

[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    [JsonStringEnumMemberName("notStarted")] NotStarted,
    [JsonStringEnumMemberName("submitted")] Submitted,
    [JsonStringEnumMemberName("returned")] Returned,
    [JsonStringEnumMemberName("approved")] Approved,
}

public static class StepStatusNames
{
    public static string ToWire(this StepStatus s) => s switch
    {
        StepStatus.NotStarted => "notStarted",
        StepStatus.Submitted => "submitted",
        StepStatus.Returned => "returned",
        StepStatus.Approved => "approved",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static StepStatus Parse(string wire) => wire switch
    {
        "notStarted" => StepStatus.NotStarted,
        "submitted" => StepStatus.Submitted,
        "returned" => StepStatus.Returned,
        "approved" => StepStatus.Approved,
        _ => throw new ArgumentOutOfRangeException(nameof(wire), wire, "unknown step status"),
    };

    public static string ToChinese(this StepStatus s) => s switch
    {
        StepStatus.NotStarted => "未开始",
        StepStatus.Submitted => "待审核",
        StepStatus.Returned => "已退回",
        StepStatus.Approved => "已通过",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };
}
