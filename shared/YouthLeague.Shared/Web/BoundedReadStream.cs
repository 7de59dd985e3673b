namespace YouthLeague.Web;

/// <summary>
/// A request body read through a cap: more than <paramref name="maxBytes"/> and the read throws
/// <see cref="BodyTooLargeException"/>, whatever Content-Length said (a chunked body has none). The body stays open.
/// </summary>
public sealed class BoundedReadStream(Stream inner, long maxBytes) : CountingReadStream(inner, leaveOpen: true)
{
    protected override void Counted(int bytes, long total)
    {
        if (total > maxBytes)
        {
            throw new BodyTooLargeException();
        }
    }
}

public sealed class BodyTooLargeException : IOException
{
    public BodyTooLargeException()
        : base("The request body is over its limit.")
    {
    }
}
