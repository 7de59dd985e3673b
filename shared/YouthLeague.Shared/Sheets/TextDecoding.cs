using System.Text;

namespace YouthLeague.Sheets;

/// <summary>
/// The text of an uploaded .csv: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030 (a
/// superset of GBK and GB2312, what Excel and WPS on Chinese Windows save "CSV" as).
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
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
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
            throw SheetRejectedException.Unreadable("无法识别文件的文字编码：请在 Excel 或 WPS 中另存为“CSV UTF-8”或 .xlsx 后再导入");
        }
    }
}
