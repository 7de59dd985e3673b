using System.Text;

namespace YouthLeague.Sheets;

/// <summary>
/// The text of an uploaded .csv: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030 (a
/// superset of GBK and GB2312, what Excel and WPS on Chinese Windows save "CSV" as), or UTF-16 when it starts with
/// its byte-order mark (Excel's "Unicode 文本"). Text with NUL characters (UTF-16 or UTF-32 without a mark, a binary
/// file) is refused as an unknown encoding rather than read as garbage.
/// </summary>
public static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Lazy<Encoding> Gb18030 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    });

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var text = DecodeAny(bytes);
        return text.Contains('\0', StringComparison.Ordinal) ? throw Unknown() : text;
    }

    private static string DecodeAny(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var utf16 = new UnicodeEncoding(bigEndian: bytes[0] == 0xFE, byteOrderMark: false, throwOnInvalidBytes: true);
            try
            {
                return utf16.GetString(bytes[2..]);
            }
            catch (DecoderFallbackException)
            {
                throw Unknown();
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
        }

        try
        {
            return Gb18030.Value.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Unknown();
        }
    }

    private static SheetRejectedException Unknown() =>
        SheetRejectedException.Unreadable("无法识别文件的文字编码：请在 Excel 或 WPS 中另存为“CSV UTF-8”或 .xlsx 后再导入");
}
