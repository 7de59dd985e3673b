using System.Globalization;
using YouthLeague.Towns;

namespace YouthLeague.Web;

/// <summary>Parsing of route values shared by every function.</summary>
public static class Routes
{
    /// <summary>A checklist year in the route: four digits, within a sane range.</summary>
    public static bool TryYear(string? value, out int year) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out year) && year is >= 2000 and <= 2200;

    public static bool IsId(string? value) => Ids.IsValid(value);

    /// <summary>
    /// A path on this site to send the browser back to, or null: it starts with one '/', and holds no backslash, no
    /// whitespace or control character (browsers drop a tab or line break, so "/\t/evil.example" becomes
    /// "//evil.example", another site; a line break in a Location header is a 500) and nothing that makes it absolute.
    /// </summary>
    public static string? LocalPath(string? value) =>
        value is { Length: > 0 and <= 1024 }
        && value[0] == '/'
        && (value.Length == 1 || value[1] is not ('/' or '\\'))
        && !value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\')
        && Uri.TryCreate(value, UriKind.Relative, out _)
            ? value
            : null;
}
