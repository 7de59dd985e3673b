using System.Globalization;
using YouthLeague.Checklist;

namespace YouthLeague.Web;

/// <summary>Times as the pages show them: China time.</summary>
public static class Dates
{
    public static string Minute(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string ShortMinute(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString("MM-dd", CultureInfo.InvariantCulture);
}
