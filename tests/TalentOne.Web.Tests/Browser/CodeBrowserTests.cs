using System.Text.Json;
using Microsoft.Playwright;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Browser;

/// <summary>人才码 in a real browser: a PhD registers, builds the record and opens the code with its package; a hospital
/// opens the address in the QR code, signs in and sees what a hospital may see; a tampered address is refused.</summary>
public sealed class CodeBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Tier7 = "quzhou.allowance.tier7";
    private const string HospitalService = "quzhou.hospital.health_care";
    public const string CodeScreenshot = "/tmp/me-code.png";
    public const string VerifyScreenshot = "/tmp/verify.png";
    public const string RefusalScreenshot = "/tmp/verify-refused.png";

    private static async Task Fill(IPage page, string name, string value) => await page.Locator($"[name=\"{name}\"]").FillAsync(value);

    private static async Task Choose(IPage page, string name, string value) => await page.Locator($"select[name=\"{name}\"]").SelectOptionAsync(value);

    private static async Task<string> MainText(IPage page) => await page.Locator("main").InnerTextAsync();

    /// <summary>Registers a full-time PhD working in Kecheng, Quzhou through the pages; returns the ID number.</summary>
    private async Task<(string IdNumber, string Name)> RegisterQuzhouPhdAsync(IPage page)
    {
        var id = TestAccounts.NewIdNumber(new DateOnly(1992, 3, 1));
        const string name = "周博士";
        await page.GotoAsync(app.BaseUrl + "/account/register");
        await Fill(page, "Name", name);
        await Fill(page, "IdNumber", id);
        await Fill(page, "Mobile", TestAccounts.NewMobile());
        await Fill(page, "UserName", TestAccounts.UniqueName("code"));
        await Fill(page, "Password", TestAccounts.Password);
        await Fill(page, "ConfirmPassword", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "注册并建档" }).ClickAsync();
        await page.WaitForURLAsync("**/me");

        await page.GotoAsync(app.BaseUrl + "/me/edit");
        await Choose(page, "education.level", "doctorate");
        await Choose(page, "education.fullTime", "true");
        await Choose(page, "education.doubleFirstClass", "true");
        await Fill(page, "education.graduationDate", "2020-06-30");
        await Choose(page, "work.city", "quzhou");
        await Choose(page, "work.county", "kecheng");
        await Choose(page, "employment.status", "employed");
        await Choose(page, "employment.fullTime", "true");
        await Fill(page, "employment.startDate", "2020-07-01");
        await Fill(page, "employment.serviceAgreementYears", "5");
        await Choose(page, "employer.type", "enterprise");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await page.WaitForURLAsync("**/me#package");
        return (id, name);
    }

    /// <summary>The address the QR image encodes, as the holder's own client reads it from the API.</summary>
    private static async Task<string> VerifyUrlAsync(IPage holder)
    {
        var json = await holder.EvaluateAsync<string>("async () => await (await fetch('/api/v1/me/code')).text()");
        return JsonDocument.Parse(json).RootElement.GetProperty("verifyUrl").GetString()!;
    }

    private async Task SignInAsync(IPage page, string userName)
    {
        await Fill(page, "UserName", userName);
        await Fill(page, "Password", TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
    }

    [Fact]
    public async Task A_PhD_registers_builds_the_record_and_sees_the_code_with_its_services_and_package_then_a_hospital_scans_it()
    {
        var holder = await app.NewPageAsync();
        var (id, name) = await RegisterQuzhouPhdAsync(holder);

        await holder.GotoAsync(app.BaseUrl + "/me/code");
        Assert.Equal("我的人才码 · 浙江人才政策服务", await holder.TitleAsync());
        var image = holder.Locator("[data-testid=code-image]");
        await image.WaitForAsync();
        Assert.True(await image.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"), "the QR image loads");
        Assert.Equal("衢州市第七层次人才", (await holder.Locator("[data-testid=category]").InnerTextAsync()).Trim());
        Assert.Matches("还剩 2[34] 小时", await holder.Locator(".code-expiry .countdown").InnerTextAsync());
        Assert.Equal(1, await holder.Locator($"li[data-service=\"{HospitalService}\"]").CountAsync());
        var allowance = holder.Locator($"#result article.policy.eligible[data-policy=\"{Tier7}\"]");
        if (await allowance.CountAsync() != 1)
            throw new XunitException($"{Tier7} is not in the code's package. Page text:\n{await MainText(holder)}");
        var policy = app.Catalog.ById[Tier7];
        Assert.Contains(policy.Document.Number, await allowance.InnerTextAsync());
        Assert.Contains(policy.Quote, await allowance.InnerTextAsync());
        Assert.DoesNotContain(id, await holder.ContentAsync());
        Assert.Equal(2, await holder.Locator(".code-actions form input[name=\"__RequestVerificationToken\"]").CountAsync()); // refresh and revoke
        await holder.ScreenshotAsync(new() { Path = CodeScreenshot, FullPage = true });

        var url = await VerifyUrlAsync(holder);
        Assert.StartsWith(app.BaseUrl + "/verify?t=", url);

        // A phone camera opens the address without an account: a sign-in prompt and nothing about the holder.
        var hospital = await app.NewPageAsync();
        await hospital.GotoAsync(url);
        await hospital.Locator("[data-testid=sign-in]").WaitForAsync();
        var anonymous = await MainText(hospital);
        Assert.DoesNotContain(name, anonymous);
        Assert.DoesNotContain("第七层次", anonymous);

        var account = await app.CreateStaffAsync(Roles.Provider, providerKind: "hospital");
        await hospital.GetByRole(AriaRole.Link, new() { Name = "服务机构登录" }).ClickAsync();
        await hospital.WaitForURLAsync("**/account/login**");
        await SignInAsync(hospital, account.UserName!);
        await hospital.WaitForURLAsync("**/verify?t=**");
        var valid = hospital.Locator("[data-testid=verify-valid]");
        await valid.WaitForAsync();
        var text = await valid.InnerTextAsync();
        Assert.Contains("人才码有效", text);
        Assert.Equal(name, (await hospital.Locator("[data-field=name]").InnerTextAsync()).Trim());
        Assert.Equal("衢州市第七层次人才", (await hospital.Locator("[data-field=category]").InnerTextAsync()).Trim());
        Assert.Equal(1, await hospital.Locator($"li[data-service=\"{HospitalService}\"]").CountAsync());
        Assert.Equal(0, await hospital.Locator("li[data-service=\"quzhou.bus.travel\"]").CountAsync());
        var html = await hospital.ContentAsync();
        Assert.DoesNotContain(id, html);
        Assert.DoesNotContain("19920301", html);
        await hospital.ScreenshotAsync(new() { Path = VerifyScreenshot, FullPage = false });

        // The holder sees the scan.
        await holder.GotoAsync(app.BaseUrl + "/me/code");
        Assert.Contains(account.DisplayName, await holder.Locator("table.scans").InnerTextAsync());
    }

    [Fact]
    public async Task A_tampered_or_revoked_code_shows_a_refusal_page_to_the_provider()
    {
        var talent = await app.RegisteredTalentAsync();
        await Codes.CodeScenarios.DeclareAsync(talent.Client, Codes.CodeScenarios.QuzhouPhdFacts);
        var code = System.Text.Json.Nodes.JsonNode.Parse(await (await talent.Client.PostAsync("/api/v1/me/code", null)).Content.ReadAsStringAsync())!;
        var url = code["verifyUrl"]!.GetValue<string>();
        var token = code["token"]!.GetValue<string>();
        var account = await app.CreateStaffAsync(Roles.Provider, providerKind: "hospital");

        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/account/login");
        await SignInAsync(page, account.UserName!);
        await page.WaitForURLAsync(u => !u.Contains("/account/login", StringComparison.Ordinal));

        var chars = token.ToCharArray();
        chars[12] = chars[12] == 'A' ? 'B' : 'A';
        await page.GotoAsync(app.BaseUrl + "/verify?t=" + Uri.EscapeDataString(new string(chars)));
        var refused = page.Locator("[data-testid=verify-refused]");
        await refused.WaitForAsync();
        Assert.Equal("tampered", await refused.GetAttributeAsync("data-reason"));
        Assert.Contains("可能被篡改", await refused.InnerTextAsync());
        Assert.DoesNotContain(talent.Name, await MainText(page));
        await page.ScreenshotAsync(new() { Path = RefusalScreenshot, FullPage = false });

        await (await talent.Client.PostJsonAsync("/api/v1/me/code/revoke", new System.Text.Json.Nodes.JsonObject())).ExpectAsync(System.Net.HttpStatusCode.OK, "revoking");
        await page.GotoAsync(url);
        await refused.WaitForAsync();
        Assert.Equal("revoked", await refused.GetAttributeAsync("data-reason"));
        Assert.Contains("已作废", await refused.InnerTextAsync());
    }
}
