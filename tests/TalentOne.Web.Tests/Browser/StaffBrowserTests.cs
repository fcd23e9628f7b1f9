using Microsoft.Playwright;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Browser;

/// <summary>Window staff at work in the browser: register a person at the window, verify a fact from a material.</summary>
public sealed class StaffBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static async Task Fill(IPage page, string name, string value) => await page.Locator($"[name=\"{name}\"]").FillAsync(value);

    [Fact]
    public async Task Window_staff_register_a_person_and_verify_the_degree_from_the_certificate()
    {
        var clerk = await app.CreateStaffAsync(Roles.Window, "quzhou.hrss");
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/account/login");
        await Fill(page, "UserName", clerk.UserName!);
        await Fill(page, "Password", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForURLAsync("**/staff");

        await page.GetByRole(AriaRole.Link, new() { Name = "代为建档" }).ClickAsync();
        var id = TestAccounts.NewIdNumber(new DateOnly(1986, 4, 12));
        await Fill(page, "Name", "窗口建档人");
        await Fill(page, "IdNumber", id);
        await Fill(page, "Mobile", "12345");
        await page.GetByRole(AriaRole.Button, new() { Name = "建档" }).ClickAsync();
        Assert.Contains("手机号", await page.Locator("[data-testid=form-errors]").InnerTextAsync());
        await Fill(page, "IdNumber", id);
        await Fill(page, "Mobile", TestAccounts.NewMobile());
        await page.GetByRole(AriaRole.Button, new() { Name = "建档" }).ClickAsync();
        await page.WaitForURLAsync("**/staff/records/*");
        Assert.Contains("已建档", await page.Locator("main").InnerTextAsync());
        Assert.DoesNotContain(id, await page.ContentAsync());

        await page.Locator("input[name=Verify][value=\"education.level\"]").CheckAsync();
        await page.Locator("select[name=\"education.level\"]").SelectOptionAsync("doctorate");
        await Fill(page, "Material", "博士学位证书（学信网核验）");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认核验" }).ClickAsync();
        Assert.Contains("已核验 1 项", await page.Locator("main").InnerTextAsync());
        var row = await page.Locator("tr[data-fact=\"education.level\"]").InnerTextAsync();
        Assert.Contains("部门核验", row);
        Assert.Contains("衢州市人力社保局", row);
        Assert.Contains("博士学位证书", row);
    }
}
