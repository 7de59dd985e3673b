using System.Text.Json.Serialization;

namespace YouthLeague.Checklist;

/// <summary>What a town reviewer decided about a submitted step.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReviewDecision>))]
public enum ReviewDecision
{
    [JsonStringEnumMemberName("approve")] Approve,
    [JsonStringEnumMemberName("return")] Return,
}

/// <summary>The wire names (API bodies, form values, stored reviews) and what people read.</summary>
public static class ReviewDecisions
{
    public static string ToWire(this ReviewDecision d) => d switch
    {
        ReviewDecision.Approve => "approve",
        ReviewDecision.Return => "return",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    public static ReviewDecision? TryParse(string? wire) => wire switch
    {
        "approve" => ReviewDecision.Approve,
        "return" => ReviewDecision.Return,
        _ => null,
    };

    public static string ToChinese(this ReviewDecision d) => d switch
    {
        ReviewDecision.Approve => "通过",
        ReviewDecision.Return => "退回",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };
}
