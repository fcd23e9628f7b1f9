using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TalentOne.Web.Tests.Infrastructure;
using Xunit;

namespace TalentOne.Web.Tests.Bundles;

/// <summary>The “一件事” API through the real host, on SQLite and on PostgreSQL. The host's catalog copy gets the
/// policy files the shipped items pay out (the test copy holds only the Quzhou document).</summary>
public abstract class BundleScenarios
{
    protected abstract TalentOneApp App { get; }

    private const string Hangzhou = "hangzhou.graduate_startup";

    /// <summary>A 2020 bachelor graduate, fresh, employed in Binjiang (the catalog's hz_fresh_grad profile).</summary>
    private static readonly JsonObject FreshGraduate = JsonNode.Parse("""
        {"subject": {"kind": "person"},
         "person": {"birthDate": "1997-10-01", "hukouCity": "outside_zhejiang"},
         "education": {"level": "bachelor", "fullTime": true, "graduationDate": "2020-06-30", "freshGraduate": true},
         "employment": {"status": "employed", "fullTime": true, "startDate": "2020-07-15", "firstJobInCity": true},
         "employer": {"type": "enterprise", "ownership": "private"},
         "work": {"city": "hangzhou", "county": "binjiang"}}
        """)!.AsObject();

    private HttpClient Client()
    {
        TestCatalog.AddAllPolicies(App.CatalogRoot);
        return App.CreateClient();
    }

    [Fact]
    public async Task Items_and_bundles_are_listed_with_their_sources()
    {
        var client = Client();
        var bundles = JsonNode.Parse(await client.GetStringAsync("/api/v1/bundles"))!.AsArray();
        Http.That(bundles.Count >= 6 && bundles.Any(b => b!["id"]!.GetValue<string>() == Hangzhou), "the shipped bundles are listed", bundles);
        var hz = await (await client.GetAsync("/api/v1/bundles/" + Hangzhou)).ExpectJsonAsync(HttpStatusCode.OK, "one bundle");
        Http.That(hz["items"]!.AsArray().Count == 19 && hz["bundle"]!["departmentCount"]!.GetValue<int>() == 8, "19 items of 8 departments", hz);
        Http.That(hz["before"]!["materials"]!.GetValue<int>() == 125 && hz["after"]!["workingDays"]!.GetValue<int>() == 30, "the figures of the seed", hz);
        var item = await (await client.GetAsync("/api/v1/items/hz.grad.living_allowance")).ExpectJsonAsync(HttpStatusCode.OK, "one item");
        Http.That(item["policies"]![0]!["id"]!.GetValue<string>() == "hangzhou.graduate_living_allowance" && item["source"]!["quote"] != null
            && item["item"]!["departmentName"]!.GetValue<string>() == "杭州市人力社保局", "the item's department, policy and source", item);
        var problem = await (await client.GetAsync("/api/v1/bundles/nowhere")).ExpectProblemAsync(HttpStatusCode.NotFound, "an unknown bundle");
        Http.That(problem["title"]!.GetValue<string>() == "没有这件“一件事”", "a Chinese title", problem);
    }

