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
}
