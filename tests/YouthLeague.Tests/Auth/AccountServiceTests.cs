using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using YouthLeague.Auth;
using YouthLeague.Storage;
using YouthLeague.Tests.Infrastructure;
using YouthLeague.Towns;

namespace YouthLeague.Tests.Auth;

/// <summary>Accounts, invites, lockout and tokens against real Table and Blob storage (Azurite), with a fake clock.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AccountServiceTests(Azurite azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 5, 1, 2, 0, 0, TimeSpan.Zero));
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private ServiceProvider services = null!;
    private AccountService accounts = null!;
    private Principal city = null!;

    private string Village => "acc-" + suffix;

    private string Town => "acct" + suffix;

    public async Task InitializeAsync()
    {
        services = Services(azurite.ConnectionString, clock);
        await services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        accounts = services.GetRequiredService<AccountService>();
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

        var first = await accounts.AcceptInviteAsync(created.InviteToken!, "abcd1234");
        var second = await accounts.AcceptInviteAsync(created.InviteToken!, "other5678");

        Assert.Equal(SignInOutcome.SignedIn, first!.Outcome);
        Assert.Null(second);
        Assert.Contains("已经使用", (await accounts.FindInviteAsync(created.InviteToken)).Problem);
        Assert.Equal(SignInOutcome.SignedIn, (await accounts.SignInAsync("inv1-" + suffix, "abcd1234")).Outcome);
        Assert.Equal(SignInOutcome.WrongCredentials, (await accounts.SignInAsync("inv1-" + suffix, "other5678")).Outcome);
    }

    [Fact]
    public async Task AcceptInvite_AfterItExpired_Refused()
    {
        var created = await accounts.CreateAsync(city, "inv2-" + suffix, Roles.Secretary, Village, "新书记");
        clock.Advance(AccountService.InviteLifetime + TimeSpan.FromMinutes(1));

        Assert.Null(await accounts.AcceptInviteAsync(created.InviteToken!, "abcd1234"));
        Assert.Contains("过期", (await accounts.FindInviteAsync(created.InviteToken)).Problem);
    }

    [Fact]
    public async Task SignIn_RepeatedWrongPasswords_LocksOutEvenTheRightOneUntilItExpires()
    {
        var user = "sec." + Village;
        for (var i = 0; i < AccountService.MaxFailedSignIns - 1; i++)
        {
            Assert.Equal(SignInOutcome.WrongCredentials, (await accounts.SignInAsync(user, "wrong-" + i)).Outcome);
        }

        Assert.Equal(SignInOutcome.LockedOut, (await accounts.SignInAsync(user, "wrong-last")).Outcome);
        Assert.Equal(SignInOutcome.LockedOut, (await accounts.SignInAsync(user, "demo-pass-1")).Outcome);

        clock.Advance(AccountService.LockoutDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(SignInOutcome.SignedIn, (await accounts.SignInAsync(user, "demo-pass-1")).Outcome);
    }

    [Fact]
    public async Task Resolve_ForgedOrTamperedOrReplayedToken_IsRefused()
    {
        var signIn = await accounts.SignInAsync("sec." + Village, "demo-pass-1");
        var token = signIn.Token!;
        Assert.NotNull(await accounts.ResolveAsync(token));

        // Same signature, payload claiming to be the city account.
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(parts[0].Replace('-', '+').Replace('_', '/').PadRight((parts[0].Length + 3) / 4 * 4, '=')));
        var forged = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload.Replace("sec." + Village, "city." + suffix, StringComparison.Ordinal)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[1];
        Assert.Null(await accounts.ResolveAsync(forged));
        Assert.Null(await accounts.ResolveAsync("not-a-token"));
        Assert.Null(await accounts.ResolveAsync(parts[0] + "." + new string('A', parts[1].Length)));

        // After sign-out the same token, replayed, opens nothing.
        await accounts.SignOutAsync("sec." + Village);
        Assert.Null(await accounts.ResolveAsync(token));

        // Expired tokens are refused too.
        var fresh = (await accounts.SignInAsync("sec." + Village, "demo-pass-1")).Token!;
        clock.Advance(SessionTokens.Lifetime + TimeSpan.FromMinutes(1));
        Assert.Null(await accounts.ResolveAsync(fresh));
    }

    [Fact]
    public async Task ReassignSecretary_Rotation_OldSecretaryLosesAccessNewOneGetsInvite()
    {
        var reviewer = new Principal("town." + Town, Roles.Town, Town, Town);
        var oldToken = (await accounts.SignInAsync("sec." + Village, "demo-pass-1")).Token!;

        var change = await accounts.ReassignSecretaryAsync(reviewer, Village, "new-" + suffix, "接任书记");

        Assert.Equal(201, change.Status);
        Assert.Null(await accounts.ResolveAsync(oldToken));
        Assert.Equal(SignInOutcome.Disabled, (await accounts.SignInAsync("sec." + Village, "demo-pass-1")).Outcome);
        Assert.Equal("new-" + suffix, (await services.GetRequiredService<DirectoryService>().FindVillageAsync(Village))!.Secretary.Username);
        var accepted = await accounts.AcceptInviteAsync(change.InviteToken!, "jieren123");
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
