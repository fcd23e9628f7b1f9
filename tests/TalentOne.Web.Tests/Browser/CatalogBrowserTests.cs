using Microsoft.Playwright;

namespace TalentOne.Web.Tests.Browser;

/// <summary>A policy officer (or anyone) reads the 政策目录 in a real browser: from the list to one policy's source,
/// conditions and formula, and on to the dated history of a parameter it uses.</summary>
public sealed class CatalogBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string RentSubsidy = "quzhou.housing.rent";

    [Fact]
    public async Task From_the_catalog_to_a_policy_its_source_and_the_history_of_its_parameter()
    {
        var policy = app.Catalog.Policies.First(p => p.Id.StartsWith(RentSubsidy, StringComparison.Ordinal));
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/catalog");
        await page.Locator($"a[href=\"/catalog/{policy.Id}\"]").ClickAsync();
        await page.WaitForURLAsync($"**/catalog/{policy.Id}");

        var main = await page.Locator("main").InnerTextAsync();
        Assert.Contains(policy.Title, main);
        Assert.Contains(policy.Document.Number, main);
        Assert.Contains(policy.Quote, main);
        foreach (var c in policy.Conditions) Assert.Contains(c.Readable, main);
        Assert.Contains(policy.Amount.Readable, main);
        Assert.Contains(policy.Tests[0].Name, main);

        // the rent subsidy is a share of the minimum wage: its parameter's dated values are one click away
        await page.Locator("a[href=\"/parameters/min_monthly_wage\"]").First.ClickAsync();
        await page.WaitForURLAsync("**/parameters/min_monthly_wage");
        var history = await page.Locator("main").InnerTextAsync();
        var parameter = app.Catalog.Parameters.Table.ByName["min_monthly_wage"];
        Assert.Contains(parameter.Title, history);
        Assert.True(parameter.Values.Count >= 2, "the test catalog should carry a change of the minimum wage");
        foreach (var v in parameter.Values) Assert.Contains(v.From.ToString("yyyy-MM-dd"), history);
    }
}
