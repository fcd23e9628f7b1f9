using Microsoft.Playwright;
using Xunit.Sdk;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Browser;

/// <summary>A person registers in the browser, fills in the record, and sees what he or she is entitled to.</summary>
public sealed class RegistryBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Tier7 = "quzhou.allowance.tier7";

    private static async Task Fill(IPage page, string name, string value) => await page.Locator($"[name=\"{name}\"]").FillAsync(value);

    private static async Task Choose(IPage page, string name, string value) => await page.Locator($"select[name=\"{name}\"]").SelectOptionAsync(value);

    [Fact]
    public async Task A_PhD_registers_builds_the_record_and_sees_the_tier7_allowance_in_the_package_with_the_ID_masked()
    {
        var policy = app.Catalog.ById[Tier7];
        var expected = policy.Tests.First(t => t.Expect == "eligible" && t.Amount != null && t.ProfileJson.Contains("\"doctorate\"")).Amount!.Value;
        var id = TestAccounts.NewIdNumber(new DateOnly(1992, 3, 1));
        var page = await app.NewPageAsync();

        await page.GotoAsync(app.BaseUrl + "/account/register");
        await Fill(page, "Name", "陈博士");
        await Fill(page, "IdNumber", "33080219920301001X"); // wrong check digit first
        await Fill(page, "Mobile", TestAccounts.NewMobile());
        var userName = TestAccounts.UniqueName("phd");
        await Fill(page, "UserName", userName);
        await Fill(page, "Password", TestAccounts.Password);
        await Fill(page, "ConfirmPassword", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "注册并建档" }).ClickAsync();
        var errors = await page.Locator("[data-testid=form-errors]").InnerTextAsync();
        Assert.Contains("身份证", errors);
        Assert.Equal("", await page.Locator("[name=IdNumber]").InputValueAsync()); // the number is not echoed back

        await Fill(page, "IdNumber", id);
        await Fill(page, "Password", TestAccounts.Password);
        await Fill(page, "ConfirmPassword", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "注册并建档" }).ClickAsync();
        await page.WaitForURLAsync("**/me");
        Assert.Contains("注册成功", await page.Locator("main").InnerTextAsync());
        var shownId = await page.Locator("[data-testid=identifier]").InnerTextAsync();
        Assert.Equal(id[..3] + new string('*', 13) + id[^2..], shownId.Trim());
        Assert.DoesNotContain(id, await page.ContentAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "完善 / 修改档案" }).ClickAsync();
        await page.WaitForURLAsync("**/me/edit");
        await Choose(page, "education.level", "doctorate");
        await Choose(page, "education.fullTime", "true");
        await Choose(page, "education.doubleFirstClass", "true");
        await Fill(page, "education.graduationDate", "2020-06-30");
        await Choose(page, "work.city", "quzhou");
        await Choose(page, "work.county", "kecheng");
        await Choose(page, "employment.status", "employed");
        await Choose(page, "employment.fullTime", "true");
        await Fill(page, "employment.startDate", "2020-07-01");
        await Fill(page, "employment.serviceAgreementYears", "abc"); // a typing mistake
        await Choose(page, "employer.type", "enterprise");
        await Fill(page, "socialInsurance.startDate", "2020-07-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        Assert.Contains("应为数字", await page.Locator("#record-form").InnerTextAsync());
        Assert.Equal("doctorate", await page.Locator("select[name=\"education.level\"]").InputValueAsync()); // nothing typed is lost

        await Fill(page, "employment.serviceAgreementYears", "5");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await page.WaitForURLAsync("**/me#package");

        await page.GotoAsync(app.BaseUrl + "/me?date=2021-08-01");
        var allowance = page.Locator($"#package article.policy.eligible[data-policy=\"{Tier7}\"]");
        if (await allowance.CountAsync() != 1)
            throw new XunitException($"{Tier7} is not shown as eligible. Page text:\n{await page.Locator("main").InnerTextAsync()}");
        var text = await allowance.InnerTextAsync();
        Assert.Contains(policy.Title, text);
        Assert.Contains(TalentOne.Web.Infrastructure.Display.Number(expected), text);
        Assert.Contains(policy.Document.Number, text);
        Assert.Contains("符合条件但尚未申报", await page.Locator("#not-applied").InnerTextAsync());
        Assert.Contains("自行申报", await page.Locator("tr[data-fact=\"education.level\"]").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = "/tmp/me.png", FullPage = false });

        await page.GotoAsync(app.BaseUrl + "/me/history");
        var history = await page.Locator("[data-testid=history]").InnerTextAsync();
        Assert.Contains("最高学历", history);
        Assert.Contains("doctorate", history);
    }

    [Fact]
    public async Task The_login_page_tells_a_wrong_password_and_after_five_the_lockout_in_Chinese()
    {
        var t = await app.RegisteredTalentAsync();
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/account/login");
        for (int i = 1; i <= 5; i++)
        {
            await Fill(page, "UserName", t.UserName);
            await Fill(page, "Password", "Wrong-password-" + i);
            await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
            var message = await page.Locator("[data-testid=login-error]").InnerTextAsync();
            Assert.Contains(i < 5 ? "用户名或密码错误" : "锁定", message);
        }
        await Fill(page, "UserName", t.UserName);
        await Fill(page, "Password", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        Assert.Contains("锁定", await page.Locator("[data-testid=login-error]").InnerTextAsync());
    }

    [Fact]
    public async Task An_enterprise_user_signs_in_and_adds_a_colleague_who_then_signs_in_to_the_same_record()
    {
        var e = await app.RegisteredEnterpriseAsync(name: "衢州浏览器测试有限公司");
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/account/login?ReturnUrl=/me/users");
        await Fill(page, "UserName", e.UserName);
        await Fill(page, "Password", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForURLAsync("**/me/users");
        var colleague = TestAccounts.UniqueName("colleague");
        await Fill(page, "DisplayName", "财务专员");
        await Fill(page, "UserName", colleague);
        await Fill(page, "Password", "short");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加" }).ClickAsync();
        Assert.Contains("密码至少 10 位", await page.Locator("[data-testid=form-errors]").InnerTextAsync());
        await Fill(page, "Password", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "添加" }).ClickAsync();
        Assert.Contains(colleague, await page.Locator("[data-testid=users]").InnerTextAsync());

        var other = await app.NewPageAsync();
        await other.GotoAsync(app.BaseUrl + "/account/login");
        await Fill(other, "UserName", colleague);
        await Fill(other, "Password", TestAccounts.Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await other.WaitForURLAsync("**/me");
        Assert.Contains("衢州浏览器测试有限公司", await other.Locator("h1").InnerTextAsync());
    }
}
