using System.Globalization;
using Microsoft.AspNetCore.Components;
using YouthLeague.Checklist;

namespace YouthLeague.Web.Components.Fields;

/// <summary>One field of a step form: its definition, the value to show (a draft, the previous answer, what was just sent).</summary>
public abstract class FieldBase : ComponentBase
{
    [Parameter, EditorRequired] public FieldView Field { get; set; } = default!;

    [Parameter] public string? Value { get; set; }

    protected string Id => "f-" + Field.Name;

    protected string Label => Field.Label + (Field.Required ? " *" : "");

    protected static string? Number(double? value) => value?.ToString(CultureInfo.InvariantCulture);
}
