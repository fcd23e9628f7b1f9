using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;
using TalentOne.Web.Tests.Sweeps;

namespace TalentOne.Web.Tests.Supervision;

/// <summary>The supervision test host (its own clock and items) on Kestrel, with headless Chromium (see BrowserApp).</summary>
public sealed class SupervisionBrowserApp : SqliteApp, ISupervisionApp, IAsyncLifetime
{
    private IPlaywright? _playwright;

    public SupervisionBrowserApp()
    {
        SupervisionCatalog.Install(CatalogRoot);
        UseKestrel(0);
    }

    public ManualClock Clock { get; } = SupervisionCatalog.NewClock();
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        SupervisionCatalog.UseClock(builder, Clock);
    }

    public async Task InitializeAsync()
    {
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "localhost").Replace("0.0.0.0", "localhost").TrimEnd('/');
        var chromium = Environment.GetEnvironmentVariable("TALENTONE_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"Browser tests need Chromium at {chromium} (or TALENTONE_CHROMIUM)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--lang=zh-CN"],
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser != null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await DisposeAsync();
    }
}

/// <summary>A reviewer sees the alert above the queue and the month's report, downloads it; the talent office sees
/// the open cards by department — in a real browser (CSP, forms, links).</summary>
public sealed class SupervisionBrowserTests(SupervisionBrowserApp app) : IClassFixture<SupervisionBrowserApp>
{
    private async Task<IPage> SignedInAsync(string userName)
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(app.BaseUrl + "/account/login");
        await page.Locator("[name=UserName]").FillAsync(userName);
        await page.Locator("[name=Password]").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForLoadStateAsync();
        return page;
    }

    /// <summary>Accepted Wednesday 2021-09-29 (5 working days, due Tuesday 12 Oct) and never claimed: on Monday 11 Oct
    /// the item is yellow and its 受理认领 step (due 30 Sep) red; the card job records both that day.</summary>
    [Fact]
    public async Task A_reviewer_sees_the_alert_and_the_monthly_report_and_the_talent_office_the_open_cards()
    {
        var admin = (await app.CreateStaffAsync(Roles.Admin)).UserName!;
        var reviewer = (await app.CreateStaffAsync(Roles.Reviewer, "lishui.hrss")).UserName!;
        var who = await app.RegisteredTalentAsync();
        app.Clock.Now = ManualClock.China(new DateOnly(2021, 9, 29));
        var talent = await app.LoginAsync(who.UserName);
        var c = await (await talent.PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["bundleId"] = "sv.all", ["items"] = new JsonArray("sv.five"), ["values"] = new JsonObject(), ["materials"] = new JsonObject(),
            ["clientKey"] = Guid.NewGuid().ToString("N"),
        })).ExpectJsonAsync(HttpStatusCode.Created, "applying");
        app.Clock.Now = ManualClock.China(new DateOnly(2021, 10, 11));
        await (await (await app.LoginAsync(admin)).PostAsync("/api/v1/cases/daily", null)).ExpectAsync(HttpStatusCode.OK, "the daily jobs");

        var page = await SignedInAsync(reviewer);
        await page.GotoAsync(app.BaseUrl + "/review/tasks");
        var alert = page.Locator("[data-testid=supervision-alert]");
        Assert.Contains("红牌 1 张（事项 0、环节 1），黄牌 1 张（事项 1、环节 0）", await alert.InnerTextAsync());
        var row = page.Locator($"[data-testid=tasks] tr[data-case=\"{c["id"]}\"]");
        Assert.Contains("受理认领", await row.Locator(".task-step").InnerTextAsync());
        Assert.Equal(1, await row.Locator(".task-step .badge.deadline-red").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "talentone-supervision-queue.png"), FullPage = true });

        await page.GotoAsync(app.BaseUrl + "/supervision");
        await page.Locator("#f-month").FillAsync("2021-10");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("2021 年 10 月", await page.Locator("[data-testid=monthly-report] h2").InnerTextAsync());
        Assert.Equal("1 / 0", await page.Locator("[data-figure=yellow]").InnerTextAsync());
        Assert.Equal("0 / 1", await page.Locator("[data-figure=red]").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "talentone-supervision-report.png"), FullPage = true });
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByText("导出 Excel").ClickAsync());
        Assert.Equal("supervision-lishui.hrss-2021-10.xlsx", download.SuggestedFilename);

        var office = await SignedInAsync(admin);
        await office.GotoAsync(app.BaseUrl + "/supervision/cards");
        var section = office.Locator("[data-department=\"lishui.hrss\"]");
        Assert.Contains("红牌 1（事项 0、环节 1）", await section.InnerTextAsync());
        Assert.Contains("2021-10-11", await section.InnerTextAsync()); // first recorded by the job
        await office.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "talentone-supervision-cards.png"), FullPage = true });
    }
}
