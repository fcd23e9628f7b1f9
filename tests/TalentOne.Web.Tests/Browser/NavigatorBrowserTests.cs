using Microsoft.Playwright;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Browser;

/// <summary>A person uses the 政策计算器 in a real browser.</summary>
public sealed class NavigatorBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Tier7 = "quzhou.allowance.tier7";
    public const string Screenshot = "/tmp/navigator.png";

    private static async Task Fill(IPage page, string name, string value) => await page.Locator($"[name=\"{name}\"]").FillAsync(value);

    private static async Task Choose(IPage page, string name, string value) => await page.Locator($"select[name=\"{name}\"]").SelectOptionAsync(value);

    [Fact]
    public async Task A_PhD_working_in_Quzhou_fills_in_the_navigator_and_sees_the_tier7_allowance_with_its_amount()
    {
        var policy = app.Catalog.ById[Tier7];
        var expected = policy.Tests.First(t => t.Expect == "eligible" && t.Amount != null && t.ProfileJson.Contains("\"doctorate\"")).Amount!.Value;
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/navigator");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));

        await Fill(page, "date", "2021-08-01");
        await Fill(page, "person.birthDate", "1992-03-01");
        await Choose(page, "person.originRegion", "other");
        await Choose(page, "education.level", "doctorate");
        await Choose(page, "education.fullTime", "true");
        await Choose(page, "education.doubleFirstClass", "true");
        await Fill(page, "education.graduationDate", "2020-06-30");
        await Choose(page, "person.title", "none");
        await Choose(page, "person.skillLevel", "none");
        await Choose(page, "work.city", "quzhou");
        // The county list now offers Quzhou's counties only.
        Assert.True(await page.Locator("select[name=\"work.county\"] optgroup[data-city=\"hangzhou\"]").IsDisabledAsync());
        Assert.False(await page.Locator("select[name=\"work.county\"] optgroup[data-city=\"quzhou\"]").IsDisabledAsync());
        await Choose(page, "work.county", "kecheng");
        await Choose(page, "employment.status", "employed");
        await Choose(page, "employment.fullTime", "true");
        await Fill(page, "employment.startDate", "2020-07-01");
        await Fill(page, "employment.serviceAgreementYears", "5");
        await Fill(page, "employment.annualSalary", "300000");
        await Choose(page, "employment.post", "researcher");
        await Choose(page, "employer.type", "enterprise");
        await Choose(page, "employer.keyIndustry", "true");
        await Fill(page, "socialInsurance.startDate", "2020-07-01");
        await Choose(page, "housing.status", "owns_home");
        await Choose(page, "housing.purchaseCity", "quzhou");
        await Fill(page, "housing.purchaseDate", "2021-03-15");
        await Fill(page, "housing.purchasePrice", "1500000");
        await Choose(page, "housing.firstPurchase", "true");
        await page.GetByRole(AriaRole.Button, new() { Name = "计算可享受的政策" }).ClickAsync();
        await page.WaitForURLAsync("**/navigator#result");

        var allowance = page.Locator($"#result article.policy.eligible[data-policy=\"{Tier7}\"]");
        if (await allowance.CountAsync() != 1)
            throw new XunitException($"{Tier7} is not shown as eligible. Page text:\n{await page.Locator("main").InnerTextAsync()}");
        var text = await allowance.InnerTextAsync();
        Assert.Contains(policy.Title, text);
        Assert.Equal(expected.ToString("#,0.##", System.Globalization.CultureInfo.InvariantCulture), (await allowance.Locator(".amount-value").InnerTextAsync()).Trim());
        Assert.Contains("每年", text);
        Assert.Contains(policy.Document.Number, text);
        Assert.Contains(policy.Quote, text);
        var total = await page.Locator("[data-testid=total]").InnerTextAsync();
        Assert.NotEqual("0", total.Trim());

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot, FullPage = true });
    }

    [Fact]
    public async Task Bad_input_comes_back_with_Chinese_messages_next_to_the_fields_and_nothing_lost()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/navigator");
        Assert.Equal(1, await page.Locator("#profile-form input[name=\"__RequestVerificationToken\"]").CountAsync());
        await Fill(page, "date", "2021-08-01");
        await Fill(page, "person.birthDate", "1992-03-01");
        await Choose(page, "education.level", "master");
        await Fill(page, "education.graduationDate", "1980-06-30");
        await Fill(page, "employment.annualSalary", "-5");
        await Fill(page, "employment.serviceAgreementYears", "三年");
        await page.GetByRole(AriaRole.Button, new() { Name = "计算可享受的政策" }).ClickAsync();
        await page.WaitForLoadStateAsync();

        Assert.Contains("有 ", await page.Locator("#errors").InnerTextAsync());
        async Task<string> ErrorOf(string name) =>
            await page.Locator($".field:has([name=\"{name}\"]) .field-error").AllInnerTextsAsync() is var all && all.Count > 0 ? string.Join(" ", all) : "";
        Assert.Contains("应为数字", await ErrorOf("employment.serviceAgreementYears"));
        Assert.Contains("不能为负数", await ErrorOf("employment.annualSalary"));
        Assert.Contains("不能早于出生日期", await ErrorOf("education.graduationDate"));
        Assert.Equal("1992-03-01", await page.Locator("[name=\"person.birthDate\"]").InputValueAsync());
        Assert.Equal("master", await page.Locator("[name=\"education.level\"]").InputValueAsync());
        Assert.Equal("-5", await page.Locator("[name=\"employment.annualSalary\"]").InputValueAsync());
        Assert.Equal("三年", await page.Locator("[name=\"employment.serviceAgreementYears\"]").InputValueAsync());
        Assert.Equal(0, await page.Locator("#result").CountAsync());
    }

    [Fact]
    public async Task A_pasted_profile_with_markup_in_it_is_shown_as_text_never_run()
    {
        var page = await app.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await page.GotoAsync(app.BaseUrl + "/navigator");
        await Fill(page, "profileJson", """{"person": {"birthDate": "1992-03-01"}, "work": {"county": "<img src=x onerror=alert(1)><script>alert(2)</script>"}}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "计算可享受的政策" }).ClickAsync();
        await page.WaitForLoadStateAsync();

        var error = await page.Locator(".field:has([name=\"profileJson\"]) .field-error").InnerTextAsync();
        Assert.Contains("work.county", error);
        Assert.Contains("<script>alert(2)</script>", error);
        Assert.Equal(0, await page.Locator("main img, main script").CountAsync());
        Assert.Equal(0, dialogs);
        Assert.Contains("<script>alert(2)</script>", await page.Locator("[name=\"profileJson\"]").InputValueAsync());
    }

    [Fact]
    public async Task A_profile_file_can_be_uploaded_instead_of_filling_in_the_form()
    {
        var policy = app.Catalog.ById[Tier7];
        var test = policy.Tests.First(t => t.Expect == "eligible" && t.Amount != null && t.ProfileJson.Contains("\"doctorate\""));
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/navigator");
        await Fill(page, "date", test.Date.ToString("yyyy-MM-dd"));
        await page.Locator("input[name=\"profileFile\"]").SetInputFilesAsync(new FilePayload
        {
            Name = "profile.json",
            MimeType = "application/json",
            Buffer = System.Text.Encoding.UTF8.GetBytes(test.ProfileJson),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "计算可享受的政策" }).ClickAsync();
        await page.WaitForURLAsync("**/navigator#result");

        Assert.Contains("依据粘贴/上传的档案 JSON", await page.Locator("#result").InnerTextAsync());
        Assert.Equal(1, await page.Locator($"#result article.policy.eligible[data-policy=\"{Tier7}\"]").CountAsync());
    }
}
