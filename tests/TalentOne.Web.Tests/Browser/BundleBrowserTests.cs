using Microsoft.Extensions.DependencyInjection;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Browser;

/// <summary>A graduate in Hangzhou opens the 大学生创新创业“一件事”, ticks 公租房货币补贴 in the 自选超市 and gets one
/// combined form: the prerequisites added, the order (参保 ∥ 落户, then the subsidy), the materials once, the saving.</summary>
public sealed class BundleBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Ticking_an_item_gives_one_combined_form_with_its_prerequisites_and_order()
    {
        // the test catalog holds only the Quzhou policies; the Hangzhou items pay out Hangzhou policies
        await app.UseAllPoliciesAsync();

        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/bundles");
        await page.Locator("a[href=\"/bundles/hangzhou.graduate_startup\"]").ClickAsync();
        await page.WaitForURLAsync("**/bundles/hangzhou.graduate_startup");
        await page.Locator("#pick-hz\\.grad\\.public_rental_cash").CheckAsync();
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "生成合并表单" }).ClickAsync();

        var plan = await page.Locator("#plan").InnerTextAsync();
        Assert.Contains("3 张表 · ", plan);
        Assert.Contains("→ 1 张表 · ", plan);
        Assert.Contains("已自动加入前置事项：大学生参保登记", plan);
        Assert.Contains("并联", plan);
        Assert.Contains("居民身份证", plan);
        Assert.Contains("可承诺免提交", plan);
        Assert.True(await page.Locator("#pick-hz\\.grad\\.public_rental_cash").IsCheckedAsync(), "the choice stays ticked");

        // a wrong ID number is named on the form
        await page.Locator("[id=\"f-applicant.idNumber\"]").FillAsync("123");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "检查填写" }).ClickAsync();
        Assert.Contains("“公民身份号码”格式不正确", await page.Locator("main").InnerTextAsync());
    }
}
