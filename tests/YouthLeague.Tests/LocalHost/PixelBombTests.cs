using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Xunit.Abstractions;
using YouthLeague.Tests.Faults;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Workflow;

namespace YouthLeague.Tests.LocalHost;

/// <summary>
/// A small file that decodes into a huge picture (a 7000×7000 PNG: about 150 KB sent, 196 MB decoded) must not take the
/// host's memory: several at once are answered with a clear 4xx, the host's resident memory stays bounded, and a real
/// photo sent right after is still accepted.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PixelBombTests(Azurite azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Submission_FourPixelBombsAtOnce_ClearRefusalWithin10Seconds_HostMemoryBounded()
    {
        var (seed, villages) = Burst.Seed(4);
        await using var host = Burst.Host(azurite.ConnectionString, "bomb" + Guid.NewGuid().ToString("N")[..12], seed);
        await host.StartAsync();
        var tokens = await Burst.SignInAllAsync(host, villages);
        var bomb = PixelBomb.Png(7000, 7000);
        output.WriteLine($"pixel bomb: {bomb.Length / 1024} KB, 7000×7000; host resident {ProcStatus.ResidentMb(host.ProcessId):0} MB before");

        var sw = Stopwatch.StartNew();
        var answers = await Task.WhenAll(villages.Select(async v =>
        {
            using var response = await SendAsync(host, tokens[v], v, bomb, "image/png", "bomb.png");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), Seconds: sw.Elapsed.TotalSeconds);
        }));
        var peak = ProcStatus.HighWaterMb(host.ProcessId);
        output.WriteLine($"answers: {string.Join(", ", answers.Select(a => $"{(int)a.StatusCode} after {a.Seconds:0.0} s"))}; host high-water mark {peak:0} MB");

        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, a.StatusCode);
            Assert.Contains("像素过多", a.Body, StringComparison.Ordinal);
            Assert.True(a.Seconds < 10, $"answered after {a.Seconds:0.0} s");
        });
        Assert.True(peak < 400, $"host resident memory peaked at {peak:0} MB");

        // Nothing of the refused photos was kept, and the host still takes a real photo.
        using var photo = await SendAsync(host, tokens[villages[0]], villages[0], TestImages.Jpeg(), "image/jpeg", "photo.jpg");
        Assert.Equal(HttpStatusCode.Accepted, photo.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(LocalHostProcess host, AuthenticationHeaderValue auth, string village, byte[] file, string type, string name)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in YearSimulator.FieldsFor(TestData.Definition.Find("forum")!, 2026))
        {
            form.Add(new StringContent(v ?? ""), k);
        }

        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        form.Add(content, "evidence", name);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/checklists/2026/{village}/steps/forum/submissions") { Content = form };
        request.Headers.Authorization = auth;
        return await host.Http.SendAsync(request);
    }
}
