using Microsoft.Playwright;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Browser;

/// <summary>The talent office corrects a day of the working calendar in the browser; everyone sees it on /calendar.</summary>
public sealed class CalendarBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static async Task Fill(IPage page, string name, string value) => await page.Locator($"[name=\"{name}\"]").FillAsync(value);

    [Fact]
    public async Task An_administrator_marks_a_day_as_a_holiday_and_the_public_calendar_shows_it()
    {
        var admin = await app.CreateStaffAsync(Roles.Admin);
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/account/login");
        await Fill(page, "UserName", admin.UserName!);
        await Fill(page, "Password", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("/account/login"));

        await page.GotoAsync(app.BaseUrl + "/admin/calendar?year=2024");
        await Fill(page, "Date", "2024-13-01");
        await Fill(page, "Reason", "测试");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存调整" }).ClickAsync();
        Assert.Contains("不是有效日期", await page.Locator("[data-testid=form-errors]").InnerTextAsync());

        await Fill(page, "Date", "2024-02-09");
        await page.Locator("select[name=Kind]").SelectOptionAsync("holiday");
        await Fill(page, "Reason", "除夕，本市统一安排休息（测试）");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存调整" }).ClickAsync();
        Assert.Contains("已将 2024-02-09 调整为“放假”", await page.Locator("main").InnerTextAsync());
        Assert.Contains("除夕，本市统一安排休息", await page.Locator("[data-testid=overrides]").InnerTextAsync());

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync(app.BaseUrl + "/calendar?year=2024");
        var eve = visitor.Locator("td[data-date=\"2024-02-09\"]");
        Assert.Contains("休", await eve.InnerTextAsync());
        Assert.Contains("cal-overridden", await eve.GetAttributeAsync("class"));
        Assert.Contains("班", await visitor.Locator("td[data-date=\"2024-02-18\"]").InnerTextAsync());
        Assert.Contains("2024-02-09（星期五）调整为放假：除夕，本市统一安排休息", await visitor.Locator("[data-testid=calendar-overrides]").InnerTextAsync());
        Assert.Equal(12, await visitor.Locator("table.cal-month").CountAsync());
        await visitor.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "talentone-calendar-2024.png"), FullPage = true });
    }
}
