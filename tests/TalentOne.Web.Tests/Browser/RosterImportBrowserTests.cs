using System.Text.Json.Nodes;
using Microsoft.Playwright;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;
using TalentOne.Web.Tests.Roster;

namespace TalentOne.Web.Tests.Browser;

/// <summary>A window clerk imports a roster in the browser: choose the file, read the report by row and column, commit
/// only the valid rows after reading what will happen.</summary>
public sealed class RosterImportBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_window_clerk_uploads_a_roster_reads_the_report_and_imports_the_valid_rows()
    {
        var clerk = await app.CreateStaffAsync(Roles.Window);
        var page = await app.NewPageAsync();
        var login = await page.Context.APIRequest.PostAsync(app.BaseUrl + "/api/v1/account/login", new APIRequestContextOptions
        {
            DataObject = new { userName = clerk.UserName, password = TestAccounts.Password },
        });
        Assert.True(login.Ok, await login.TextAsync());

        await page.GotoAsync(app.BaseUrl + "/staff/import");
        var file = Path.Combine(Path.GetTempPath(), "talentone-tests", Guid.NewGuid().ToString("N")[..8] + "-名册.xlsx");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, RosterScenarios.Roster([
            RosterScenarios.Person("浏览器甲", RosterScenarios.NewId(1990), TestAccounts.NewMobile()),
            RosterScenarios.Person("浏览器乙", RosterScenarios.WithBadCheckDigit(RosterScenarios.NewId(1991)), TestAccounts.NewMobile()),
        ]));
        try
        {
            await page.SetInputFilesAsync("#roster-file", file);
            await page.ClickAsync("text=上传并校验");
            await page.WaitForSelectorAsync(".roster-report");

            var statement = await page.Locator(".roster-statement[data-mode=valid-only]").InnerTextAsync();
            Assert.Contains("将新建 1 份档案、更新 0 份、跳过 1 行有误的数据", statement);
            var issue = page.Locator(".roster-issues tbody tr").First;
            Assert.Equal("4", (await issue.Locator("td").Nth(0).InnerTextAsync()).Trim());
            Assert.Equal("C", (await issue.Locator("td").Nth(1).InnerTextAsync()).Trim());
            Assert.Contains("校验位", await issue.Locator("td").Nth(3).InnerTextAsync());
            Assert.Equal(0, await page.Locator("text=全部导入（").CountAsync());
            if (Environment.GetEnvironmentVariable("TALENTONE_SCREENSHOTS") is { Length: > 0 } dir)
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "roster-import.png"), FullPage = true });

            await page.ClickAsync("text=只导入无误的 1 行");
            await page.WaitForSelectorAsync("#roster-outcome");
            Assert.Contains("已新建 1 份档案", await page.Locator("#roster-outcome").InnerTextAsync());
            Assert.Equal("committed", await page.Locator(".roster-report").GetAttributeAsync("data-status"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
