using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace YouthLeague.Tests.Infrastructure;

/// <summary>
/// The local host as a separate process (TestSupport's <see cref="HostProcess"/>, the launcher the bench uses too),
/// on two free ports, with an HTTP client and the sign-in and submission helpers the tests share.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly HostProcess host;

    public LocalHostProcess(string connectionString, string taskHub, IDictionary<string, string>? settings = null)
    {
        host = new HostProcess(Dll, FreePorts.Block(2), connectionString, taskHub, settings);
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port => host.Port;

    /// <summary>The host's process id while it runs (for its memory, see <see cref="ProcStatus"/>).</summary>
    public int ProcessId => host.ProcessId;

    /// <summary>Changes a setting for the next start (e.g. no seeding on a restart).</summary>
    public void Configure(string key, string value) => host.Configure(key, value);

    public HttpClient Http { get; }

    public string Output => host.Output;

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "YouthLeague.LocalHost.dll");

    /// <summary>
    /// Seeding (accounts hashed, checklists started one by one) can take minutes on a machine shared by several builds
    /// (a wait, not a bound under test: a start that is merely slow must not fail the test that needs the host).
    /// </summary>
    public Task StartAsync(TimeSpan? timeout = null) => host.StartAsync(timeout ?? TimeSpan.FromSeconds(600));

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill() => host.Kill();

    /// <summary>
    /// SIGTERM (what Ctrl-C, systemd, a container stop send): the host's own shutdown runs. Waits up to
    /// <paramref name="wait"/>; says how long the exit took and its code, or null if it had not exited (then it is killed).
    /// </summary>
    public Task<(TimeSpan Elapsed, int? ExitCode)> TerminateAsync(TimeSpan wait) => host.TerminateAsync(wait);

    public const string DemoPassword = "yl-demo-2026";

    /// <summary>A client signed in as <paramref name="username"/> (bearer token from POST /api/auth/login).</summary>
    public async Task<HttpClient> SignedInAsync(string username, string password = DemoPassword)
    {
        // Set-up, not the thing tested: on a machine shared by several builds (load average 40-60) a sign-in may need more than Http's 30 s.
        using var patient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        using var response = await patient.PostAsync("/api/auth/login", JsonContent.Create(new { username, password }));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Http.BaseAddress, Timeout = Http.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Signs <see cref="Http"/> itself in, so the helpers below act as that person.</summary>
    public async Task SignInAsync(string username, string password = DemoPassword)
    {
        using var signed = await SignedInAsync(username, password);
        Http.DefaultRequestHeaders.Authorization = signed.DefaultRequestHeaders.Authorization;
    }

    public async Task<HttpResponseMessage> SubmitAsync(int year, string villageId, string step, IDictionary<string, string> fields, byte[]? jpeg = null, string? idempotencyKey = null)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (k, v) in fields)
        {
            form.Add(new StringContent(v), k);
        }

        if (jpeg is not null)
        {
            var file = new ByteArrayContent(jpeg);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "evidence", "photo.jpg");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/checklists/{year}/{villageId}/steps/{step}/submissions") { Content = form };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        Http.Dispose();
    }
}
