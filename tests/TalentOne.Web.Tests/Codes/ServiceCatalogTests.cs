using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Registry.Codes;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Codes;

/// <summary>catalog/services.yaml: it loads against the whole catalog as shipped and against the tests' Quzhou-only
/// copy, grants services by the engine's own answers, and a mistake is reported at its file, line and column.</summary>
public sealed class ServiceCatalogTests
{
    private static readonly Lazy<PolicyCatalog> Full = new(() => CatalogLoader.Load(Path.Combine(TestCatalog.RepoRoot, "catalog")));

    private const string QuzhouPhd = """
        {"subject": {"kind": "person"}, "person": {"birthDate": "1992-03-01", "title": "none", "honours": []},
         "education": {"level": "doctorate", "fullTime": true, "doubleFirstClass": true, "graduationDate": "2020-06-30"},
         "employment": {"status": "employed", "fullTime": true, "startDate": "2020-07-01", "serviceAgreementYears": 5, "post": "researcher"},
         "employer": {"type": "enterprise", "keyIndustry": true}, "work": {"city": "quzhou", "county": "kecheng"}, "housing": {"status": "renting"}}
        """;

    [Fact]
    public void The_shipped_service_catalog_loads_with_the_whole_policy_catalog_and_never_shows_an_identity_number()
    {
        var services = ServiceCatalogLoader.Load(Full.Value);
        Assert.Equal(["apartment", "bank", "bus", "hospital", "school"], services.Providers.Keys.Order().ToArray());
        Assert.All(services.Services, s => Assert.True(s.Source.Quote != null || s.Source.Note != null, $"{s.Id} names its source or says it gives no detail"));
        Assert.Contains(services.Services, s => s.Holder == TalentOne.Policies.Catalog.Applicant.Enterprise);
        // A bus company sees the category and nothing else about the holder.
        Assert.Equal([CodeField.Category], services.Providers["bus"].Sees);
        Assert.DoesNotContain(services.Providers.Values, p => p.Sees.Count > 5);
    }

    [Fact]
    public void A_Quzhou_PhD_is_a_tier7_talent_with_the_Quzhou_services_and_not_the_Nanhu_ones()
    {
        var services = ServiceCatalogLoader.Load(Full.Value);
        var a = services.Assess(QuzhouPhd, new DateOnly(2021, 8, 1));
        Assert.Equal("衢州市第七层次人才", a.Category);
        Assert.Equal(["quzhou.apartment.rental", "quzhou.bus.travel", "quzhou.hospital.health_care", "quzhou.school.enrolment"],
            a.Services.Select(s => s.Id).Order().ToArray());

        // The same person in Nanhu with a recognised talent class: Nanhu's 一码通 services, category by class.
        var nanhu = QuzhouPhd.Replace("\"city\": \"quzhou\", \"county\": \"kecheng\"", "\"city\": \"jiaxing\", \"county\": \"nanhu\"")
            .Replace("\"honours\": []", "\"honours\": [], \"talentClass\": \"D\"");
        var b = services.Assess(nanhu, new DateOnly(2021, 8, 1));
        Assert.Equal("D类人才（经认定的本市人才分类）", b.Category);
        Assert.Equal(["nanhu.apartment.talent_apartment", "nanhu.hospital.green_channel", "nanhu.school.enrolment"], b.Services.Select(s => s.Id).Order().ToArray());

        // Unknown is not yes: without a talent class nothing in Nanhu is granted.
        var unknown = services.Assess(nanhu.Replace(", \"talentClass\": \"D\"", ""), new DateOnly(2021, 8, 1));
        Assert.Empty(unknown.Services);
        Assert.Equal("全日制博士研究生", unknown.Category);
    }

    [Theory]
    [InlineData("    when: education.level >= 3\n", 9, "expected a enum:edu_level after '>='")]
    [InlineData("    when: education.levle == \"master\"\n", 9, "education.levle")]
    [InlineData("    eligible_for: [quzhou.no.such.policy]\n", 9, "unknown policy 'quzhou.no.such.policy'")]
    [InlineData("    id_number: x\n", 9, "unknown key 'id_number'")]
    public void A_mistake_in_a_service_is_reported_at_its_line(string line, int lineNumber, string expected)
    {
        var catalog = TestCatalog.CreateCopy();
        try
        {
            var policies = CatalogLoader.Load(catalog);
            var path = Path.Combine(catalog, "services.yaml");
            File.WriteAllText(path,
                "providers:\n" +                                  // 1
                "  hospital: {title: 医疗机构, sees: [name]}\n" +   // 2
                "services:\n" +                                   // 3
                "  - id: t.hospital\n" +                          // 4
                "    title: 就医绿色通道\n" +                        // 5
                "    provider: hospital\n" +                      // 6
                "    city: quzhou\n" +                            // 7
                "    who: 测试\n" +                                 // 8
                line +                                            // 9
                "    source: {document: 测试, note: 无}\n");        // 10
            var e = Assert.Throws<CatalogException>(() => ServiceCatalogLoader.Load(path, policies));
            var first = e.Errors[0];
            Assert.Equal("catalog/services.yaml", first.Pos.File);
            Assert.Equal(lineNumber, first.Pos.Line);
            Assert.Contains(expected, first.Message);
        }
        finally { TestCatalog.DeleteCopy(catalog); }
    }

    [Fact]
    public void A_provider_may_not_be_configured_to_see_an_identity_number()
    {
        var catalog = TestCatalog.CreateCopy();
        try
        {
            var policies = CatalogLoader.Load(catalog);
            var path = Path.Combine(catalog, "services.yaml");
            File.WriteAllText(path, File.ReadAllText(path).Replace("sees: [name, category, city]\n  school:", "sees: [name, id_number]\n  school:"));
            var e = Assert.Throws<CatalogException>(() => ServiceCatalogLoader.Load(path, policies));
            var error = Assert.Single(e.Errors);
            Assert.Contains("never shown to a service provider", error.Message);
            Assert.Matches(@"^catalog/services\.yaml:\d+:\d+: ", error.ToString());
        }
        finally { TestCatalog.DeleteCopy(catalog); }
    }
}
