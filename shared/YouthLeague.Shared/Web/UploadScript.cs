namespace YouthLeague.Web;

/// <summary>
/// The numbers the step form's script (<c>Static/upload.js</c>) works with, written into the form as data attributes
/// so that they live here only.
/// </summary>
public static class UploadScript
{
    /// <summary>Photos above this size are shrunk before upload when the step accepts JPEG.</summary>
    public const int ShrinkAboveBytes = 1024 * 1024;

    public const int MaxEdge = 2048;

    /// <summary>What the script lets through in one request: the body limit less room for the text fields.</summary>
    public const long MaxTotalBytes = SubmissionForms.MaxRequestBytes - (1024 * 1024);
}
