using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Browser;

/// <summary>The real app on Kestrel (a free port on localhost) and a headless Chromium driven by Playwright.
/// Chromium comes from the system (Debian's package): /usr/bin/chromium, or TALENTONE_CHROMIUM.</summary>
public sealed class BrowserApp : SqliteApp, IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    public BrowserApp() => UseKestrel(0);

    public async Task InitializeAsync()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reports no address");
        BaseUrl = addresses.First().Replace("[::]", "localhost").Replace("0.0.0.0", "localhost").TrimEnd('/');

        var chromium = Environment.GetEnvironmentVariable("TALENTONE_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"Browser tests need Chromium at {chromium} (set TALENTONE_CHROMIUM to use another path). " +
                "On Debian: apt-get install -y chromium fonts-wqy-microhei");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--lang=zh-CN"],
        });
    }

    /// <summary>Puts every policy file of the repository into this host's catalog copy (which holds only the Quzhou
    /// policies) and reloads it: the items of other cities pay out their own cities' policies.</summary>
    public async Task UseAllPoliciesAsync()
    {
        TestCatalog.AddAllPolicies(CatalogRoot);
        var load = await Services.GetRequiredService<TalentOne.Web.Features.Catalog.CatalogHolder>().LoadAsync("test", CancellationToken.None);
        if (!load.Succeeded) throw new InvalidOperationException(string.Join("\n", load.Errors));
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser != null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await DisposeAsync();
    }
}
