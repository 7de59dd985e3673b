using System.Text.Json;
using System.Text.Json.Serialization;

namespace YouthLeague.Checklist;

/// <summary>A field's type as <c>GET /api/checklists/...</c> has always written it: text, longtext, number, date, select, boolean.</summary>
public sealed class FieldTypeWireConverter : JsonConverter<FieldType>
{
    public static string ToWire(FieldType type) => type switch
    {
        FieldType.Text => "text",
        FieldType.LongText => "longtext",
        FieldType.Number => "number",
        FieldType.Date => "date",
        FieldType.Select => "select",
        FieldType.Boolean => "boolean",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public override FieldType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() switch
        {
            "text" => FieldType.Text,
            "longtext" => FieldType.LongText,
            "number" => FieldType.Number,
            "date" => FieldType.Date,
            "select" => FieldType.Select,
            "boolean" => FieldType.Boolean,
            var other => throw new JsonException($"unknown field type {other}"),
        };

    public override void Write(Utf8JsonWriter writer, FieldType value, JsonSerializerOptions options) => writer.WriteStringValue(ToWire(value));
}
