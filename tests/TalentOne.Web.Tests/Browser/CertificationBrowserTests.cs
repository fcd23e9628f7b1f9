using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Certification;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Browser;

/// <summary>Staff certification approval in a real browser: a talent applies for Quzhou's third tier with two files, a
/// reviewer of the talent office signs in through the sign-in page, opens the queue, reads the application and approves
/// it; the talent then sees the certified tier and the allowance it brings.</summary>
public sealed class CertificationBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Route = "quzhou.tier3";
    private const string Policy = "quzhou.allowance.tier3";

    private static async Task SignInAsync(IPage page, string baseUrl, string userName, string returnUrl)
    {
        await page.GotoAsync($"{baseUrl}/account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.Locator("[name=UserName]").FillAsync(userName);
        await page.Locator("[name=Password]").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        try { await page.WaitForURLAsync("**" + returnUrl); }
        catch (TimeoutException)
        {
            throw new XunitException($"signing in as {userName} did not lead to {returnUrl} but to {page.Url}:\n{await page.Locator("main").InnerTextAsync()}");
        }
    }

    [Fact]
    public async Task A_reviewer_approves_a_tier_application_from_the_queue_and_the_talent_sees_the_certified_tier()
    {
        var talent = await app.RegisteredTalentAsync(CertificationScenarios.UniqueBirth(), name: "赵认定");
        var facts = new JsonObject { ["work.city"] = "quzhou", ["work.county"] = "kecheng", ["employment.status"] = "employed", ["employment.fullTime"] = true };
        var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/me/record")
        {
            Content = new StringContent(new JsonObject { ["facts"] = facts }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        await (await talent.Client.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK, "the talent declaring work in Quzhou");
        var reviewer = await app.CreateStaffAsync(Roles.Reviewer, "quzhou.talent_office");

        // The talent applies with two files.
        var talentPage = await app.NewPageAsync();
        await SignInAsync(talentPage, app.BaseUrl, talent.UserName, "/me/certification");
        var card = talentPage.Locator($"article.cert-route[data-route=\"{Route}\"]");
        Assert.Contains("符合申请条件", await card.InnerTextAsync());
        await card.Locator("summary").ClickAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "提交认定申请" }).ClickAsync(); // no files yet
        var refused = await talentPage.Locator($"article.cert-route[data-route=\"{Route}\"] [data-testid=apply-errors]").InnerTextAsync();
        Assert.Contains("缺少“相应层次人才证明材料”", refused);
        card = talentPage.Locator($"article.cert-route[data-route=\"{Route}\"]");
        await card.Locator("input[name=equivalence_proof]").SetInputFilesAsync(new FilePayload
            { Name = "国家引才计划证书.pdf", MimeType = "application/pdf", Buffer = CertificationScenarios.Pdf });
        await card.Locator("input[name=employment_contract]").SetInputFilesAsync(new FilePayload
            { Name = "劳动合同.png", MimeType = "image/png", Buffer = CertificationScenarios.Png });
        await card.GetByRole(AriaRole.Button, new() { Name = "提交认定申请" }).ClickAsync();
        await talentPage.WaitForSelectorAsync("[data-testid=flash]");
        Assert.Contains("认定申请已提交", await talentPage.Locator("[data-testid=flash]").InnerTextAsync());
        Assert.Contains("审核中", await talentPage.Locator($"article.cert-route[data-route=\"{Route}\"]").InnerTextAsync());

        // The reviewer signs in, opens the queue and the application, and approves.
        var page = await app.NewPageAsync();
        await SignInAsync(page, app.BaseUrl, reviewer.UserName!, "/staff");
        await page.GetByRole(AriaRole.Link, new() { Name = "认定审核" }).ClickAsync();
        await page.WaitForURLAsync("**/review/certifications");
        var row = page.Locator("[data-testid=queue] tbody tr").Filter(new() { HasText = "赵认定" });
        if (await row.CountAsync() != 1)
            throw new XunitException($"the application is not in the queue. Page text:\n{await page.Locator("main").InnerTextAsync()}");
        Assert.DoesNotContain(talent.IdNumber, await page.ContentAsync());
        await row.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync("**/review/certifications/*");
        Assert.Contains("*", await page.Locator("[data-testid=identifier]").InnerTextAsync());
        Assert.DoesNotContain(talent.IdNumber, await page.ContentAsync());
        Assert.Contains("国家引才计划证书.pdf", await page.Locator("[data-testid=evidence]").InnerTextAsync());
        Assert.Contains("符合申请条件", await page.Locator("[data-testid=check]").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "认定通过" }).ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=flash]");
        Assert.Equal("已认定", (await page.Locator("[data-testid=status]").InnerTextAsync()).Trim());
        Assert.Contains("经认定的衢州市人才层次", await page.Locator("[data-testid=granted]").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = "/tmp/certification-review.png", FullPage = true });

        // The talent sees the certified tier, on the certification page and in the record with its allowance.
        await talentPage.GotoAsync(app.BaseUrl + "/me/certification");
        var active = talentPage.Locator($"article.cert-route[data-route=\"{Route}\"] [data-testid=active-certification]");
        await talentPage.ScreenshotAsync(new() { Path = "/tmp/certification-me.png", FullPage = true });
        Assert.Matches("^已认定：经认定的衢州市人才层次.*：3，有效期 \\d{4}-\\d{2}-\\d{2} 至 \\d{4}-\\d{2}-\\d{2}", (await active.InnerTextAsync()).Trim());
        await talentPage.GotoAsync(app.BaseUrl + "/me");
        Assert.Contains("认定确认", await talentPage.Locator("tr[data-fact=\"person.quzhouTalentTier\"]").InnerTextAsync());
        var allowance = talentPage.Locator($"#package article.policy.eligible[data-policy=\"{Policy}\"]");
        if (await allowance.CountAsync() != 1)
            throw new XunitException($"{Policy} is not shown as eligible. Page text:\n{await talentPage.Locator("main").InnerTextAsync()}");
        Assert.Contains(app.Catalog.ById[Policy].Title, await allowance.InnerTextAsync());
    }
}