    [Fact]
    public async Task A_plan_adds_prerequisites_suggests_eligible_items_and_merges_the_forms()
    {
        var client = Client();
        var plan = await (await client.PostJsonAsync($"/api/v1/bundles/{Hangzhou}/plan", new JsonObject
        {
            ["items"] = new JsonArray("hz.grad.public_rental_cash"),
            ["profile"] = FreshGraduate.DeepClone(),
        })).ExpectJsonAsync(HttpStatusCode.OK, "planning the cash rental subsidy");
        var added = plan["added"]!.AsArray().Select(a => a!["item"]!["id"]!.GetValue<string>()).Order().ToList();
        Http.That(added.SequenceEqual(["hz.grad.insurance_registration", "hz.grad.settle"]), "参保登记 and 落户 come first", plan);
        var levels = plan["levels"]!.AsArray();
        Http.That(levels.Count == 2 && levels[0]!["mode"]!.GetValue<string>() == "并联" && levels[1]!["items"]![0]!.GetValue<string>() == "hz.grad.public_rental_cash",
            "参保 ∥ 落户, then the subsidy", plan);
        var suggested = plan["suggestions"]!.AsArray().Select(s => s!["item"]!["id"]!.GetValue<string>()).ToList();
        Http.That(suggested.Contains("hz.grad.living_allowance") && suggested.Contains("hz.grad.rent_subsidy"), "the living and rent subsidies are suggested", plan);
        Http.That(plan["counts"]!["text"]!.GetValue<string>().StartsWith("3 张表 · ", StringComparison.Ordinal), "three forms become one", plan);
        var level = plan["fields"]!.AsArray().Single(f => f!["id"]!.GetValue<string>() == "education.level");
        Http.That(level!["prefill"]!.GetValue<string>() == "bachelor", "prefilled from the profile", plan);
        Http.That(plan["materials"]!.AsArray().Count(m => m!["id"]!.GetValue<string>() == "identity_card") == 1
            && plan["materials"]!.AsArray().All(m => !m!["id"]!.GetValue<string>().StartsWith("result:", StringComparison.Ordinal)), "the ID card once, results passed on", plan);
    }

