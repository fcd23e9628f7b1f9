using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Registry.Certification;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Certification;

/// <summary>catalog/certification: the shipped routes load against the real catalog and pass their own test cases, and a
/// broken file is refused with file:line:column messages.</summary>
public sealed class CertificationCatalogTests : IDisposable
{
    private readonly string _copy = TestCatalog.CreateCopy();

    public void Dispose() => TestCatalog.DeleteCopy(_copy);

    private static CertificationCatalog Real() =>
        CertificationCatalog.Load(CatalogLoader.Load(Path.Combine(TestCatalog.RepoRoot, "catalog")));

    [Fact]
    public void The_shipped_routes_load_and_pass_their_test_cases()
    {
        var routes = Real();
        Assert.Contains(routes.Routes, r => r.Id == "quzhou.tier3" && r.DepartmentId == "quzhou.talent_office");
        Assert.Contains(routes.Routes, r => r.Id == "yuhang.market_based" && r.Grants.Single().ReviewerChooses);
        Assert.Contains(routes.Routes, r => r.Id == "sanmen.public_recommendation");
        var failed = routes.RunTests().Where(t => !t.Passed).ToList();
        if (failed.Count > 0) throw new XunitException(string.Join("\n", failed.Select(f => $"{f.Pos}: {f.RouteId} — {f.Name}: {f.Failure}")));
        Assert.True(routes.RunTests().Count() >= routes.Routes.Count * 2);
    }

    private CatalogException Broken(string file, string text)
    {
        File.WriteAllText(Path.Combine(_copy, "certification", file), text);
        return Assert.Throws<CatalogException>(() => CertificationCatalog.Load(CatalogLoader.Load(_copy)));
    }

    private const string Valid = """
        document:
          id: test-doc
          number: 测试〔2021〕1号
          title: 测试文件
          seed: 003_b1b52c8f985e38a5.txt
        evidence_kinds:
          contract:
            title: 劳动合同
            accept: [pdf, png]
        routes:
          - id: test.route
            title: 测试认定
            city: quzhou
            department: talent_office
            article: 第1条
            quote: 测试原文
            grants:
              person.quzhouTalentTier: 5
            validity: {years: 2}
            conditions:
              - label: 全职在衢
                expr: work.city == "quzhou" and employment.fullTime
            evidence:
              - kind: contract
                proves: employment.fullTime
                required: true
            tests:
              - name: 全职
                profile: {work: {city: quzhou, county: kecheng}, employment: {fullTime: true}}
                expect: meets
              - name: 非全职
                profile: {work: {city: quzhou, county: kecheng}, employment: {fullTime: false}}
                expect: not_met
        """;

    [Fact]
    public void A_valid_extra_file_loads()
    {
        File.WriteAllText(Path.Combine(_copy, "certification", "test.yaml"), Valid);
        var routes = CertificationCatalog.Load(CatalogLoader.Load(_copy));
        var route = routes.ById["test.route"];
        Assert.Equal("quzhou.talent_office", route.DepartmentId);
        Assert.Equal(new DateOnly(2023, 3, 31), route.Validity.LastDay(new DateOnly(2021, 4, 1)));
        Assert.All(routes.RunTests(), t => Assert.True(t.Passed, t.Failure));
    }

    public static TheoryData<string, string, string, string> Mistakes => new()
    {
        // scenario, text to replace, replacement, expected message
        { "an unknown fact in a condition", "employment.fullTime\n", "employment.fulltime\n", "unknown name 'employment.fulltime'" },
        { "an unknown department kind", "department: talent_office", "department: police", "unknown department kind 'police'" },
        { "an unknown city", "city: quzhou", "city: atlantis", "unknown city 'atlantis'" },
        { "a grant value of the wrong type", "person.quzhouTalentTier: 5", "person.quzhouTalentTier: five", "'five' is not a valid number value" },
        { "a grant of an unknown enum member", "person.quzhouTalentTier: 5", "person.talentClass: Z", "'Z' is not a member of talent_class" },
        { "evidence of an undeclared kind", "- kind: contract", "- kind: diploma", "unknown evidence kind 'diploma'" },
        { "evidence proving a fact the route does not use", "proves: employment.fullTime", "proves: education.level == \"doctorate\"", "proves 'education.level', which the route neither requires" },
        { "a file type the platform does not take", "accept: [pdf, png]", "accept: [pdf, docx]", "unknown file type 'docx'" },
        { "no validity", "validity: {years: 2}", "validity: {}", "validity needs either 'years' or 'until'" },
        { "an unknown key", "article: 第1条", "articel: 第1条", "unknown key 'articel' in a route" },
        { "a failing test case", "expect: not_met", "expect: meets", "needs tests: at least one expecting meets and one expecting another outcome" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_broken_route_file_is_refused_with_file_line_and_column(string scenario, string find, string replace, string expected)
    {
        Assert.Contains(find, Valid);
        var ex = Broken("test.yaml", Valid.Replace(find, replace));
        var error = ex.Errors.FirstOrDefault(e => e.Message.Contains(expected, StringComparison.Ordinal))
            ?? throw new XunitException($"{scenario}: no error says “{expected}”:\n{string.Join("\n", ex.Errors)}");
        Assert.Equal("catalog/certification/test.yaml", error.Pos.File);
        var lines = Valid.Replace(find, replace).Split('\n');
        Assert.InRange(error.Pos.Line, 1, lines.Length);
        Assert.Matches(@"^catalog/certification/test\.yaml:\d+:\d+: ", error.ToString());
    }

    [Fact]
    public void A_route_test_that_fails_is_reported_with_its_position()
    {
        File.WriteAllText(Path.Combine(_copy, "certification", "test.yaml"), Valid.Replace("employment: {fullTime: false}", "employment: {fullTime: true}"));
        var failed = CertificationCatalog.Load(CatalogLoader.Load(_copy)).RunTests().Single(t => !t.Passed);
        Assert.Equal("非全职", failed.Name);
        Assert.Equal("catalog/certification/test.yaml", failed.Pos.File);
        Assert.Contains("expected not_met, got meets", failed.Failure);
    }
}
