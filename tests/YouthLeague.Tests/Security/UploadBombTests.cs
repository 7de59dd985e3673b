using System.Diagnostics;
using System.Net;
using System.Text;
using Azure.Data.Tables;
using Xunit.Abstractions;
using YouthLeague.TestFiles;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Tests.LocalHost;

namespace YouthLeague.Tests.Security;

/// <summary>
/// Issue #14, "one upload can take the host down": the attack files against the local host as a process, with its
/// resident memory read from /proc. Each answers within 10 s with a Chinese 4xx, and the host's peak resident memory
/// (VmHWM, since it started) stays under 400 MB.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UploadBombTests(Azurite azurite, ITestOutputHelper output)
{
    private const double MemoryBoundMb = 400;
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task LedgerImport_XlsxBomb_413InChineseQuicklyAndMemoryBounded()
    {
        await using var world = await World.StartAsync(azurite);
        var (status, body, elapsed) = await world.ImportAsync(AttackFiles.XlsxBomb(), "bomb.xlsx");
        world.Report(output, "xlsx bomb (2,000 header cells, a cell in row 1,048,576)", elapsed);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("列数过多", body, StringComparison.Ordinal);
        world.AssertBounded();
        await world.AssertNothingImportedAsync();
    }

    [Fact]
    public async Task LedgerImport_ZipBomb_413InChineseQuicklyAndMemoryBounded()
    {
        await using var world = await World.StartAsync(azurite);
        var bomb = AttackFiles.ZipBomb();
        var (status, body, elapsed) = await world.ImportAsync(bomb, "bomb.xlsx");
        world.Report(output, $"zip bomb ({bomb.Length / 1024} KB inflating to 256 MB)", elapsed);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("解压后过大", body, StringComparison.Ordinal);
        world.AssertBounded();
        await world.AssertNothingImportedAsync();
    }

    /// <summary>
    /// Issue #19's bad sheets, one host for all: each a clear Chinese refusal or row-level message, nothing stored, and
    /// the host's peak resident memory over the whole run under the bound.
    /// </summary>
    [Fact]
    public async Task LedgerImport_BadSheets_ClearMessagesNothingStoredMemoryBounded()
    {
        await using var world = await World.StartAsync(azurite);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var header = "姓名,性别,出生年月,是否团员,手机\r\n";
        var cases = new (string Name, byte[] File, string FileName, HttpStatusCode Status, string Says)[]
        {
            ("1,048,576 rows (.xlsx, compressed)", AttackFiles.MillionRows(compressed: true), "rows.xlsx", HttpStatusCode.RequestEntityTooLarge, "解压后过大"),
            ("5,000 columns (.csv)", AttackFiles.WideCsv(), "wide.csv", HttpStatusCode.RequestEntityTooLarge, "列数过多"),
            ("UTF-16 without a byte-order mark", Encoding.Unicode.GetBytes(header + "李青,女,2001,是,\r\n"), "utf16.csv", HttpStatusCode.UnsupportedMediaType, "只能导入 .xlsx 或 .csv 文件"), // NUL bytes: not text, refused by the upload check
            ("Latin-1 bytes", Encoding.Latin1.GetBytes("Name,Gebürtig\r\nÿÿ,ÿ\r\n"), "latin1.csv", HttpStatusCode.UnprocessableEntity, "无法识别文件的文字编码"),
            ("a birth date in the future", Encoding.GetEncoding("GBK").GetBytes(header + "李青,女,2001-05,是,\r\n王小,男,2099-01,否,\r\n"), "future.csv", HttpStatusCode.UnprocessableEntity, "出生日期 2099-01 晚于今天"),
            ("letters in a phone", Encoding.UTF8.GetBytes(header + "李青,女,2001-05,是,138abcd5678\r\n"), "phone.csv", HttpStatusCode.UnprocessableEntity, "电话号码不能含有字母"),
        };

        foreach (var c in cases)
        {
            var (status, body, elapsed) = await world.ImportAsync(c.File, c.FileName);
            world.Report(output, $"{c.Name} ({c.File.Length / 1024} KB): {(int)status}", elapsed);
            Assert.True(status == c.Status, $"{c.Name}: {(int)status} {body}");
            Assert.Contains(c.Says, System.Text.RegularExpressions.Regex.Unescape(body), StringComparison.Ordinal);
        }

        // Merged header cells: read (the sub-headings 手机 / 座机 under 联系方式), previewed, nothing written.
        var (mergedStatus, mergedBody, mergedElapsed) = await world.ImportAsync(AttackFiles.MergedHeader(), "merged.xlsx", dryRun: true);
        world.Report(output, "merged two-row header, preview", mergedElapsed);
        Assert.Equal(HttpStatusCode.OK, mergedStatus);
        Assert.Contains("座机", System.Text.RegularExpressions.Regex.Unescape(mergedBody), StringComparison.Ordinal);

        world.AssertBounded();
        await world.AssertNothingImportedAsync();
    }

    [Fact]
    public async Task Login_ChunkedJsonBodyOf40MB_413WhileReadingAndMemoryBounded()
    {
        await using var world = await World.StartAsync(azurite);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = new ChunkedJson(40L * 1024 * 1024) };
        using var cts = new CancellationTokenSource(AnswerBound);
        var sw = Stopwatch.StartNew();
        using var response = await world.Host.Http.SendAsync(request, cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);
        world.Report(output, "chunked login body of 40 MB", sw.Elapsed);
        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("提交的内容过大", body, StringComparison.Ordinal);
        world.AssertBounded();
    }

    /// <summary>A JSON body of the given size sent without Content-Length (Transfer-Encoding: chunked).</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly long bytes;

        public ChunkedJson(long bytes)
        {
            this.bytes = bytes;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync("{\"username\":\"city\",\"password\":\""u8.ToArray());
            var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
            try
            {
                for (long sent = 0; sent < bytes; sent += chunk.Length)
                {
                    await stream.WriteAsync(chunk);
                }

                await stream.WriteAsync("\"}"u8.ToArray());
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
            {
                // The host answered and stopped reading: that is the point.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed class World : IAsyncDisposable
    {
        private World(LocalHostProcess host, HttpClient secretary, string village, Azurite azurite)
        {
            Host = host;
            Secretary = secretary;
            Village = village;
            Azurite = azurite;
        }

        public LocalHostProcess Host { get; }

        public HttpClient Secretary { get; }

        public string Village { get; }

        private Azurite Azurite { get; }

        public static async Task<World> StartAsync(Azurite azurite)
        {
            var (seed, village) = DurabilityTests.OneVillageSeed();
            var hub = "bomb" + Guid.NewGuid().ToString("N")[..12];
            var host = DurabilityTests.Host(azurite, hub, seed);
            await host.StartAsync();
            var secretary = await host.SignedInAsync("sec." + village);
            return new World(host, secretary, village, azurite);
        }

        public async Task<(HttpStatusCode Status, string Body, TimeSpan Elapsed)> ImportAsync(byte[] file, string name, bool dryRun = false)
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", name } };
            using var cts = new CancellationTokenSource(AnswerBound);
            var sw = Stopwatch.StartNew();
            using var response = await Secretary.PostAsync($"/api/checklists/2026/{Village}/ledger/import" + (dryRun ? "?dryRun=true" : ""), form, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            return (response.StatusCode, body, sw.Elapsed);
        }

        public void Report(ITestOutputHelper output, string attack, TimeSpan elapsed) =>
            output.WriteLine($"{attack}: answered in {elapsed.TotalMilliseconds:F0} ms; host resident now {ProcStatus.ResidentMb(Host.ProcessId):0} MB, peak {ProcStatus.HighWaterMb(Host.ProcessId):0} MB");

        public void AssertBounded()
        {
            var peak = ProcStatus.HighWaterMb(Host.ProcessId);
            Assert.InRange(peak, 1, MemoryBoundMb); // 0 would mean /proc was not read
        }

        public async Task AssertNothingImportedAsync()
        {
            var table = new TableClient(Azurite.ConnectionString, "Ledger");
            var rows = 0;
            await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"2026-" + Village}")))
            {
                rows++;
            }

            Assert.Equal(0, rows);
        }

        public async ValueTask DisposeAsync()
        {
            Secretary.Dispose();
            await Host.DisposeAsync();
        }
    }
}
