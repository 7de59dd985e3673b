using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace YouthLeague.Tests.Infrastructure;

/// <summary>The local host as a separate process (the way ./run starts it), which a test can kill with SIGKILL and start again.</summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private string[] arguments;
    private readonly StringBuilder output = new();
    private Process? process;

    public LocalHostProcess(string connectionString, string taskHub, IDictionary<string, string>? settings = null)
    {
        Port = FreePorts.Block(2);
        var args = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["LocalHost:Port"] = Port.ToString(),
            ["LocalHost:SidecarPort"] = (Port + 1).ToString(),
            ["LocalHost:TaskHub"] = taskHub,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            args[k] = v;
        }

        arguments = args.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>The host's process id while it runs (for its memory, see <see cref="ProcessMemory"/>).</summary>
    public int ProcessId => process?.Id ?? throw new InvalidOperationException("The local host is not running.");

    /// <summary>Changes a setting for the next start (e.g. no seeding on a restart).</summary>
    public void Configure(string key, string value) =>
        arguments = [.. arguments.Where(a => !a.StartsWith($"--{key}=", StringComparison.Ordinal)), $"--{key}={value}"];

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "YouthLeague.LocalHost.dll");

    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Dll);
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var sw = Stopwatch.StartNew();
        // Seeding (accounts hashed, checklists started one by one) can take minutes on a machine shared by several builds
        // (a wait, not a bound under test: a start that is merely slow must not fail the test that needs the host).
        while (sw.Elapsed < (timeout ?? TimeSpan.FromSeconds(600)))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The local host exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var r = await Http.GetAsync("/api/health");
                if (r.IsSuccessStatusCode && Output.Contains("local host ready", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or (a loaded machine) listening but slower than the client's 30 s: ask again until the start timeout.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The local host did not answer /api/health:\n" + Output);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>
    /// SIGTERM (what Ctrl-C, systemd, a container stop send): the host's own shutdown runs. Waits up to
    /// <paramref name="wait"/>; says how long the exit took and its code, or null if it had not exited (then it is killed).
    /// </summary>
    public async Task<(TimeSpan Elapsed, int? ExitCode)> TerminateAsync(TimeSpan wait)
    {
        var p = process ?? throw new InvalidOperationException("The local host is not running.");
        var sw = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
            return (sw.Elapsed, p.ExitCode);
        }
        catch (OperationCanceledException)
        {
            Kill();
            return (sw.Elapsed, null);
        }
    }

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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        Http.Dispose();
    }
}
