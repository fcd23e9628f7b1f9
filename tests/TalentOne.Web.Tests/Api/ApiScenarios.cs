using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Data;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Api;

/// <summary>The API through the real host, run once on SQLite and once on PostgreSQL (see the derived classes).
/// Expected amounts come from the test cases written in catalog/policies/quzhou-2020-7.yaml, not from this file.</summary>
public abstract class ApiScenarios
{
    private const string Tier7 = "quzhou.allowance.tier7";
    private const string Rent = "quzhou.housing.rent";
    private const string WageParameter = "min_monthly_wage";

    protected abstract TalentOneApp App { get; }

    private HttpClient Client => App.CreateClient();

    private HttpClient? _admin;

    /// <summary>A client signed in as a talent-office administrator.</summary>
    private async Task<HttpClient> AdminAsync() => _admin ??= await App.ClientAsync(Roles.Admin);

    /// <summary>The catalog's own case for a full-time PhD working in Quzhou, expected eligible for the tier-7 allowance.</summary>
    private (Policy Policy, PolicyTest Test) Tier7PhdCase()
    {
        var policy = App.Catalog.ById[Tier7];
        var test = policy.Tests.FirstOrDefault(t => t.Expect == "eligible" && t.Amount != null
            && JsonNode.Parse(t.ProfileJson) is JsonObject p
            && p["education"]?["level"]?.GetValue<string>() == "doctorate"
            && p["education"]?["fullTime"]?.GetValue<bool>() == true
            && p["person"]?["title"]?.GetValue<string>() != "senior");
        return (policy, test ?? throw new XunitException($"{Tier7} has no eligible test case for a full-time PhD in {TestCatalog.QuzhouFile}"));
    }

    private static JsonObject Request(string profileJson, DateOnly date) =>
        new() { ["profile"] = JsonNode.Parse(profileJson), ["date"] = date.ToString("yyyy-MM-dd") };

    private static JsonObject? Find(JsonObject package, string list, string id) =>
        package[list]!.AsArray().OfType<JsonObject>().FirstOrDefault(r => r["id"]!.GetValue<string>() == id);

    [Fact]
    public async Task A_full_time_PhD_working_in_Quzhou_gets_the_tier7_allowance_every_year_with_its_source_quote()
    {
        var (policy, test) = Tier7PhdCase();

        var package = await (await Client.PostJsonAsync("/api/v1/eligibility", Request(test.ProfileJson, test.Date)))
            .ExpectJsonAsync(HttpStatusCode.OK, "evaluating the catalog's full-time PhD profile");

        var allowance = Find(package, "eligible", Tier7);
        Http.That(allowance != null, $"{Tier7} should be among the eligible policies", package);
        Http.That(allowance!["amount"]!.GetValue<double>() == test.Amount, $"amount should be {test.Amount} (catalog test '{test.Name}')", allowance);
        Http.That(allowance["unit"]!.GetValue<string>() == "元" && allowance["schedule"]!.GetValue<string>() == "每年", "the allowance is paid in yuan every year", allowance);
        var source = allowance["source"]!;
        Http.That(source["document"]!.GetValue<string>() == policy.Document.Number && source["article"]!.GetValue<string>() == policy.Article,
            $"source should be {policy.Document.Number} {policy.Article}", allowance);
        Http.That(source["quote"]!.GetValue<string>() == policy.Quote && policy.Quote.Contains("全日制博士研究生"),
            "the quoted sentence of the source should come with the amount", allowance);
        Http.That(package["catalogVersion"]!.GetValue<string>() == App.Catalog.Version, "the answer names the catalog version", package);
    }

