using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Xunit.Abstractions;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Tests.LocalHost;

namespace YouthLeague.Tests.Faults;

/// <summary>
/// Bad input on every route, as six kinds of caller: never a 5xx, every API answer a problem document, and storage
/// exactly as it was (every table row and every blob compared before and after). Then the same submission sent five
/// times at once: one submission.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Faults")]
public sealed class BadInputCorpusTests(Azurite azurite, ITestOutputHelper output)
{
    private sealed record Case(string Name, string As, Func<HttpRequestMessage> Request);

    private static HttpRequestMessage Req(HttpMethod method, string path, HttpContent? content = null) => new(method, path) { Content = content };

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static ByteArrayContent Raw(byte[] bytes, string contentType)
    {
        var c = new ByteArrayContent(bytes);
        c.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return c;
    }

    private static MultipartFormDataContent Form(IDictionary<string, string> fields, params (byte[] Bytes, string Name, string Field)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (k, v) in fields)
        {
            form.Add(new StringContent(v), k);
        }

        foreach (var (bytes, name, field) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, field, name);
        }

        return form;
    }

    private static MultipartFormDataContent WithRawField(MultipartFormDataContent form, string name, byte[] bytes)
    {
        form.Add(new ByteArrayContent(bytes), name);
        return form;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> fields, string key, string? value)
    {
        var copy = new Dictionary<string, string>(fields);
        if (value is null)
        {
            copy.Remove(key);
        }
        else
        {
            copy[key] = value;
        }

        return copy;
    }

    private static IEnumerable<Case> Corpus(string v1, string v3, string town2)
    {
        var jpeg = TestImages.Jpeg();
        var elf = new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0 };
        var pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"u8.ToArray();
        var pngHeaderGarbage = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8 };
        var forum = DurabilityTests.Forum();
        var vol = DurabilityTests.Volunteering();
        var s = $"/api/checklists/2026/{v1}/steps/forum/submissions";
        var sv = $"/api/checklists/2026/{v1}/steps/volunteering/submissions";
        var r = $"/api/checklists/2026/{v1}/steps/forum/reviews";
        var l = $"/api/checklists/2026/{v1}/ledger";
        var imp = $"/api/checklists/2026/{v1}/ledger/import";
        var big = new string('长', 1024 * 1024);
        var post = HttpMethod.Post;
        var put = HttpMethod.Put;
        var get = HttpMethod.Get;
        return
        [
            // Submissions
            new("submit: JSON instead of a form", "sec", () => Req(post, s, Json("{\"date\":\"2026-05-04\"}"))),
            new("submit: malformed multipart", "sec", () => Req(post, s, Raw("--xyz\r\nContent-Disposition: form-data; name=\"date\"\r\n\r\n2026"u8.ToArray(), "multipart/form-data; boundary=xyz"))),
            new("submit: multipart without a boundary", "sec", () => Req(post, s, Raw("abc"u8.ToArray(), "multipart/form-data"))),
            new("submit: empty multipart body", "sec", () => Req(post, s, Raw([], "multipart/form-data; boundary=xyz"))),
            new("submit: empty body, no content type", "sec", () => Req(post, s)),
            new("submit: 3 MB text field", "sec", () => Req(post, s, Form(With(forum, "minutes", big), (jpeg, "a.jpg", "evidence")))),
            new("submit: number field 'abc'", "sec", () => Req(post, s, Form(With(forum, "attendance", "abc"), (jpeg, "a.jpg", "evidence")))),
            new("submit: date 'yesterday'", "sec", () => Req(post, s, Form(With(forum, "date", "yesterday"), (jpeg, "a.jpg", "evidence")))),
            new("submit: script in text, a required field missing", "sec", () => Req(post, s, Form(With(With(forum, "place", "<script>alert(1)</script>"), "date", null), (jpeg, "a.jpg", "evidence")))),
            new("submit: executable named .jpg", "sec", () => Req(post, sv, Form(vol, (elf, "photo.jpg", "evidence")))),
            new("submit: PDF where only photos are allowed", "sec", () => Req(post, sv, Form(vol, (pdf, "photo.jpg", "evidence")))),
            new("submit: PNG signature over garbage", "sec", () => Req(post, sv, Form(vol, (pngHeaderGarbage, "photo.png", "evidence")))),
            new("submit: random bytes named .docx", "sec", () => Req(post, s, Form(forum, (Encoding.ASCII.GetBytes("not a zip at all"), "plan.docx", "evidence")))),
            new("submit: empty file", "sec", () => Req(post, s, Form(forum, ([], "a.jpg", "evidence")))),
            new("submit: four files where three are allowed", "sec", () => Req(post, s, Form(forum, (jpeg, "1.jpg", "evidence"), (jpeg, "2.jpg", "evidence"), (jpeg, "3.jpg", "evidence"), (jpeg, "4.jpg", "evidence")))),
            new("submit: file over 10 MB", "sec", () => Req(post, s, Form(forum, (TestImages.Jpeg(padTo: (10 * 1024 * 1024) + 1), "big.jpg", "evidence")))),
            // Over Kestrel's 30 MB limit. The server answers before reading the body; a client that keeps sending instead of
            // waiting (no Expect: 100-continue) sees the connection close under it, so this one waits, as curl does for big uploads.
            new("submit: body over 30 MB", "sec", () =>
            {
                var m = Req(post, s, Form(forum, (new byte[31 * 1024 * 1024], "huge.jpg", "evidence")));
                m.Headers.ExpectContinue = true;
                return m;
            }),
            // Issue #14: "a field beginning with bytes FF FE is decoded as UTF-16" (it was stored as CJK garbage, 202).
            new("submit: a field beginning with bytes FF FE", "sec", () => Req(post, s, WithRawField(Form(With(forum, "place", null), (jpeg, "a.jpg", "evidence")), "place", [0xFF, 0xFE, .. "村委会"u8]))),
            new("submit: file in a text field", "sec", () => Req(post, s, Form(forum, (jpeg, "a.jpg", "evidence"), (jpeg, "x.jpg", "place")))),
            new("submit: unknown step", "sec", () => Req(post, $"/api/checklists/2026/{v1}/steps/no-such-step/submissions", Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: unknown village", "sec", () => Req(post, "/api/checklists/2026/no-such-village/steps/forum/submissions", Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: year without a checklist", "sec", () => Req(post, $"/api/checklists/1999/{v1}/steps/forum/submissions", Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: year not a number", "sec", () => Req(post, $"/api/checklists/abc/{v1}/steps/forum/submissions", Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: script as the village id", "sec", () => Req(post, "/api/checklists/2026/%3Cscript%3Ealert(1)%3C%2Fscript%3E/steps/forum/submissions", Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: another village's secretary", "sec3", () => Req(post, s, Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: a town reviewer", "town", () => Req(post, s, Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: the city", "city", () => Req(post, s, Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: anonymous", "anon", () => Req(post, s, Form(forum, (jpeg, "a.jpg", "evidence")))),
            new("submit: forged bearer token", "forged", () => Req(post, s, Form(forum, (jpeg, "a.jpg", "evidence")))),

            // Reviews
            new("review: malformed JSON", "town", () => Req(post, r, Json("{\"decision\":"))),
            new("review: empty body", "town", () => Req(post, r, Json(""))),
            new("review: array instead of an object", "town", () => Req(post, r, Json("[\"approve\"]"))),
            new("review: decision a number", "town", () => Req(post, r, Json("{\"decision\":1}"))),
            new("review: unknown decision", "town", () => Req(post, r, Json("{\"decision\":\"maybe\"}"))),
            new("review: return without a comment", "town", () => Req(post, r, Json("{\"decision\":\"return\"}"))),
            new("review: a step nobody handed in", "town", () => Req(post, r, Json("{\"decision\":\"approve\"}"))),
            new("review: exemplary a string", "town", () => Req(post, r, Json("{\"decision\":\"approve\",\"exemplary\":\"yes\"}"))),
            new("review: 3 MB comment", "town", () => Req(post, r, Json(JsonSerializer.Serialize(new { decision = "return", comment = big })))),
            new("review: plain text", "town", () => Req(post, r, new StringContent("approve", Encoding.UTF8, "text/plain"))),
            new("review: unknown step", "town", () => Req(post, $"/api/checklists/2026/{v1}/steps/no-such-step/reviews", Json("{\"decision\":\"approve\"}"))),
            new("review: by the secretary", "sec", () => Req(post, r, Json("{\"decision\":\"approve\"}"))),
            new("review: by another town's reviewer", "town2", () => Req(post, r, Json("{\"decision\":\"approve\"}"))),

            // Ledger
            new("ledger: malformed JSON", "sec", () => Req(put, l, Json("[{\"name\":"))),
            new("ledger: object instead of rows", "sec", () => Req(put, l, Json("{\"name\":\"张三\"}"))),
            new("ledger: rows that are not objects", "sec", () => Req(put, l, Json("[1,2,3]"))),
            new("ledger: birth year not a number", "sec", () => Req(put, l, Json("[{\"name\":\"张三\",\"sex\":\"男\",\"birthYear\":\"abc\",\"isLeagueMember\":true}]"))),
            new("ledger: unknown sex", "sec", () => Req(put, l, Json("[{\"name\":\"张三\",\"sex\":\"x\",\"birthYear\":2000,\"isLeagueMember\":true}]"))),
            new("ledger: script as a phone number", "sec", () => Req(put, l, Json("[{\"name\":\"张三\",\"sex\":\"男\",\"birthYear\":2000,\"isLeagueMember\":true,\"phone\":\"<script>1</script>\"}]"))),
            new("ledger: by a town reviewer", "town", () => Req(put, l, Json("[]"))),
            new("ledger import: CSV with the wrong header", "sec", () => Req(post, imp, Form(new Dictionary<string, string>(), ("a,b,c\n1,2,3\n"u8.ToArray(), "rows.csv", "file")))),
            new("ledger import: random bytes named .xlsx", "sec", () => Req(post, imp, Form(new Dictionary<string, string>(), (pngHeaderGarbage, "rows.xlsx", "file")))),
            new("ledger import: empty file", "sec", () => Req(post, imp, Form(new Dictionary<string, string>(), ([], "rows.csv", "file")))),
            new("ledger import: JSON instead of a form", "sec", () => Req(post, imp, Json("[]"))),
            new("ledger import: no file", "sec", () => Req(post, imp, Form(new Dictionary<string, string> { ["x"] = "1" }))),

            // Sign-in
            new("login: malformed JSON", "anon", () => Req(post, "/api/auth/login", Json("{\"username\":"))),
            new("login: no password", "anon", () => Req(post, "/api/auth/login", Json("{\"username\":\"nobody-here\"}"))),
            new("login: username a number", "anon", () => Req(post, "/api/auth/login", Json("{\"username\":42,\"password\":\"x\"}"))),
            new("login: 1 MB username", "anon", () => Req(post, "/api/auth/login", Json(JsonSerializer.Serialize(new { username = new string('a', 1024 * 1024), password = "x" })))),
            new("login: empty body", "anon", () => Req(post, "/api/auth/login", Json(""))),
            new("login: a form to the JSON route", "anon", () => Req(post, "/api/auth/login", new FormUrlEncodedContent([new("username", "x"), new("password", "y")]))),

            // Accounts and rotation
            new("account: malformed JSON", "town", () => Req(post, "/api/accounts", Json("{"))),
            new("account: unknown role", "town", () => Req(post, "/api/accounts", Json(JsonSerializer.Serialize(new { username = "bad-role-1", role = "king", scope = v1, displayName = "x" })))),
            new("account: script as the username", "town", () => Req(post, "/api/accounts", Json(JsonSerializer.Serialize(new { username = "<script>alert(1)</script>", role = "secretary", scope = v1, displayName = "x" })))),
            new("account: unknown village as scope", "town", () => Req(post, "/api/accounts", Json(JsonSerializer.Serialize(new { username = "bad-scope-1", role = "secretary", scope = "no-such-village", displayName = "x" })))),
            new("account: created by a secretary", "sec", () => Req(post, "/api/accounts", Json(JsonSerializer.Serialize(new { username = "by-sec-1", role = "secretary", scope = v1, displayName = "x" })))),
            new("account: reset of an unknown account", "town", () => Req(post, "/api/accounts/no-such-user/reset")),
            new("account: disable of an unknown account", "town", () => Req(post, "/api/accounts/no-such-user/disable")),
            new("rotation: unknown village", "town", () => Req(post, "/api/villages/no-such-village/secretary", Json(JsonSerializer.Serialize(new { username = "rot-1", displayName = "x" })))),
            new("rotation: by a secretary", "sec", () => Req(post, $"/api/villages/{v1}/secretary", Json(JsonSerializer.Serialize(new { username = "rot-2", displayName = "x" })))),
            new("rotation: malformed JSON", "town", () => Req(post, $"/api/villages/{v1}/secretary", Json("{\"username\""))),
            new("rotation: by another town's reviewer", "town2", () => Req(post, $"/api/villages/{v1}/secretary", Json(JsonSerializer.Serialize(new { username = "rot-3", displayName = "x" })))),

            // Reads with bad ids and wrong roles
            new("progress: year not a number", "city", () => Req(get, "/api/progress/abc")),
            new("progress: year without a checklist", "city", () => Req(get, "/api/progress/1999")),
            new("progress: by a secretary", "sec", () => Req(get, "/api/progress/2026")),
            new("progress: another town", "town", () => Req(get, $"/api/progress/2026?town={town2}")),
            new("export: year not a number", "city", () => Req(get, "/api/exports/abc/progress.xlsx")),
            new("export: by a secretary", "sec", () => Req(get, "/api/exports/2026/progress.xlsx")),
            new("checklist: unknown village", "city", () => Req(get, "/api/checklists/2026/no-such-village")),
            new("checklist: year not a number", "city", () => Req(get, $"/api/checklists/abc/{v1}")),
            new("checklist: another village's secretary", "sec3", () => Req(get, $"/api/checklists/2026/{v1}")),
            new("evidence: unknown file", "sec", () => Req(get, $"/api/evidence/2026/{v1}/abc/1")),
            new("evidence: path in the id", "sec", () => Req(get, $"/api/evidence/2026/{v1}/..%2F..%2Fetc/passwd")),
            new("ledger CSV: another town", "town2", () => Req(get, $"/api/checklists/2026/{v1}/ledger.csv")),
            new("failed notifications: another town", "town", () => Req(get, $"/api/towns/{town2}/notifications/failed")),
            new("notices: anonymous mark-read", "anon", () => Req(post, "/api/notices/read")),
            new("me: forged token", "forged", () => Req(get, "/api/me")),

            // Pages (HTML answers: checked for no 5xx and no write)
            new("page: step form, malformed multipart", "sec", () => Req(post, $"/villages/{v1}/steps/forum?year=2026", Raw("--xyz\r\nbroken"u8.ToArray(), "multipart/form-data; boundary=xyz"))),
            new("page: step form, a field beginning with bytes FF FE", "sec", () => Req(post, $"/villages/{v1}/steps/forum?year=2026", WithRawField(Form(With(forum, "place", null), (jpeg, "a.jpg", "evidence")), "place", [0xFF, 0xFE, .. "村委会"u8]))),
            new("page: step form, bad values", "sec", () => Req(post, $"/villages/{v1}/steps/forum?year=2026", new FormUrlEncodedContent([new("attendance", "abc")]))),
            new("page: review form, unknown decision", "town", () => Req(post, $"/villages/{v1}/steps/forum/review?year=2026", new FormUrlEncodedContent([new("decision", "maybe")]))),
            new("page: login form, empty", "anon", () => Req(post, "/login", new FormUrlEncodedContent([]))),
            new("page: invite, unknown token", "anon", () => Req(post, "/invite/" + new string('a', 48), new FormUrlEncodedContent([new("password", "abcd1234"), new("confirm", "abcd5678")]))),
            new("page: town page, year not a number", "town", () => Req(get, "/towns/taiping?year=abc")),
            new("page: village page, unknown village", "city", () => Req(get, "/villages/no-such-village?year=2026")),
        ];
    }

    [Fact]
    public async Task EveryRoute_BadInputCorpus_NoServerErrorProblemDocumentsAndNothingWritten()
    {
        var town2 = "o" + Guid.NewGuid().ToString("N")[..8];
        var prefix = "b" + Guid.NewGuid().ToString("N")[..8];
        var (v1, v2, v3) = ($"{prefix}-1", $"{prefix}-2", $"{prefix}-3");
        var seed = new
        {
            city = new { id = "zoucheng", name = "邹城市", account = new { username = "city", name = "团市委" } },
            towns = new[]
            {
                new { id = "taiping", name = "太平镇", reviewer = new { username = "town.taiping", name = "审核员" } },
                new { id = town2, name = "另一镇", reviewer = new { username = "town." + town2, name = "审核员" } },
            },
            villages = new[] { (v1, "taiping"), (v2, "taiping"), (v3, town2) }
                .Select(v => new { id = v.Item1, townId = v.Item2, name = "测试村", sample = false, secretary = new { username = "sec." + v.Item1, name = "书记" } }).ToArray(),
        };
        var seedPath = Path.Combine(Path.GetTempPath(), $"yl-seed-{prefix}.json");
        await File.WriteAllTextAsync(seedPath, JsonSerializer.Serialize(seed));
        await using var host = Burst.Host(azurite.ConnectionString, "corpus" + Guid.NewGuid().ToString("N")[..12], seedPath);
        await host.StartAsync();
        var callers = new Dictionary<string, AuthenticationHeaderValue?>
        {
            ["anon"] = null,
            ["forged"] = new("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaXR5In0.forged"),
            ["sec"] = (await host.SignedInAsync("sec." + v1)).DefaultRequestHeaders.Authorization,
            ["sec3"] = (await host.SignedInAsync("sec." + v3)).DefaultRequestHeaders.Authorization,
            ["town"] = (await host.SignedInAsync("town.taiping")).DefaultRequestHeaders.Authorization,
            ["town2"] = (await host.SignedInAsync("town." + town2)).DefaultRequestHeaders.Authorization,
            ["city"] = (await host.SignedInAsync("city")).DefaultRequestHeaders.Authorization,
        };
        await Task.Delay(1500); // let the seeding's own writes settle before the "before" picture

        var corpus = Corpus(v1, v3, town2).ToList();
        var before = Snapshot();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        foreach (var c in corpus)
        {
            using var request = c.Request();
            request.Headers.Authorization = callers[c.As];
            HttpResponseMessage response;
            try
            {
                response = await host.Http.SendAsync(request);
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{c.Name}: no answer ({ex.Message})");
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync();
                var isApi = request.RequestUri!.OriginalString.StartsWith("/api/", StringComparison.Ordinal);
                if (status >= 500)
                {
                    failures.Add($"{c.Name}: {status} {Truncate(body)}");
                }
                else if (isApi && (status < 400 || response.Content.Headers.ContentType?.MediaType != "application/problem+json" || !HasTitle(body)))
                {
                    failures.Add($"{c.Name}: {status} {response.Content.Headers.ContentType?.MediaType} {Truncate(body)}");
                }
            }
        }

        var after = Snapshot();
        var changed = before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).ToList();
        output.WriteLine($"{corpus.Count} bad inputs on {corpus.Select(c => RouteOf(c.Request())).Distinct().Count()} routes; answers: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")) + $"; {before.Count} rows and blobs compared, {changed.Count} changed");
        Assert.True(corpus.Count >= 60);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(changed.Count == 0, "storage changed:\n" + string.Join("\n", changed.Take(20)));

        // The same submission five times at once (a double-tapped button on a slow network): one submission, processed once.
        using var secretary = await host.SignedInAsync("sec." + v2);
        var tries = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Burst.SubmitAsync(host.Http, secretary.DefaultRequestHeaders.Authorization!, v2, "forum", "double-tap")));
        Assert.All(tries, t => Assert.True(t.Accepted, $"{t.Status} {t.Error}"));
        Assert.Single(tries.Select(t => t.SubmissionId).Distinct());
        var settled = await Burst.SettleAsync(azurite.ConnectionString, [tries[0]], TimeSpan.FromMinutes(1));
        Assert.Equal(Stored.Complete, settled[tries[0]]);
    }

    private static string RouteOf(HttpRequestMessage r) => r.Method + " " + string.Join('/', r.RequestUri!.OriginalString.Split('?')[0].Split('/').Take(4));

    private static bool HasTitle(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.TryGetProperty("title", out var t) && t.GetString() is { Length: > 0 };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "…" : s;

    /// <summary>
    /// Every row of the app's tables (all properties but the timestamp) and every evidence blob (name and length), but the
    /// sign-in throttle's counters (a wrong password is counted on purpose) and the header badge's note on an account of
    /// the notices it last found read (any page a signed-in caller sees may write it, bad input or not: a cache of a read).
    /// </summary>
    private Dictionary<string, string> Snapshot()
    {
        var all = new Dictionary<string, string>();
        foreach (var name in TableNames.All)
        {
            foreach (var e in new TableClient(azurite.ConnectionString, name).Query<TableEntity>())
            {
                if (name == TableNames.Accounts && e.PartitionKey == YouthLeague.Auth.ThrottleEntity.Partition)
                {
                    continue;
                }

                all[$"{name}/{e.PartitionKey}/{e.RowKey}"] = string.Join(";", e.Keys.Where(k => k is not ("Timestamp" or "odata.etag" or nameof(YouthLeague.Auth.AccountEntity.NoticesReadTag))).Order().Select(k => $"{k}={e[k]}"));
            }
        }

        foreach (var b in new BlobContainerClient(azurite.ConnectionString, "evidence").GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None))
        {
            all["evidence/" + b.Name] = b.Properties.ContentLength?.ToString() ?? "";
        }

        return all;
    }
}
