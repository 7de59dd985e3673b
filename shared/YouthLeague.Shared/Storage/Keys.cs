namespace YouthLeague.Storage;

public static class Keys
{
    public static string Checklist(int year, string villageId) => $"{year}-{villageId}";

    public static string Town(int year, string townId) => $"{year}-{townId}";

    public static string Step(string step) => StepEntity.Prefix + step;

    public static string Submission(string id) => SubmissionEntity.Prefix + id;

    public static string Review(string id) => ReviewEntity.Prefix + id;

    public static string Audit(string commandId) => AuditEntity.Prefix + commandId;

    public static string Snapshot(int quarter, string villageId) => $"q{quarter}-{villageId}";
}
