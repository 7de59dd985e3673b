using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Auth;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;

namespace YouthLeague.Tests.Auth;

/// <summary>Accounts, invites, sign-in throttling and tokens against real Table and Blob storage (Azurite), with a fake clock.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AccountServiceTests(Azurite azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 5, 1, 2, 0, 0, TimeSpan.Zero));
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private ServiceProvider services = null!;
    private AccountService accounts = null!;
    private SignInService signIn = null!;
    private Sessions sessions = null!;
    private Invites invites = null!;
    private Principal city = null!;

    private string Village => "acc-" + suffix;

    /// <summary>The client address every attempt here comes from, unless a test says otherwise.</summary>
    private string Client => "10.0.0.1-" + suffix;

    private string Town => "acct" + suffix;

    public async Task InitializeAsync()
    {
        services = Services(azurite.ConnectionString, clock);
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        accounts = services.GetRequiredService<AccountService>();
        signIn = services.GetRequiredService<SignInService>();
        sessions = services.GetRequiredService<Sessions>();
        invites = services.GetRequiredService<Invites>();
        var seed = new DemoSeed(
            new CitySeed("zoucheng", "邹城市", new PersonSeed("city." + suffix, "市")),
            [new TownSeed(Town, "测试镇", new PersonSeed("town." + Town, "审核员"))],
            [new VillageSeed(Village, Town, "测试村", true, new PersonSeed("sec." + Village, "书记"))]);
        await services.GetRequiredService<DirectoryService>().UpsertAsync(seed);
        await accounts.SeedDemoAsync(seed, "demo-pass-1");
        city = new Principal("city." + suffix, Roles.City, "zoucheng", "zoucheng");
    }

    public static ServiceProvider Services(string connection, TimeProvider clock, IDictionary<string, string?>? settings = null)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connection, ["YouthLeague:ChecklistFolder"] = TestData.ChecklistFolder })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var collection = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddYouthLeague(config);
        collection.AddSingleton(clock);
        return collection.BuildServiceProvider();
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task AcceptInvite_UsedTwice_SecondTimeRefused()
    {
        var created = await accounts.CreateAsync(city, "inv1-" + suffix, Roles.Secretary, Village, "新书记");
        Assert.Equal(201, created.Status);

        var first = await invites.AcceptAsync(created.InviteToken!, "abcd1234");
        var second = await invites.AcceptAsync(created.InviteToken!, "other5678");

        Assert.Equal(SignInOutcome.SignedIn, first!.Outcome);
        Assert.Null(second);
        Assert.Contains("已经使用", (await invites.FindAsync(created.InviteToken)).Problem);
        Assert.Equal(SignInOutcome.SignedIn, (await signIn.SignInAsync(Client, "inv1-" + suffix, "abcd1234")).Outcome);
        Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.SignInAsync(Client, "inv1-" + suffix, "other5678")).Outcome);
    }

    [Fact]
    public async Task AcceptInvite_AfterItExpired_Refused()
    {
        var created = await accounts.CreateAsync(city, "inv2-" + suffix, Roles.Secretary, Village, "新书记");
        clock.Advance(Invites.Lifetime + TimeSpan.FromMinutes(1));

        Assert.Null(await invites.AcceptAsync(created.InviteToken!, "abcd1234"));
        Assert.Contains("过期", (await invites.FindAsync(created.InviteToken)).Problem);
    }

    [Fact]
    public async Task SignIn_RepeatedWrongPasswords_LocksThatClientOutUntilItExpiresThenLongerAfterTheNextFailure()
    {
        var user = "sec." + Village;
        for (var i = 0; i < SignInThrottle.PerAccount; i++)
        {
            Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.SignInAsync(Client, user, "wrong-" + i)).Outcome);
        }

        Assert.Equal(SignInOutcome.LockedOut, (await signIn.SignInAsync(Client, user, "demo-pass-1")).Outcome);

        clock.Advance(SignInThrottle.FirstLock + TimeSpan.FromSeconds(1));
        Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.SignInAsync(Client, user, "wrong-again")).Outcome);
        var locked = await signIn.SignInAsync(Client, user, "demo-pass-1");
        Assert.Equal(SignInOutcome.LockedOut, locked.Outcome);
        Assert.Equal(clock.GetUtcNow() + (2 * SignInThrottle.FirstLock), locked.LockedUntil);

        clock.Advance((2 * SignInThrottle.FirstLock) + TimeSpan.FromSeconds(1));
        Assert.Equal(SignInOutcome.SignedIn, (await signIn.SignInAsync(Client, user, "demo-pass-1")).Outcome);
        Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.SignInAsync(Client, user, "wrong-after-success")).Outcome);
    }

    [Fact]
    public async Task LoginPage_LockGrownLongerThan15Minutes_SaysTheRealRemainingTime()
    {
        // The page said "请 15 分钟后再试" whatever the lock: after a second lock (30 min), 10 minutes in, 20 are left.
        var user = "sec." + Village;
        var pages = services.GetRequiredService<SignInPages>();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = services };
        context.Connection.RemoteIpAddress = new System.Net.IPAddress([10, (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(1, 255)]);
        context.Request.Method = "POST";
        context.Request.Headers.Cookie = SignInPages.LoginAntiforgeryCookie + "=t0k3n";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"username={user}&password=demo-pass-1&{Access.AntiforgeryField}=t0k3n"));
        var client = services.GetRequiredService<SignInThrottle>().ClientOf(context.Request);
        for (var i = 0; i < SignInThrottle.PerAccount; i++)
        {
            await signIn.SignInAsync(client, user, "wrong-page-" + i); // the page's own client address, locked and grown alike
        }

        clock.Advance(SignInThrottle.FirstLock + TimeSpan.FromSeconds(1));
        await signIn.SignInAsync(client, user, "wrong-page-again");
        clock.Advance(TimeSpan.FromMinutes(10));

        var page = Assert.IsType<Microsoft.AspNetCore.Mvc.ContentResult>(await pages.LoginAsync(context.Request));

        Assert.Equal(429, page.StatusCode);
        var at = page.Content!.IndexOf("锁定", StringComparison.Ordinal);
        var notice = at < 0 ? page.Content : page.Content.Substring(at, Math.Min(40, page.Content.Length - at));
        Assert.True(notice.Contains("请 20 分钟后再试", StringComparison.Ordinal), notice);
        Assert.DoesNotContain("15 分钟", page.Content, StringComparison.Ordinal);
        Assert.InRange(int.Parse(context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1199, 1201);
    }

    [Theory]
    [InlineData(15, "15 分钟")]
    [InlineData(0.1, "1 分钟")]
    [InlineData(60, "1 小时")]
    [InlineData(125.5, "2 小时 6 分钟")]
    [InlineData(1440, "24 小时")]
    public void LockWording_RoundsUpToTheMinute(double minutes, string words) =>
        Assert.Equal(words, SignInThrottle.Wording(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public async Task Lockout_40ConcurrentWrongPasswords_AllCountAndOnlyFiveAreTried()
    {
        var user = "sec." + Village;
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => signIn.SignInAsync(Client, user, "wrong-" + i))));

        Assert.Equal(SignInThrottle.PerAccount, results.Count(r => r.Outcome == SignInOutcome.WrongCredentials));
        Assert.Equal(40 - SignInThrottle.PerAccount, results.Count(r => r.Outcome == SignInOutcome.LockedOut));
        Assert.Equal(SignInOutcome.LockedOut, (await signIn.SignInAsync(Client, user, "demo-pass-1")).Outcome);
    }

    [Fact]
    public async Task Lockout_StrangerLocksTheAccountFromTheirClient_RealUserFromAnotherClientStillSignsIn()
    {
        var user = "sec." + Village;
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => signIn.SignInAsync(Client, user, "guess-" + i))));

        var real = await signIn.SignInAsync("192.168.7.7-" + suffix, user, "demo-pass-1");
        Assert.Equal(SignInOutcome.SignedIn, real.Outcome);
        Assert.NotNull(await sessions.ResolveAsync(real.Token));
        Assert.Equal(SignInOutcome.LockedOut, (await signIn.SignInAsync(Client, user, "demo-pass-1")).Outcome);
    }

    [Fact]
    public async Task Lockout_OneClientSprayingManyUsernames_IsThrottledAcrossThem()
    {
        for (var i = 0; i < SignInThrottle.PerClient; i++)
        {
            Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.SignInAsync(Client, $"spray{i}-{suffix}", "wrong-1")).Outcome);
        }

        Assert.Equal(SignInOutcome.LockedOut, (await signIn.SignInAsync(Client, "sec." + Village, "demo-pass-1")).Outcome);
        Assert.Equal(SignInOutcome.SignedIn, (await signIn.SignInAsync("10.9.9.9-" + suffix, "sec." + Village, "demo-pass-1")).Outcome);
    }

    [Fact]
    public async Task Lockout_UnknownUsername_AnswersExactlyAsAKnownOne()
    {
        SignInOutcome[] Outcomes(IEnumerable<SignInResult> results) => [.. results.Select(r => r.Outcome)];
        var known = new List<SignInResult>();
        var unknown = new List<SignInResult>();
        for (var i = 0; i < SignInThrottle.PerAccount + 2; i++)
        {
            known.Add(await signIn.SignInAsync(Client, "sec." + Village, "wrong-" + i));
            unknown.Add(await signIn.SignInAsync(Client, "nobody-" + suffix, "wrong-" + i));
        }

        Assert.Equal(Outcomes(known), Outcomes(unknown));
        Assert.Contains(SignInOutcome.LockedOut, Outcomes(unknown));
    }

    [Fact]
    public async Task SignIn_DisabledAccount_SameAnswerForTheRightAndAWrongPassword()
    {
        var created = await accounts.CreateAsync(city, "dis-" + suffix, Roles.Secretary, Village, "书记");
        await invites.AcceptAsync(created.InviteToken!, "right1234");
        await accounts.DisableAsync(city, "dis-" + suffix);

        var right = await signIn.SignInAsync(Client, "dis-" + suffix, "right1234");
        var wrong = await signIn.SignInAsync(Client, "dis-" + suffix, "wrong1234");
        Assert.Equal(SignInOutcome.WrongCredentials, right.Outcome);
        Assert.Equal(right, wrong);
    }

    [Fact]
    public async Task Invites_ResetThenDisable_TheFirstInviteNoLongerSetsAPasswordOrReenables()
    {
        var user = "old-" + suffix;
        var first = (await accounts.CreateAsync(city, user, Roles.Secretary, Village, "书记")).InviteToken!;
        var second = (await accounts.ResetAsync(city, user)).InviteToken!;
        Assert.Equal(Invites.Revoked, (await invites.FindAsync(first)).Problem);

        Assert.Equal(200, (await accounts.DisableAsync(city, user)).Status);

        Assert.Null(await invites.AcceptAsync(first, "taken1234"));
        Assert.Null(await invites.AcceptAsync(second, "taken1234"));
        Assert.Equal(Invites.Revoked, (await invites.FindAsync(second)).Problem);
        var account = (await accounts.FindAsync(user))!;
        Assert.True(account.Disabled);
        Assert.Equal("", account.PasswordHash);
        Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.SignInAsync(Client, user, "taken1234")).Outcome);
        Assert.Equal(409, (await accounts.ResetAsync(city, user)).Status);
    }

    [Fact]
    public async Task Invites_ResetEndsSessions_AndAnInviteOpenedBeforeTheResetIsVoid()
    {
        var user = "ses-" + suffix;
        var created = await accounts.CreateAsync(city, user, Roles.Secretary, Village, "书记");
        var session = (await invites.AcceptAsync(created.InviteToken!, "first1234"))!.Token!;
        Assert.NotNull(await sessions.ResolveAsync(session));

        var reset = await accounts.ResetAsync(city, user);
        Assert.Null(await sessions.ResolveAsync(session));
        Assert.Equal(SignInOutcome.SignedIn, (await invites.AcceptAsync(reset.InviteToken!, "second1234"))!.Outcome);
    }

    [Fact]
    public async Task AcceptInvite_NoticeTagMergedIntoTheAccountMeanwhile_StillSetsThePassword()
    {
        // A notice queued for the account while its invite is accepted merges a tag into the account row (Outbox), so the
        // invite's replace meets another ETag: before, that voided the invite (used, and no password set).
        var user = "tag-" + suffix;
        var created = await accounts.CreateAsync(city, user, Roles.Secretary, Village, "书记");
        var tagger = new NoticeTagBeforeFirstReplace(azurite.ConnectionString, user);
        var options = new Azure.Data.Tables.TableClientOptions();
        options.AddPolicy(tagger, Azure.Core.HttpPipelinePosition.PerCall);
        var racedTables = new StorageClients(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString, options), services.GetRequiredService<StorageClients>().Blobs);
        var racedInvites = new Invites(new AccountTable(racedTables), services.GetRequiredService<SessionTokens>(), clock);

        var accepted = await racedInvites.AcceptAsync(created.InviteToken!, "tagged1234");

        Assert.True(tagger.Merged, "the notice tag was not merged in before the account's replace");
        Assert.Equal(SignInOutcome.SignedIn, accepted?.Outcome);
        Assert.Equal(SignInOutcome.SignedIn, (await signIn.SignInAsync(Client, user, "tagged1234")).Outcome);
    }

    /// <summary>Merges a notice tag into one account row just before the first replace (PUT) of that row goes out.</summary>
    private sealed class NoticeTagBeforeFirstReplace(string connection, string username) : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        public bool Merged { get; private set; }

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (!Merged && message.Request.Method == Azure.Core.RequestMethod.Put
                && Uri.UnescapeDataString(message.Request.Uri.ToString()).Contains($"{TableNames.Accounts}(PartitionKey='{AccountEntity.Partition}',RowKey='{username}')", StringComparison.Ordinal))
            {
                Merged = true;
                await new Azure.Data.Tables.TableClient(connection, TableNames.Accounts).UpdateEntityAsync(
                    new Azure.Data.Tables.TableEntity(AccountEntity.Partition, username) { [nameof(AccountEntity.NoticesTag)] = "raced" },
                    Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);
            }

            await ProcessNextAsync(message, pipeline);
        }
    }

    [Fact]
    public async Task Resolve_ForgedOrTamperedOrReplayedToken_IsRefused()
    {
        var signedIn = await signIn.SignInAsync(Client, "sec." + Village, "demo-pass-1");
        var token = signedIn.Token!;
        Assert.NotNull(await sessions.ResolveAsync(token));

        // Same signature, payload claiming to be the city account.
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length); // key id, payload, signature
        var payload = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(parts[1].Replace('-', '+').Replace('_', '/').PadRight((parts[1].Length + 3) / 4 * 4, '=')));
        var forged = parts[0] + "." + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload.Replace("sec." + Village, "city." + suffix, StringComparison.Ordinal)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];
        Assert.Null(await sessions.ResolveAsync(forged));
        Assert.Null(await sessions.ResolveAsync("not-a-token"));
        Assert.Null(await sessions.ResolveAsync(parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length)));
        Assert.Null(await sessions.ResolveAsync("k9." + parts[1] + "." + parts[2])); // a key id that is not accepted

        // After sign-out the same token, replayed, opens nothing.
        await sessions.SignOutAsync("sec." + Village);
        Assert.Null(await sessions.ResolveAsync(token));

        // Expired tokens are refused too.
        var fresh = (await signIn.SignInAsync(Client, "sec." + Village, "demo-pass-1")).Token!;
        clock.Advance(SessionTokens.Lifetime + TimeSpan.FromMinutes(1));
        Assert.Null(await sessions.ResolveAsync(fresh));
    }

    [Fact]
    public async Task SessionKey_Rotated_OldTokensWorkWhileTheirKeyIsAcceptedThenNot()
    {
        var old = (await signIn.SignInAsync(Client, "sec." + Village, "demo-pass-1")).Token!;
        var rotatedId = "r" + suffix;
        await using var rotated = Services(azurite.ConnectionString, clock, new Dictionary<string, string?>
        {
            ["YouthLeague:Auth:SigningKeyId"] = rotatedId,
            ["YouthLeague:Auth:AcceptedKeyIds"] = SessionTokens.LegacyKeyId,
        });
        var fresh = (await rotated.GetRequiredService<SignInService>().SignInAsync(Client, "sec." + Village, "demo-pass-1")).Token!;
        Assert.StartsWith(rotatedId + ".", fresh, StringComparison.Ordinal);
        Assert.NotNull(await rotated.GetRequiredService<Sessions>().ResolveAsync(old));
        Assert.NotNull(await rotated.GetRequiredService<Sessions>().ResolveAsync(fresh));
        Assert.Null(await sessions.ResolveAsync(fresh)); // a host that does not accept the new id yet refuses it

        await using var retired = Services(azurite.ConnectionString, clock, new Dictionary<string, string?> { ["YouthLeague:Auth:SigningKeyId"] = rotatedId });
        Assert.Null(await retired.GetRequiredService<Sessions>().ResolveAsync(old));
        Assert.NotNull(await retired.GetRequiredService<Sessions>().ResolveAsync(fresh));
    }

    [Fact]
    public async Task ReassignSecretary_Rotation_OldSecretaryLosesAccessNewOneGetsInvite()
    {
        var reviewer = new Principal("town." + Town, Roles.Town, Town, Town);
        var oldToken = (await signIn.SignInAsync(Client, "sec." + Village, "demo-pass-1")).Token!;

        var change = await accounts.ReassignSecretaryAsync(reviewer, Village, "new-" + suffix, "接任书记");

        Assert.Equal(201, change.Status);
        Assert.Null(await sessions.ResolveAsync(oldToken));
        Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.SignInAsync(Client, "sec." + Village, "demo-pass-1")).Outcome);
        var old = (await accounts.FindAsync("sec." + Village))!;
        Assert.True(old.Disabled);
        Assert.Equal("", old.Scope); // loses the village for good, even if someone re-enabled the row
        Assert.Equal(409, (await accounts.ResetAsync(reviewer, "sec." + Village)).Status);
        Assert.Equal("new-" + suffix, (await services.GetRequiredService<DirectoryService>().FindVillageAsync(Village))!.Secretary.Username);
        var accepted = await invites.AcceptAsync(change.InviteToken!, "jieren123");
        Assert.Equal(Village, accepted!.Principal!.Scope);
    }

    [Fact]
    public async Task CreateAsync_ReviewerOfAnotherTown_IsForbidden()
    {
        var other = new Principal("town.elsewhere", Roles.Town, "elsewhere", "elsewhere");
        Assert.Equal(403, (await accounts.CreateAsync(other, "x-" + suffix, Roles.Secretary, Village, "某人")).Status);
        Assert.Equal(403, (await accounts.CreateAsync(other, "y-" + suffix, Roles.Town, Town, "某人")).Status);
    }

    [Fact]
    public async Task DemoPasswordGuard_OnAzureWithDemoAccounts_RefusesToStart()
    {
        await using var azure = Services(azurite.ConnectionString, clock, new Dictionary<string, string?> { ["YouthLeague:Environment"] = "Azure" });
        var seed = new DemoSeed(new CitySeed("zoucheng", "邹城市", new PersonSeed("cityguard." + suffix, "市")), [], []);
        await azure.GetRequiredService<AccountService>().SeedDemoAsync(seed, DemoPasswordGuard.DefaultDemoPassword);
        var guard = azure.GetServices<IHostedService>().OfType<DemoPasswordGuard>().Single();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => guard.StartAsync(CancellationToken.None));
        Assert.Contains("demo", ex.Message, StringComparison.OrdinalIgnoreCase);

        await using var local = Services(azurite.ConnectionString, clock);
        await local.GetServices<IHostedService>().OfType<DemoPasswordGuard>().Single().StartAsync(CancellationToken.None);
    }
}