    [Fact]
    public async Task A_signed_in_holder_gets_the_form_prefilled_from_their_record()
    {
        Client(); // the policy files first: the host may start with the registration below
        var talent = await App.RegisteredTalentAsync(new DateOnly(1997, 10, 1), name: "王小明");
        var facts = new JsonObject
        {
            ["education.level"] = "master", ["education.fullTime"] = true, ["education.graduationDate"] = "2020-06-30",
            ["education.freshGraduate"] = true, ["employment.status"] = "employed", ["employment.startDate"] = "2020-07-15",
            ["work.city"] = "hangzhou", ["work.county"] = "xihu",
        };
        var response = await talent.Client.PatchAsync("/api/v1/me/record", new StringContent(new JsonObject { ["facts"] = facts }.ToJsonString(), Encoding.UTF8, "application/json"));
        await response.ExpectAsync(HttpStatusCode.OK, "declaring the profile");
        var plan = await (await talent.Client.PostJsonAsync($"/api/v1/bundles/{Hangzhou}/plan", new JsonObject
        {
            ["items"] = new JsonArray("hz.grad.settle"),
        })).ExpectJsonAsync(HttpStatusCode.OK, "planning 落户 as a holder");
        Http.That(plan["prefilledFrom"]!.GetValue<string>() == "registry", "the holder's own record", plan);
        var fields = plan["fields"]!.AsArray().ToDictionary(f => f!["id"]!.GetValue<string>(), f => f!["prefill"]);
        Http.That(fields["applicant.name"]!.GetValue<string>() == "王小明" && fields["education.level"]!.GetValue<string>() == "master"
            && fields["education.graduationDate"]!.GetValue<string>() == "2020-06-30", "name and facts prefilled", plan);
        Http.That(plan["suggestions"]!.AsArray().Any(s => s!["item"]!["id"]!.GetValue<string>() == "hz.grad.living_allowance"), "the living allowance suggested", plan);
    }

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"") is { Success: true } m
            ? System.Net.WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException("no antiforgery token on the page");

    [Fact]
    public async Task The_pages_show_the_menu_the_combined_form_the_materials_and_the_order()
    {
        var client = Client();
        var list = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/bundles"));
        Http.That(list.Contains("杭州市大学生创新创业“一件事”") && list.Contains("材料 125 → 16 份"), "the list with the seed's figures", JsonValue.Create(list));
        var menuHtml = await client.GetStringAsync("/bundles/" + Hangzhou);
        var menu = System.Net.WebUtility.HtmlDecode(menuHtml);
        Http.That(menu.Contains("value=\"hz.grad.public_rental_cash\"") && menu.Contains("杭州市住保房管局"), "the menu with departments", JsonValue.Create(menu));
        var post = await client.PostAsync("/bundles/" + Hangzhou, new FormUrlEncodedContent(
            [new("items", "hz.grad.public_rental_cash"), new("items", "hz.grad.social_card"), new("__RequestVerificationToken", Token(menuHtml))]));
        var pageHtml = await post.ExpectAsync(HttpStatusCode.OK, "generating the combined form");
        var page = System.Net.WebUtility.HtmlDecode(pageHtml);
        Http.That(page.Contains("4 张表 · ") && page.Contains("→ 1 张表 · ") && page.Contains("已自动加入前置事项") && page.Contains("并联")
            && page.Contains("核心") && page.Contains("可承诺免提交") && page.Contains("拟落户地址"), "saving, prerequisites, levels, materials, fields", JsonValue.Create(page));
        var check = await client.PostAsync($"/bundles/{Hangzhou}?handler=Check", new FormUrlEncodedContent(
            [new("items", "hz.grad.settle"), new("v.applicant.idNumber", "123"), new("__RequestVerificationToken", Token(pageHtml))]));
        var checkedPage = System.Net.WebUtility.HtmlDecode(await check.ExpectAsync(HttpStatusCode.OK, "checking the form"));
        Http.That(checkedPage.Contains("“公民身份号码”格式不正确") && checkedPage.Contains("请填写“姓名”"), "field messages in Chinese", JsonValue.Create(checkedPage));
    }

    [Fact]
    public async Task Bad_choices_values_and_profiles_are_refused_in_Chinese()
    {
        var client = Client();
        var wrong = await (await client.PostJsonAsync($"/api/v1/bundles/{Hangzhou}/plan", new JsonObject { ["items"] = new JsonArray("lh.settle") }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "an item of another bundle");
        Http.That(wrong["errors"]!["items"]![0]!.GetValue<string>() == "事项“lh.settle”不属于“杭州市大学生创新创业“一件事””", "names the item", wrong);
        var none = await (await client.PostJsonAsync($"/api/v1/bundles/{Hangzhou}/plan", new JsonObject { ["items"] = new JsonArray() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "nothing chosen");
        Http.That(none["errors"]!["items"]![0]!.GetValue<string>() == "请至少勾选一个事项", "asks to choose", none);
        var values = await (await client.PostJsonAsync($"/api/v1/bundles/{Hangzhou}/plan", new JsonObject
        {
            ["items"] = new JsonArray("hz.grad.settle"),
            ["values"] = new JsonObject { ["applicant.name"] = "李四", ["applicant.idNumber"] = "123", ["education.level"] = "bachelor", ["education.graduationDate"] = "2020-13-01" },
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "bad form values");
        Http.That(values["errors"]!["applicant.idNumber"]![0]!.GetValue<string>() == "“公民身份号码”格式不正确"
            && values["errors"]!["education.graduationDate"]![0]!.GetValue<string>() == "“毕业时间”应为日期（如 2020-06-30）"
            && values["errors"]!["applicant.settleAddress"]![0]!.GetValue<string>() == "请填写“拟落户地址”", "each field in Chinese", values);
        var profile = await (await client.PostJsonAsync($"/api/v1/bundles/{Hangzhou}/plan", new JsonObject
        {
            ["items"] = new JsonArray("hz.grad.settle"),
            ["profile"] = new JsonObject { ["education"] = new JsonObject { ["level"] = "wizard" } },
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "a bad profile");
        Http.That(profile["title"]!.GetValue<string>() == "档案数据有误", "the profile is refused", profile);
    }
}

public sealed class BundleScenariosOnSqlite(SqliteApp app) : BundleScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class BundleScenariosOnPostgres(PostgresServer server) : BundleScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;

    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await server.AppFor(nameof(BundleScenariosOnPostgres));

    public Task DisposeAsync() => Task.CompletedTask;
}
