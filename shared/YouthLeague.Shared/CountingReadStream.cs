namespace YouthLeague;

/// <summary>
/// A forward-only, read-only view of a stream that hands each read's byte count to <see cref="Counted"/>, which
/// throws to stop a read past a limit: the request-body cap (Web/BoundedReadStream) and the xlsx inflate budget
/// (Sheets/XlsxSheetReader) are this with their own check.
/// </summary>
public abstract class CountingReadStream(Stream inner, bool leaveOpen) : Stream
{
    private long read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => read; set => throw new NotSupportedException(); }

    /// <summary>Called after every read with its byte count and the total so far.</summary>
    protected abstract void Counted(int bytes, long total);

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int n)
    {
        read += n;
        Counted(n, read);
        return n;
    }
}
