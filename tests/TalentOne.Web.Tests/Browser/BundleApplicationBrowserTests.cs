using System.Text.Json.Nodes;
using Microsoft.Playwright;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Browser;

/// <summary>一件事 end to end in the browser: a graduate applies once for three items of Hangzhou's bundle; 人社 and 公安
/// handle theirs in parallel, 医保 after 参保登记 (in series); the applicant sees the case finished.</summary>
public sealed class BundleApplicationBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Bundle = "hangzhou.graduate_startup";
    private const string Insurance = "hz.grad.insurance_registration", Settle = "hz.grad.settle", Medical = "hz.grad.medical_insurance";

    private static readonly string WaitingText = TalentOne.Registry.Cases.CaseService.StatusText(TalentOne.Data.Cases.CaseTaskStatus.Waiting);

    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();

    private async Task<IPage> SignedInAsync(string userName)
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/account/login");
        await page.Locator("[name=UserName]").FillAsync(userName);
        await page.Locator("[name=Password]").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForLoadStateAsync();
        return page;
    }

    private static async Task ApproveAllOfCaseAsync(IPage page, string baseUrl, long caseId, int expected)
    {
        await page.GotoAsync(baseUrl + "/review/tasks");
        var rows = page.Locator($"[data-testid=tasks] tr[data-case=\"{caseId}\"]");
        Assert.Equal(expected, await rows.CountAsync());
        for (int i = 0; i < expected; i++)
        {
            await page.Locator($"[data-testid=tasks] tr[data-case=\"{caseId}\"]").First.GetByRole(AriaRole.Button, new() { Name = "办结" }).ClickAsync();
            await page.WaitForLoadStateAsync();
        }
        Assert.Equal(0, await page.Locator($"[data-testid=tasks] tr[data-case=\"{caseId}\"]").CountAsync());
    }

    [Fact]
    public async Task An_applicant_applies_once_two_departments_work_in_parallel_a_third_in_series_and_the_case_finishes()
    {
        await app.UseAllPoliciesAsync(); // the Hangzhou items pay out Hangzhou policies
        var who = await app.RegisteredTalentAsync(new DateOnly(1998, 5, 6), "林毕业");
        var page = await SignedInAsync(who.UserName);
        await page.GotoAsync(app.BaseUrl + $"/bundles/{Bundle}");
        await page.Locator($"#pick-{Settle.Replace(".", "\\.")}").CheckAsync();
        await page.Locator($"#pick-{Medical.Replace(".", "\\.")}").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "生成合并表单" }).ClickAsync();
        await page.WaitForSelectorAsync("#apply-form");

        // fill every field of the one combined form
        var fields = await page.Locator("#apply-form [name^='v.']").EvaluateAllAsync<string[][]>(
            "els => els.map(e => [e.name, e.tagName, e.type || ''])");
        foreach (var f in fields)
        {
            var (name, tag, type) = (f[0], f[1], f[2]);
            var input = page.Locator($"#apply-form [name=\"{name}\"]");
            if (tag == "SELECT") { await input.SelectOptionAsync(new SelectOptionValue { Index = 1 }); continue; }
            var value = name switch
            {
                "v.applicant.name" => who.Name,
                "v.applicant.idNumber" => who.IdNumber,
                "v.applicant.mobile" => who.Mobile,
                _ when type == "date" => "2020-06-30",
                _ => "杭州市西湖区文三路 100 号",
            };
            if (string.IsNullOrEmpty(await input.InputValueAsync()) || name.EndsWith("idNumber", StringComparison.Ordinal)) await input.FillAsync(value);
        }
        // each material once
        var files = await page.Locator("#apply-form input[type=file]").EvaluateAllAsync<string[][]>("els => els.map(e => [e.name, e.accept])");
        // the labour contract is not at hand: 容缺受理 on a written promise to hand it in tomorrow
        var tomorrow = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(1);
        await page.Locator("[name='r.labour_contract']").CheckAsync();
        await page.Locator("[name='u.labour_contract']").FillAsync(tomorrow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var f in files.Where(f => f[0] != "m.labour_contract"))
            await page.Locator($"#apply-form [name=\"{f[0]}\"]").SetInputFilesAsync(f[1].Contains(".pdf", StringComparison.Ordinal)
                ? new FilePayload { Name = "材料.pdf", MimeType = "application/pdf", Buffer = Pdf }
                : new FilePayload { Name = "材料.png", MimeType = "image/png", Buffer = Png });
        // the results by post
        await page.Locator("[name='d.method'][value=post]").CheckAsync();
        await page.Locator("[name='d.recipient']").FillAsync(who.Name);
        await page.Locator("[name='d.mobile']").FillAsync(who.Mobile);
        await page.Locator("[name='d.address']").FillAsync("浙江省杭州市西湖区文三路 100 号 3 幢 501 室");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await page.WaitForLoadStateAsync();
        if (!page.Url.Contains("/me/cases", StringComparison.Ordinal))
            throw new XunitException($"the application was not accepted. Page text:\n{await page.Locator("main").InnerTextAsync()}");
        var caseCard = page.Locator("[data-testid=case]").First;
        var caseId = long.Parse((await caseCard.GetAttributeAsync("id"))!["case-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var text = await caseCard.InnerTextAsync();
        Assert.Contains(WaitingText, text); // 医保参保登记 waits for 参保登记
        Assert.Contains("劳动合同", await caseCard.Locator("[data-testid=deferrals]").InnerTextAsync());
        Assert.DoesNotContain(who.IdNumber, await page.ContentAsync());

        // the departments: 人社 and 公安 at once, 医保 only after 参保登记
        var hrss = await app.CreateStaffAsync(Roles.Reviewer, "hangzhou.hrss");
        var police = await app.CreateStaffAsync(Roles.Reviewer, "hangzhou.public_security");
        var medical = await app.CreateStaffAsync(Roles.Reviewer, "hangzhou.medical_insurance");
        var medicalPage = await SignedInAsync(medical.UserName!);
        await medicalPage.GotoAsync(app.BaseUrl + "/review/tasks");
        Assert.Equal(0, await medicalPage.Locator($"[data-testid=tasks] tr[data-case=\"{caseId}\"]").CountAsync());

        await ApproveAllOfCaseAsync(await SignedInAsync(police.UserName!), app.BaseUrl, caseId, 1);
        await ApproveAllOfCaseAsync(await SignedInAsync(hrss.UserName!), app.BaseUrl, caseId, 1);
        // 医保: from the queue to the task's page, which shows this item's materials; approve there and record the parcel
        await medicalPage.GotoAsync(app.BaseUrl + "/review/tasks");
        await medicalPage.Locator($"[data-testid=tasks] tr[data-case=\"{caseId}\"] a").First.ClickAsync();
        await medicalPage.WaitForURLAsync("**/review/tasks/*");
        var materials = await medicalPage.Locator("[data-testid=materials]").InnerTextAsync();
        Assert.Contains("居民身份证", materials);
        Assert.Contains("前置事项", materials); // the result of 参保登记, passed on by the 人社 department
        Assert.Equal(1, await medicalPage.Locator("[data-testid=materials] a[download]").CountAsync());
        await medicalPage.GetByRole(AriaRole.Button, new() { Name = "办结" }).ClickAsync();
        await medicalPage.WaitForLoadStateAsync();
        Assert.Contains("文三路", await medicalPage.Locator("[data-testid=postal]").InnerTextAsync());
        await medicalPage.Locator("[name=carrier]").FillAsync("EMS");
        await medicalPage.Locator("[name=trackingNumber]").FillAsync("1187654321098");
        await medicalPage.GetByRole(AriaRole.Button, new() { Name = "登记已寄出" }).ClickAsync();
        await medicalPage.WaitForLoadStateAsync();
        Assert.Contains("运单号 1187654321098", await medicalPage.Locator("main").InnerTextAsync());
        await medicalPage.ScreenshotAsync(new() { Path = "/tmp/review-task.png", FullPage = true });

        await page.GotoAsync(app.BaseUrl + "/me/cases");
        var finished = await page.Locator($"#case-{caseId}").InnerTextAsync();
        Assert.Contains("已办结", finished);
        Assert.Contains("EMS 运单号 1187654321098", finished);

        // the promise kept: the labour contract handed in on 我的办件
        var deferral = page.Locator($"#case-{caseId} [data-testid=deferrals] li[data-material=labour_contract]");
        await deferral.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "劳动合同.pdf", MimeType = "application/pdf", Buffer = Pdf });
        await deferral.GetByRole(AriaRole.Button, new() { Name = "补交" }).ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("已补交", await page.Locator("main").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = "/tmp/cases-finished.png", FullPage = true });
    }
}
