using Microsoft.Playwright;
using TalentOne.Web.Tests.Infrastructure;
using TalentOne.Web.Tests.Registry;

namespace TalentOne.Web.Tests.Browser;

/// <summary>Two-step sign-in (两步验证) in a real browser: a talent turns it on with an authenticator code on 账号安全,
/// then signing in asks for the code after the password; a wrong code is refused in Chinese.</summary>
public sealed class TwoFactorBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static async Task<string> MainText(IPage page) => await page.Locator("main").InnerTextAsync();

    private async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync(app.BaseUrl + "/account/login");
        await page.Locator("[name=\"UserName\"]").FillAsync(userName);
        await page.Locator("[name=\"Password\"]").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
    }

    [Fact]
    public async Task A_talent_turns_on_two_step_sign_in_and_then_needs_the_code_after_the_password()
    {
        var who = await app.RegisteredTalentAsync();
        var page = await app.NewPageAsync();
        await SignInAsync(page, who.UserName);
        await page.WaitForURLAsync(u => !u.Contains("/account/login"));

        await page.GotoAsync(app.BaseUrl + "/account/security");
        Assert.Equal("未开启", await page.Locator("[data-testid='2fa-status']").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "开启两步验证" }).ClickAsync();
        var key = (await page.Locator("[data-testid='2fa-key']").InnerTextAsync()).Trim();
        await page.Locator("[name=\"Code\"]").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认开启" }).ClickAsync();
        Assert.Contains("动态码", await page.Locator("[role=alert]").InnerTextAsync());
        Assert.Equal("未开启", await page.Locator("[data-testid='2fa-status']").InnerTextAsync());
        // the page shows a key again after a wrong code: type the code for the key now shown
        if (await page.Locator("[data-testid='2fa-key']").CountAsync() == 0)
            await page.GetByRole(AriaRole.Button, new() { Name = "开启两步验证" }).ClickAsync();
        key = (await page.Locator("[data-testid='2fa-key']").InnerTextAsync()).Trim();
        await page.Locator("[name=\"Code\"]").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "确认开启" }).ClickAsync();
        Assert.Equal("已开启", await page.Locator("[data-testid='2fa-status']").InnerTextAsync());

        await page.Context.ClearCookiesAsync();
        await SignInAsync(page, who.UserName);
        await page.WaitForURLAsync("**/account/login-2fa**");
        Assert.Contains("6 位动态码", await MainText(page));
        await page.Locator("[name=\"Code\"]").FillAsync("123456" == Totp.Code(key) ? "654321" : "123456");
        await page.GetByRole(AriaRole.Button, new() { Name = "验证并登录" }).ClickAsync();
        Assert.Contains("动态码", await page.Locator("[role=alert]").InnerTextAsync());
        await page.Locator("[name=\"Code\"]").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "验证并登录" }).ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("/account/login"));
        await page.GotoAsync(app.BaseUrl + "/me");
        Assert.Contains(who.Name, await MainText(page));
    }
}