    [Fact]
    public async Task The_package_for_a_real_profile_lists_a_nearly_eligible_policy_with_the_date_time_alone_fixes_it()
    {
        var (policy, test) = App.Catalog.Policies
            .Where(p => p.Document.Id == "quzhou-2020-7" && p.Applicant == Applicant.Person)
            .SelectMany(p => p.Tests.Select(t => (Policy: p, Test: t)))
            .FirstOrDefault(x => x.Test.Expect == "nearly" && x.Test.EligibleOn != null);
        if (policy == null) throw new XunitException($"{TestCatalog.QuzhouFile} has no person policy with a 'nearly' test giving eligible_on");

        var package = await (await Client.PostJsonAsync("/api/v1/eligibility", Request(test.ProfileJson, test.Date)))
            .ExpectJsonAsync(HttpStatusCode.OK, $"evaluating the profile of '{test.Name}'");

        var nearly = Find(package, "nearly", policy.Id);
        Http.That(nearly != null, $"{policy.Id} should be nearly eligible (catalog test '{test.Name}')", package);
        Http.That(nearly!["eligibleOn"]?.GetValue<string>() == test.EligibleOn!.Value.ToString("yyyy-MM-dd"),
            $"it should be eligible on {test.EligibleOn:yyyy-MM-dd}", nearly);
        Http.That(!string.IsNullOrEmpty(nearly["eligibleOnReason"]?.GetValue<string>()), "the reason for the date is given in Chinese", nearly);
        Http.That(package["nearlyCount"]!.GetValue<int>() >= 1 && package["eligibleCount"]!.GetValue<int>() + package["ineligibleCount"]!.GetValue<int>() > 0,
            "the package also reports the other outcomes", package);
    }

    private const string ValidProfile = """
        {"subject": {"kind": "person"}, "person": {"birthDate": "1992-03-01"},
         "education": {"level": "doctorate", "fullTime": true, "graduationDate": "2020-06-30"},
         "employment": {"status": "employed", "fullTime": true, "startDate": "2020-07-01", "serviceAgreementYears": 5, "annualSalary": 300000},
         "work": {"city": "quzhou", "county": "kecheng"}}
        """;

