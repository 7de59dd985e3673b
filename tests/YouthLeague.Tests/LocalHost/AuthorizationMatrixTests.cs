using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using YouthLeague.LocalHost;
using YouthLeague.Tests.Infrastructure;

namespace YouthLeague.Tests.LocalHost;

public enum Expect { Allowed, Unauthorized, Forbidden, ToLogin }

/// <summary>
/// Every HTTP route of functions.metadata × every kind of caller, against the local host on Azurite.
/// A route missing from <see cref="Matrix"/> fails the test: a new route must say who may call it.
/// "Allowed" means the access check let the call through (any status but 401/403).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuthorizationMatrixTests(Azurite azurite, ITestOutputHelper output)
{
    /// <summary>Callers: anonymous, secretaries, town reviewers, city staff, and the dispatch offices (下派办) of the village's town, of another town and of the city.</summary>
    public static readonly string[] Personas = ["anonymous", "secretaryHere", "secretaryElsewhere", "reviewerHere", "reviewerElsewhere", "city", "officeHere", "officeElsewhere", "officeCity"];

    private static Dictionary<string, Expect> Rule(params Expect[] byPersona)
    {
        Assert.Equal(Personas.Length, byPersona.Length);
        return Personas.Zip(byPersona).ToDictionary(p => p.First, p => p.Second);
    }

    private const Expect A = Expect.Allowed, U = Expect.Unauthorized, F = Expect.Forbidden, L = Expect.ToLogin;

    //                                                                        anon sec  sec' rev  rev' city | office: here else city
    private static readonly Dictionary<string, Expect> Public = Rule(A, A, A, A, A, A, A, A, A);
    private static readonly Dictionary<string, Expect> SignedIn = Rule(U, A, A, A, A, A, A, A, A);
    private static readonly Dictionary<string, Expect> VillageRead = Rule(U, A, F, A, F, A, A, F, A);
    private static readonly Dictionary<string, Expect> VillageSubmit = Rule(U, A, F, F, F, F, F, F, F);
    private static readonly Dictionary<string, Expect> VillageReview = Rule(U, F, F, A, F, A, F, F, F);
    private static readonly Dictionary<string, Expect> TownOrCity = Rule(U, F, F, A, A, A, A, A, A);
    private static readonly Dictionary<string, Expect> TownOrCityStaff = Rule(U, F, F, A, A, A, F, F, F);
    private static readonly Dictionary<string, Expect> TownHere = Rule(U, F, F, A, F, A, A, F, A);
    private static readonly Dictionary<string, Expect> VillagePage = Rule(L, A, F, A, F, A, A, F, A);
    private static readonly Dictionary<string, Expect> SecretaryPage = Rule(L, A, F, F, F, F, F, F, F);
    private static readonly Dictionary<string, Expect> TownPage = Rule(L, F, F, A, F, A, A, F, A);
    private static readonly Dictionary<string, Expect> ReviewPage = Rule(L, F, F, A, F, A, F, F, F);
    private static readonly Dictionary<string, Expect> CityOverview = Rule(L, F, F, F, F, A, F, F, A);
    private static readonly Dictionary<string, Expect> CityPage = Rule(L, F, F, F, F, A, F, F, F);
    private static readonly Dictionary<string, Expect> CityOnly = Rule(U, F, F, F, F, A, F, F, F);
    private static readonly Dictionary<string, Expect> SignedInPage = Rule(L, A, A, A, A, A, A, A, A);
    private static readonly Dictionary<string, Expect> SendsAnnouncements = Rule(L, F, F, A, A, A, F, F, F);
    private static readonly Dictionary<string, Expect> WrongPasswordForEveryone = Rule(U, U, U, U, U, U, U, U, U);

    /// <summary>Route → how to call it (the path gets {placeholders} filled) and the outcome per caller. Ordered: sign-outs last (the API one first: the page one then finds the session already ended).</summary>
    private static readonly (string Function, Func<Ctx, string, HttpRequestMessage> Request, Dictionary<string, Expect> Expected)[] Matrix =
    [
        ("Health", (c, _) => Get("/api/health"), Public),
        ("Login", (c, persona) => Json(HttpMethod.Post, "/api/auth/login", new { username = "nobody." + persona.ToLowerInvariant(), password = "wrong-1234" }), WrongPasswordForEveryone),
        ("Me", (c, _) => Get("/api/me"), SignedIn),
        ("ListNotices", (c, _) => Get("/api/notices"), SignedIn),
        ("ListFailedNotifications", (c, _) => Get($"/api/towns/{c.TownHere}/notifications/failed"), TownHere),
        ("ListTowns", (c, _) => Get("/api/towns"), SignedIn),
        ("ListVillages", (c, _) => Get("/api/villages"), SignedIn),
        ("GetChecklist", (c, _) => Get($"/api/checklists/2026/{c.Village}"), VillageRead),
        ("SubmitStep", (c, _) => Json(HttpMethod.Post, $"/api/checklists/2026/{c.Village}/steps/forum/submissions", new { }), VillageSubmit),
        ("ReviewStep", (c, _) => Json(HttpMethod.Post, $"/api/checklists/2026/{c.Village}/steps/forum/reviews", new { decision = "approve" }), VillageReview),
        ("GetLedger", (c, _) => Get($"/api/checklists/2026/{c.Village}/ledger"), VillageRead),
        ("ReplaceLedger", (c, _) => Json(HttpMethod.Put, $"/api/checklists/2026/{c.Village}/ledger", Array.Empty<object>()), VillageSubmit),
        ("ImportLedger", (c, _) => Form($"/api/checklists/2026/{c.Village}/ledger/import"), VillageSubmit),
        ("ExportLedger", (c, _) => Get($"/api/checklists/2026/{c.Village}/ledger.csv"), VillageRead),
        ("LedgerTemplate", (c, _) => Get("/api/ledger/template.csv"), SignedIn),
        ("GetEvidence", (c, _) => Get($"/api/evidence/2026/{c.Village}/abc/1"), VillageRead),
        ("CreateAccount", (c, p) => Json(HttpMethod.Post, "/api/accounts", new { username = $"mx-new-{c.Suffix}-{p.ToLowerInvariant()}", role = "secretary", scope = c.Village, displayName = "新书记" }), VillageReview),
        ("ResetAccount", (c, _) => new HttpRequestMessage(HttpMethod.Post, $"/api/accounts/{c.Spare}/reset"), VillageReview),
        ("DisableAccount", (c, _) => new HttpRequestMessage(HttpMethod.Post, $"/api/accounts/{c.Spare}/disable"), VillageReview),
        ("GrantOfficeReview", (c, _) => Json(HttpMethod.Post, $"/api/accounts/office.{c.TownElsewhere}/review-grant", new { granted = false }), CityOnly),
        ("ReassignSecretary", (c, p) => Json(HttpMethod.Post, $"/api/villages/{c.RotatingVillage}/secretary", new { username = $"mx-rot-{c.Suffix}-{p.ToLowerInvariant()}", displayName = "接任书记" }), VillageReview),
        ("GetProgress", (c, _) => Get("/api/progress/2026"), TownOrCity),
        ("ExportProgress", (c, _) => Get("/api/exports/2026/progress.xlsx"), TownOrCity),
        ("VillagePage", (c, _) => Get($"/villages/{c.Village}?year=2026"), VillagePage),
        ("StepFormPage", (c, _) => Get($"/villages/{c.Village}/steps/forum?year=2026"), SecretaryPage),
        ("StepFormSubmit", (c, _) => Form($"/villages/{c.Village}/steps/forum?year=2026", ("place", "x")), SecretaryPage),
        ("LedgerPage", (c, _) => Get($"/villages/{c.Village}/ledger?year=2026"), VillagePage),
        ("HandoverPage", (c, _) => Get($"/villages/{c.Village}/handover?year=2026"), VillagePage),
        ("ExportHandover", (c, _) => Get($"/api/exports/2026/villages/{c.Village}/handover.xlsx"), VillageRead),
        ("LedgerRowPage", (c, _) => Get($"/villages/{c.Village}/ledger/row?year=2026"), SecretaryPage),
        ("LedgerRowSubmit", (c, _) => Form($"/villages/{c.Village}/ledger/row?year=2026", ("row", "mx1"), ("name", "")), SecretaryPage),
        ("LedgerImportPage", (c, _) => Form($"/villages/{c.Village}/ledger/import?year=2026"), SecretaryPage),
        ("LedgerConsentPhotoUpload", (c, _) => Form($"/villages/{c.Village}/ledger/consent-photo?year=2026&row=mx1"), SecretaryPage),
        ("LedgerConsentPhoto", (c, _) => Get($"/villages/{c.Village}/ledger/consent-photo?row=mx1"), Rule(L, A, F, A, F, F, F, F, F)),
        ("TownPage", (c, _) => Get($"/towns/{c.TownHere}?year=2026"), TownPage),
        ("ReviewQueuePage", (c, _) => Get($"/towns/{c.TownHere}/reviews?year=2026"), ReviewPage),
        // The review pages with a further activity named (#18): the same rule as the step's own (the API route above reviews that).
        ("ReviewQueueApprove", (c, _) => Form($"/towns/{c.TownHere}/reviews?year=2026", ("item", $"{c.Village}|forum|mx-activity")), ReviewPage),
        ("ReviewPage", (c, _) => Get($"/villages/{c.Village}/steps/forum/review?year=2026&activity=mx-activity"), ReviewPage),
        ("ReviewSubmit", (c, _) => Form($"/villages/{c.Village}/steps/forum/review?year=2026", ("decision", "approve"), ("activity", "mx-activity")), ReviewPage),
        ("CityPage", (c, _) => Get("/city?year=2026"), CityOverview),
        ("MeetingPage", (c, _) => Get($"/towns/{c.TownHere}/meetings/4?year=2026"), TownPage),
        ("MeetingRecord", (c, _) => Form($"/towns/{c.TownHere}/meetings/4?year=2026", ("date", "")), Rule(L, F, F, A, F, F, A, F, A)),
        ("ExportAssessment", (c, _) => Get("/api/exports/2026/assessment.xlsx"), TownOrCity),
        ("ExportVolunteering", (c, _) => Get("/api/exports/2026/volunteering.csv"), TownOrCity),
        ("ExportMeetingPack", (c, _) => Get($"/api/exports/2026/meeting.xlsx?town={c.TownHere}&quarter=4"), TownHere),
        ("ExportLedgerRollup", (c, _) => Get($"/api/exports/2026/ledger.xlsx?town={c.TownHere}"), TownHere),
        ("GetYearDefinition", (c, _) => Get("/api/years/2026/definition"), SignedIn),
        ("PutYearDefinition", (c, _) => Json(HttpMethod.Put, "/api/years/2026/definition", new { year = 2026 }), CityOnly),
        ("PublishYearDefinition", (c, _) => new HttpRequestMessage(HttpMethod.Post, "/api/years/2026/definition/publish"), CityOnly),
        ("OpenYear", (c, _) => new HttpRequestMessage(HttpMethod.Post, "/api/years/2026/open"), CityOnly),
        ("GetYear", (c, _) => Get("/api/years/2026"), SignedIn),
        ("ListStuckChecklists", (c, _) => Get("/api/years/2026/stuck"), CityOnly),
        ("RestartStuckChecklist", (c, _) => new HttpRequestMessage(HttpMethod.Post, $"/api/years/2026/stuck/{c.Village}/restart"), CityOnly),
        ("ChangeClosingDate", (c, _) => Json(HttpMethod.Post, "/api/years/2026/closes-on", new { closesOn = "2027-02-28" }), CityOnly),
        ("ImportOrg", (c, _) => Form("/api/org/import?dryRun=true"), CityOnly),
        ("ExportInvites", (c, _) => Get("/api/org/invites.xlsx"), TownOrCityStaff),
        ("ReissueInvite", (c, _) => new HttpRequestMessage(HttpMethod.Post, $"/api/org/invites/{c.Spare}"), VillageReview),
        ("AddTown", (c, p) => Json(HttpMethod.Post, "/api/org/towns", new { name = $"新镇{c.Suffix}{p}" }), CityOnly),
        ("RenameTown", (c, _) => Json(HttpMethod.Put, $"/api/org/towns/{c.TownHere}", new { name = "甲镇" }), CityOnly),
        ("AddVillage", (c, p) => Json(HttpMethod.Post, "/api/org/villages", new { townId = c.TownHere, name = $"新村{p}" }), CityOnly),
        ("RenameVillage", (c, _) => Json(HttpMethod.Put, $"/api/org/villages/{c.RotatingVillage}", new { name = "轮换村" }), CityOnly),
        ("CloseVillage", (c, _) => Json(HttpMethod.Post, $"/api/org/villages/mx-{c.Suffix}-none/close", new { }), CityOnly),
        ("ListAudit", (c, _) => Get("/api/audit"), CityOnly),
        ("ExportAudit", (c, _) => Get("/api/audit.xlsx"), CityOnly),
        ("SetupPage", (c, _) => Get("/setup"), Public),
        ("YearAdminPage", (c, _) => Get("/admin/years/2026"), CityPage),
        ("YearAdminSubmit", (c, _) => Form("/admin/years/2026", ("intent", "none")), CityPage),
        ("AdminHomePage", (c, _) => Get("/admin"), CityPage),
        ("OrgAdminPage", (c, _) => Get("/admin/org"), CityPage),
        ("OrgAdminSubmit", (c, _) => Form("/admin/org", ("intent", "none")), CityPage),
        ("OrgImportPage", (c, _) => Get("/admin/org/import"), CityPage),
        ("OrgImportSubmit", (c, _) => Form("/admin/org/import", ("intent", "none")), CityPage),
        ("InvitesPage", (c, _) => Get("/admin/invites"), CityPage),
        ("InvitesReissue", (c, _) => Form("/admin/invites", ("username", "nobody")), CityPage),
        ("AuditPage", (c, _) => Get("/admin/audit"), CityPage),
        ("DefinitionPage", (c, _) => Get("/admin/years/2027/definition"), CityPage),
        ("DefinitionSubmit", (c, _) => Form("/admin/years/2027/definition", ("intent", "none")), CityPage),
        ("SetupSubmit", (c, _) => Json(HttpMethod.Post, "/setup", new { secret = "x" }), Public),
        ("HomePage", (c, _) => Get("/"), SignedInPage),
        ("LoginPage", (c, _) => Get("/login"), Public),
        ("StaticFile", (c, _) => Get(YouthLeague.Web.StaticAssets.Stylesheet.Url), Public),
        ("Favicon", (c, _) => Get("/favicon.ico"), Public),
        ("LoginForm", (c, _) => Form("/login", ("username", "nobody"), ("password", "x")), Public),
        ("InvitePage", (c, _) => Get("/invite/" + new string('a', 48)), Public),
        ("InviteForm", (c, _) => Form("/invite/" + new string('a', 48), ("password", "abcd1234"), ("confirm", "abcd1234")), Public),
        ("MarkNoticesRead", (c, _) => new HttpRequestMessage(HttpMethod.Post, "/api/notices/read"), SignedIn),
        ("NoticesPage", (c, _) => Get("/notices"), SignedInPage),
        ("NoticesMarkRead", (c, _) => Form("/notices/read"), SignedInPage),
        ("AnnouncementsPage", (c, _) => Get("/announcements"), SendsAnnouncements),
        ("AnnouncementSend", (c, _) => Form("/announcements", ("title", "")), SendsAnnouncements),
        ("AnnouncementPage", (c, _) => Get("/announcements/0000000000000000000abcdef"), SignedInPage),
        ("AnnouncementAttachment", (c, _) => Get("/announcements/0000000000000000000abcdef/attachment"), SignedInPage),
        ("Logout", (c, _) => new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout"), SignedIn),
        ("LogoutForm", (c, _) => Form("/logout"), Rule(L, L, L, L, L, L, L, L, L)),
    ];

    public sealed record Ctx(string Village, string RotatingVillage, string Spare, string Suffix, string TownHere, string TownElsewhere);

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) => new(method, path) { Content = JsonContent.Create(body) };

    private static HttpRequestMessage Form(string path, params (string, string)[] fields) =>
        new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))) };

    [Fact]
    public void Matrix_CoversEveryHttpRouteOfFunctionsMetadata()
    {
        var routes = FunctionCatalog.Read(Path.Combine(AppContext.BaseDirectory, "functions.metadata"))
            .Where(f => f.Trigger.Type == FunctionCatalog.HttpTrigger)
            .Select(f => f.Name)
            .Order()
            .ToList();
        Assert.Equal(routes, Matrix.Select(m => m.Function).Order().ToList());
    }

    [Fact]
    public async Task EveryRoute_EveryCaller_GetsTheExpectedOutcome()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (townA, townB) = ("mxa" + suffix, "mxb" + suffix);
        var (here, elsewhere, rotating) = ($"mx-{suffix}-here", $"mx-{suffix}-else", $"mx-{suffix}-rot");
        var seedPath = Path.Combine(Path.GetTempPath(), $"yl-matrix-{suffix}.json");
        File.WriteAllText(seedPath, JsonSerializer.Serialize(new
        {
            city = new { id = "zoucheng", name = "邹城市", account = new { username = "city", name = "团市委" } },
            towns = new[]
            {
                new { id = townA, name = "甲镇", reviewer = new { username = "town." + townA, name = "甲镇审核员" } },
                new { id = townB, name = "乙镇", reviewer = new { username = "town." + townB, name = "乙镇审核员" } },
            },
            villages = new[]
            {
                new { id = here, townId = townA, name = "本村", sample = true, secretary = new { username = "sec." + here, name = "本村书记" } },
                new { id = elsewhere, townId = townB, name = "他村", sample = true, secretary = new { username = "sec." + elsewhere, name = "他村书记" } },
                new { id = rotating, townId = townA, name = "轮换村", sample = true, secretary = new { username = "sec." + rotating, name = "轮换村书记" } },
            },
        }));
        await using var host = new LocalHostProcess(azurite.ConnectionString, "mx" + suffix, new Dictionary<string, string>
        {
            ["LocalHost:SeedDemo"] = "true",
            ["YouthLeague:DemoSeed"] = seedPath,
            ["YouthLeague:DemoYear"] = "2026",
        });
        await host.StartAsync();

        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = host.Http,
            ["secretaryHere"] = await host.SignedInAsync("sec." + here),
            ["secretaryElsewhere"] = await host.SignedInAsync("sec." + elsewhere),
            ["reviewerHere"] = await host.SignedInAsync("town." + townA),
            ["reviewerElsewhere"] = await host.SignedInAsync("town." + townB),
            ["city"] = await host.SignedInAsync("city"),
            ["officeHere"] = await host.SignedInAsync("office." + townA),
            ["officeElsewhere"] = await host.SignedInAsync("office." + townB),
            ["officeCity"] = await host.SignedInAsync("office"),
        };

        // An account the reset/disable rows may act on, so that no persona loses its own access midway.
        using (var create = await clients["city"].PostAsJsonAsync("/api/accounts", new { username = $"mx-spare-{suffix}", role = "secretary", scope = here, displayName = "备用" }))
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        }

        var ctx = new Ctx(here, rotating, $"mx-spare-{suffix}", suffix, townA, townB);
        var failures = new List<string>();
        var cells = 0;
        foreach (var (function, request, expected) in Matrix)
        {
            foreach (var persona in Personas)
            {
                using var message = request(ctx, persona);
                using var response = await clients[persona].SendAsync(message);
                var actual = response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => Expect.Unauthorized,
                    HttpStatusCode.Forbidden => Expect.Forbidden,
                    HttpStatusCode.Redirect when response.Headers.Location?.OriginalString == "/login" => Expect.ToLogin,
                    _ => Expect.Allowed,
                };
                cells++;
                if (actual != expected[persona])
                {
                    failures.Add($"{function} as {persona}: expected {expected[persona]}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        output.WriteLine($"{cells} cells checked ({Matrix.Length} routes × {Personas.Length} callers)");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Once the city grants it, the town's dispatch office may review (its own town only); taken back, it may not.
        // (The sign-out rows above ended every session: sign in again.)
        clients["city"] = await host.SignedInAsync("city");
        clients["officeHere"] = await host.SignedInAsync("office." + townA);
        using (var grant = await clients["city"].PostAsJsonAsync($"/api/accounts/office.{townA}/review-grant", new { granted = true }))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }

        Assert.NotEqual(HttpStatusCode.Forbidden, await StatusAsync(clients["officeHere"], Json(HttpMethod.Post, $"/api/checklists/2026/{here}/steps/forum/reviews", new { decision = "approve" })));
        Assert.NotEqual(HttpStatusCode.Forbidden, await StatusAsync(clients["officeHere"], Get($"/towns/{townA}/reviews?year=2026")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(clients["officeHere"], Json(HttpMethod.Post, $"/api/checklists/2026/{elsewhere}/steps/forum/reviews", new { decision = "approve" })));
        using (var revoke = await clients["city"].PostAsJsonAsync($"/api/accounts/office.{townA}/review-grant", new { granted = false }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(clients["officeHere"], Json(HttpMethod.Post, $"/api/checklists/2026/{here}/steps/forum/reviews", new { decision = "approve" })));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpRequestMessage message)
    {
        using (message)
        using (var response = await client.SendAsync(message))
        {
            return response.StatusCode;
        }
    }
}