    private static string With(string path, JsonNode? value, string date = "2021-01-01")
    {
        var profile = JsonNode.Parse(ValidProfile)!.AsObject();
        var parts = path.Split('.');
        if (profile[parts[0]] is not JsonObject section) profile[parts[0]] = section = new JsonObject();
        section[parts[1]] = value;
        return new JsonObject { ["profile"] = profile, ["date"] = date }.ToJsonString();
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "malformed JSON", """{"profile": {"person": {"birthDate": "1992-03-01"}""", "$" },
        { "not JSON at all", "profile=phd", "$" },
        { "an empty body", "", "$" },
        { "an unknown field", With("person.favouriteColour", "blue"), "person.favouriteColour" },
        { "an unknown section", With("hobbies.chess", true), "hobbies" },
        { "an unknown field beside profile", """{"profile": {}, "dat": "2021-01-01"}""", "dat" },
        { "negative service agreement years", With("employment.serviceAgreementYears", -3), "employment.serviceAgreementYears" },
        { "a negative salary", With("employment.annualSalary", -300000), "employment.annualSalary" },
        { "a negative monthly rent", With("housing.monthlyRent", -1800), "housing.monthlyRent" },
        { "a salary given as text", With("employment.annualSalary", "三十万"), "employment.annualSalary" },
        { "a birth date in the future", With("person.birthDate", "2090-01-01"), "person.birthDate" },
        { "an impossible birth date", With("person.birthDate", "1992-02-30"), "person.birthDate" },
        { "graduation before birth", With("education.graduationDate", "1980-06-30"), "education.graduationDate" },
        { "an unknown county", With("work.county", "atlantis"), "work.county" },
        { "a county not in the city", With("work.city", "hangzhou"), "work.county" },
        { "an evaluation date that is not a date", With("person.birthDate", "1992-03-01", date: "2021-13-01"), "date" },
        { "an evaluation date beyond the calendar the platform answers for", With("person.birthDate", "1992-03-01", date: "9999-12-31"), "date" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_answered_with_400_problem_naming_the_field_in_Chinese(string scenario, string body, string field)
    {
        var problem = await (await Client.PostJsonAsync("/api/v1/eligibility", body))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, $"posting {scenario}");

        var messages = problem["errors"]?[field]?.AsArray();
        Http.That(messages is { Count: > 0 }, $"{scenario}: errors should name '{field}'", problem);
        Http.That(messages!.All(m => Regex.IsMatch(m!.GetValue<string>(), @"\p{IsCJKUnifiedIdeographs}")), $"{scenario}: the message is in Chinese", problem);
        Http.That(problem["status"]!.GetValue<int>() == 400 && problem["title"] != null, "a problem has a status and a title", problem);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task Without_a_date_the_profile_is_evaluated_as_of_today_in_China()
    {
        var (_, test) = Tier7PhdCase();
        // 2021-06-30 17:30 UTC is already 1 July in Zhejiang (UTC+8).
        await using var app = App.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddSingleton<TimeProvider>(new FixedClock(new DateTimeOffset(2021, 6, 30, 17, 30, 0, TimeSpan.Zero)))));
        var wrapped = await (await app.CreateClient().PostJsonAsync("/api/v1/eligibility", new JsonObject { ["profile"] = JsonNode.Parse(test.ProfileJson) }))
            .ExpectJsonAsync(HttpStatusCode.OK, "evaluating without a date");
        Http.That(wrapped["date"]!.GetValue<string>() == "2021-07-01", "the evaluation day is today in China", wrapped);
        var bare = await (await app.CreateClient().PostJsonAsync("/api/v1/eligibility", test.ProfileJson))
            .ExpectJsonAsync(HttpStatusCode.OK, "evaluating a bare profile (no wrapper)");
        Http.That(bare["date"]!.GetValue<string>() == "2021-07-01" && Find(bare, "eligible", Tier7) != null, "the bare profile is evaluated the same way", bare);
    }

    [Fact]
    public async Task An_unknown_policy_is_a_404_problem()
    {
        var problem = await (await Client.GetAsync("/api/v1/policies/quzhou.no-such-policy"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "asking for a policy that does not exist");
        Http.That(problem["detail"]!.GetValue<string>().Contains("quzhou.no-such-policy"), "the problem names the id", problem);
    }

    [Fact]
    public async Task The_policy_list_and_a_policy_show_source_conditions_formula_and_tests()
    {
        var list = JsonNode.Parse(await (await Client.GetAsync("/api/v1/policies")).ExpectAsync(HttpStatusCode.OK, "listing policies"))!.AsArray();
        var summary = list.OfType<JsonObject>().FirstOrDefault(p => p["id"]!.GetValue<string>() == Tier7);
        Http.That(list.Count == App.Catalog.Policies.Count && summary != null, $"the list has every policy, {Tier7} among them", list);
        Http.That(summary!["documentNumber"]!.GetValue<string>() == "衢委发〔2020〕7号" && summary["group"]?.GetValue<string>() == "quzhou.allowance"
            && summary["applicant"]!.GetValue<string>() == "person" && summary["jurisdiction"]!.GetValue<string>() == "quzhou", "summary fields", summary);

        var policy = App.Catalog.ById[Tier7];
        var detail = await (await Client.GetAsync($"/api/v1/policies/{Tier7}")).ExpectJsonAsync(HttpStatusCode.OK, "getting a policy");
        var conditions = detail["conditions"]!.AsArray();
        Http.That(conditions.Count == policy.Conditions.Count
            && conditions.All(c => c!["readable"]!.GetValue<string>().Length > 0 && c["expression"]!.GetValue<string>().Length > 0),
            "every condition comes readable and raw", detail);
        Http.That(detail["source"]!["quote"]!.GetValue<string>() == policy.Quote, "the source quote", detail);
        Http.That(detail["amount"]!["expression"]!.GetValue<string>() == policy.Amount.Source && detail["amount"]!["readable"]!.GetValue<string>().Length > 0,
            "the formula comes readable and raw", detail);
        Http.That(detail["testsCount"]!.GetValue<int>() == policy.Tests.Count, "the number of test cases", detail);
    }

    [Fact]
    public async Task The_profile_schema_is_JSON_Schema_2020_12_generated_from_the_catalog()
    {
        var response = await Client.GetAsync("/api/v1/schema/profile");
        var schema = await response.ExpectJsonAsync(HttpStatusCode.OK, "getting the profile schema");
        Http.That(schema["$schema"]!.GetValue<string>() == "https://json-schema.org/draft/2020-12/schema", "draft 2020-12", schema);
        Http.That(schema["additionalProperties"]!.GetValue<bool>() == false, "no unknown sections", schema);
        var person = schema["properties"]!["person"]!;
        Http.That(person["additionalProperties"]!.GetValue<bool>() == false, "no unknown facts", person);
        Http.That(person["properties"]!["birthDate"]!["format"]!.GetValue<string>() == "date", "dates have format: date", person);
        var county = schema["properties"]!["work"]!["properties"]!["county"]!;
        Http.That(county["enum"]!.AsArray().Any(c => c?.GetValue<string>() == "kecheng") && county["x-labels"]!["kecheng"]!.GetValue<string>() == "柯城区",
            "enums list their codes with Chinese labels", county);
        var salary = schema["properties"]!["employment"]!["properties"]!["annualSalary"]!;
        Http.That(salary["minimum"]!.GetValue<double>() == 0, "numbers are not negative", salary);
        var factCount = schema["properties"]!.AsObject().Sum(s => s.Value!["properties"]!.AsObject().Count);
        Http.That(factCount == App.Catalog.Schema.Facts.Count, $"every one of the {App.Catalog.Schema.Facts.Count} facts is described", schema);
    }

    [Fact]
    public async Task A_broken_catalog_file_is_refused_with_422_listing_file_line_column_and_the_previous_version_keeps_serving()
    {
        var client = await AdminAsync();
        var (_, test) = Tier7PhdCase();
        var before = await (await client.GetAsync("/api/v1/catalog")).ExpectJsonAsync(HttpStatusCode.OK, "catalog status before");
        var version = before["version"]!.GetValue<string>();
        var file = Path.Combine(App.CatalogRoot, "policies", TestCatalog.QuzhouFile);
        var original = await File.ReadAllTextAsync(file);
        var firstExpr = new Regex(@"(?m)^(\s+expr: )(?![>|])(.+)$");
        Assert.Matches(firstExpr, original);
        try
        {
            await File.WriteAllTextAsync(file, firstExpr.Replace(original, "$1$2 +", 1));

            var problem = await (await client.PostJsonAsync("/api/v1/catalog/reload", "{}"))
                .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "reloading a catalog with a broken expression");
            var errors = problem["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
            Http.That(errors.Count > 0 && errors.All(e => Regex.IsMatch(e, @"^catalog/policies/quzhou-2020-7\.yaml:\d+:\d+: \S")),
                "every error is 'file:line:column: message'", problem);

            var status = await (await client.GetAsync("/api/v1/catalog")).ExpectJsonAsync(HttpStatusCode.OK, "catalog status after the failed reload");
            Http.That(status["version"]!.GetValue<string>() == version, "the previous version is still in force", status);
            Http.That(status["lastReload"]!["succeeded"]!.GetValue<bool>() == false && status["lastReload"]!["errors"]!.AsArray().Count == errors.Count,
                "the status shows the failed reload and its errors", status);

            var package = await (await client.PostJsonAsync("/api/v1/eligibility", Request(test.ProfileJson, test.Date)))
                .ExpectJsonAsync(HttpStatusCode.OK, "evaluating while the file on disk is broken");
            Http.That(package["catalogVersion"]!.GetValue<string>() == version && Find(package, "eligible", Tier7) != null,
                "answers still come from the previous version", package);
        }
        finally
        {
            await File.WriteAllTextAsync(file, original);
        }
        var reloaded = await (await client.PostJsonAsync("/api/v1/catalog/reload", "{}"))
            .ExpectJsonAsync(HttpStatusCode.OK, "reloading the repaired catalog");
        Http.That(reloaded["version"]!.GetValue<string>() == version && reloaded["lastReload"]!["succeeded"]!.GetValue<bool>(), "the repaired catalog loads", reloaded);
    }

    /// <summary>The rent subsidy reads the minimum wage in force on the evaluation day: a profile that starts work in
    /// Kecheng in 2030, so that the subsidy still applies on both sides of the new value's date.</summary>
    private string RentProfile2030()
    {
        var test = App.Catalog.ById[Rent].Tests.First(t => t.Expect == "eligible" && t.Amount != null);
        var profile = JsonNode.Parse(test.ProfileJson)!.AsObject();
        profile["education"]!["graduationDate"] = "2030-06-30";
        profile["employment"]!["startDate"] = "2030-08-01";
        profile["work"] = new JsonObject { ["city"] = "quzhou", ["county"] = "kecheng" };
        return profile.ToJsonString();
    }

    private static double RentIn(JsonObject package) =>
        Find(package, "eligible", Rent)?["amount"]?.GetValue<double>() ?? throw new XunitException($"{Rent} is not eligible:\n{package.ToJsonString()}");

    [Fact]
    public async Task An_administrator_adds_a_parameter_value_and_evaluations_from_its_date_use_it()
    {
        var client = await AdminAsync();
        var profile = RentProfile2030();
        var from = new DateOnly(2031, 1, 1);
        DateOnly dayBefore = from.AddDays(-1), dayAfter = from.AddMonths(1);
        var beforeAdding = RentIn(await (await client.PostJsonAsync("/api/v1/eligibility", Request(profile, dayAfter)))
            .ExpectJsonAsync(HttpStatusCode.OK, "evaluating before the value is added"));

        var created = await (await client.PostJsonAsync($"/api/v1/parameters/{WageParameter}/values",
                """{"from": "2031-01-01", "default": 2600, "byKey": {"kecheng": 2750}, "source": "浙政发〔2030〕测试号（测试数据）"}"""))
            .ExpectJsonAsync(HttpStatusCode.Created, "adding a minimum wage from 2031-01-01");
        Http.That(created["origin"]!.GetValue<string>() == "database" && created["byKey"]!["kecheng"]!.GetValue<double>() == 2750, "the stored value is returned", created);

        // What the engine gives with that value, computed in-process from the same catalog files.
        var expected = Evaluator.Evaluate(CatalogLoader.Load(App.CatalogRoot, [(WageParameter, new ParameterValue(from, 2600,
            new Dictionary<string, double> { ["kecheng"] = 2750 }, "test", "test"))]), profile, dayAfter)
            .Eligible.Single(r => r.Policy.Id == Rent).Amount;

        var after = RentIn(await (await client.PostJsonAsync("/api/v1/eligibility", Request(profile, dayAfter)))
            .ExpectJsonAsync(HttpStatusCode.OK, "evaluating after the value's date"));
        var before = RentIn(await (await client.PostJsonAsync("/api/v1/eligibility", Request(profile, dayBefore)))
            .ExpectJsonAsync(HttpStatusCode.OK, "evaluating the day before the value's date"));
        Assert.Equal(expected, after);
        Assert.NotEqual(beforeAdding, after);
        Assert.Equal(beforeAdding, before);

        var history = await (await client.GetAsync($"/api/v1/parameters/{WageParameter}")).ExpectJsonAsync(HttpStatusCode.OK, "reading the value history");
        var values = history["values"]!.AsArray();
        Http.That(values.Any(v => v!["origin"]!.GetValue<string>() == "file") && values.Last()!["origin"]!.GetValue<string>() == "database"
            && values.Last()!["from"]!.GetValue<string>() == "2031-01-01" && values.Last()!["createdBy"] != null, "history shows file values and the new database value", history);

        // The value is in the database: a host started afresh on it uses it too.
        await using var restarted = App.WithWebHostBuilder(_ => { });
        var afterRestart = RentIn(await (await restarted.CreateClient().PostJsonAsync("/api/v1/eligibility", Request(profile, dayAfter)))
            .ExpectJsonAsync(HttpStatusCode.OK, "evaluating on a restarted host"));
        Assert.Equal(after, afterRestart);
    }

    [Fact]
    public async Task Parameter_values_with_bad_fields_are_400_naming_each_field_and_unknown_parameters_404()
    {
        var admin = await AdminAsync();
        var problem = await (await admin.PostJsonAsync($"/api/v1/parameters/{WageParameter}/values",
                """{"from": "2031-02-30", "value": "高", "byKey": {"atlantis": 1}, "source": "", "note": 1}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "adding a value with every field wrong");
        foreach (var field in new[] { "from", "value", "byKey.atlantis", "source", "note" })
            Http.That(problem["errors"]?[field] is JsonArray { Count: > 0 }, $"errors should name '{field}'", problem);

        await (await admin.PostJsonAsync($"/api/v1/parameters/{WageParameter}/values", "{\"from\": "))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "adding a value with malformed JSON");
        await (await admin.PostJsonAsync("/api/v1/parameters/no_such_parameter/values", """{"from": "2031-01-01", "value": 1, "source": "x"}"""))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "adding a value to an unknown parameter");
        await (await Client.GetAsync("/api/v1/parameters/no_such_parameter")).ExpectProblemAsync(HttpStatusCode.NotFound, "reading an unknown parameter");
    }

    [Fact]
    public async Task Administrator_endpoints_refuse_anonymous_callers_with_401_and_other_roles_with_403_and_store_nothing()
    {
        const string body = """{"from": "2032-01-01", "value": 1, "source": "x"}""";
        var anonymous = await (await Client.PostJsonAsync($"/api/v1/parameters/{WageParameter}/values", body))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "adding a value without signing in");
        Http.That(anonymous["title"]!.GetValue<string>() == "需要登录", "the problem says to sign in, in Chinese", anonymous);
        await (await Client.PostJsonAsync("/api/v1/catalog/reload", "{}"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "reloading without signing in");

        var window = await App.ClientAsync(Roles.Window);
        await (await window.PostJsonAsync($"/api/v1/parameters/{WageParameter}/values", body))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "adding a value as window staff");
        var talent = await App.ClientAsync(Roles.Talent);
        await (await talent.PostJsonAsync("/api/v1/catalog/reload", "{}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "reloading as a talent");

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        Assert.False(await db.ParameterValues.AnyAsync(v => v.From == new DateOnly(2032, 1, 1)));
    }

    [Fact]
    public async Task Catalog_loads_are_recorded_in_the_database()
    {
        await (await Client.GetAsync("/api/v1/catalog")).ExpectJsonAsync(HttpStatusCode.OK, "catalog status");
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        var loads = await db.CatalogLoads.AsNoTracking().OrderBy(l => l.Id).ToListAsync();
        Assert.Contains(loads, l => l.Succeeded && l.Version == App.Catalog.Version && l.PolicyCount == App.Catalog.Policies.Count && l.Trigger == "startup");
        Assert.Equal(App.ProviderName == "PostgreSQL" ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", db.Database.ProviderName);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_and_the_page_to_try_it_are_served()
    {
        var doc = await (await Client.GetAsync("/openapi/v1.json")).ExpectJsonAsync(HttpStatusCode.OK, "getting the OpenAPI document");
        Http.That(doc["openapi"]!.GetValue<string>().StartsWith('3'), "an OpenAPI 3 document", doc);
        foreach (var path in new[] { "/api/v1/eligibility", "/api/v1/policies/{id}", "/api/v1/parameters/{name}/values", "/api/v1/catalog/reload", "/api/v1/schema/profile" })
            Http.That(doc["paths"]?[path] != null, $"the document describes {path}", doc["paths"]);
        var page = await (await Client.GetAsync("/scalar/")).ExpectAsync(HttpStatusCode.OK, "getting the API reference page");
        Assert.Contains("openapi/v1.json", page);
    }

    [Fact]
    public async Task Pages_and_API_answers_carry_the_security_headers()
    {
        foreach (var url in new[] { "/", "/api/v1/catalog" })
        {
            var response = await Client.GetAsync(url);
            await response.ExpectAsync(HttpStatusCode.OK, $"GET {url}");
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'self'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
        }
    }
}

public sealed class ApiScenariosOnSqlite(SqliteApp app) : ApiScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class ApiScenariosOnPostgres(PostgresServer server) : ApiScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;

    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await server.AppFor(nameof(ApiScenariosOnPostgres));

    public Task DisposeAsync() => Task.CompletedTask;
}
