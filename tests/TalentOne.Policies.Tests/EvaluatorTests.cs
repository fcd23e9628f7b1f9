using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;

namespace TalentOne.Policies.Tests;

public class EvaluatorTests
{
    private static readonly PolicyCatalog C = Repo.MiniCatalog;

    private const string Phd = """
        {"person": {"birthDate": "1990-05-01", "honours": []},
         "education": {"level": "doctorate", "fullTime": true, "graduationDate": "2019-07-01"},
         "employment": {"post": "none", "annualSalary": 300000},
         "work": {"city": "quzhou", "county": "kecheng"},
         "socialInsurance": {"startDate": "2020-01-01"},
         "housing": {"purchaseDate": "2020-08-01", "purchasePrice": 2000000}}
        """;

    private static PolicyResult Result(Package p, string id) => p.Results.Single(r => r.Policy.Id == id);

    [Fact]
    public void Eligible_policy_carries_amount_schedule_payer_and_its_source()
    {
        var pkg = Evaluator.Evaluate(C, Phd, new DateOnly(2020, 9, 1));
        var r = Result(pkg, "mini.allowance.phd");
        Assert.Equal(Outcome.Eligible, r.Outcome);
        Assert.Equal(20000, r.Amount);
        Assert.Equal(60000, r.Total);
        Assert.Equal("市财政", r.Policy.Payer);
        Assert.Equal("第1条", r.Policy.Article);
        Assert.Contains("全日制博士研究生每人每年", r.Policy.Quote);
        Assert.Equal("每年，共 3 年", Package.ScheduleText(r.Policy.Amount));
    }

    [Fact]
    public void Failed_conditions_are_explained_in_Chinese_with_the_actual_value()
    {
        var pkg = Evaluator.Evaluate(C, Phd.Replace("\"doctorate\"", "\"bachelor\""), new DateOnly(2020, 9, 1));
        var r = Result(pkg, "mini.rent");
        Assert.Equal(Outcome.Ineligible, r.Outcome);
        var failed = Assert.Single(r.Failed);
        Assert.Equal("硕士及以上", failed.Clause.Label);
        Assert.Equal("最高学历 ≥ 硕士研究生", failed.Clause.Readable);
        Assert.Equal("最高学历：本科", failed.Actual);
    }

    [Fact]
    public void Unknown_facts_make_a_policy_need_information_not_zero()
    {
        var pkg = Evaluator.Evaluate(C, """{"work": {"city": "quzhou"}}""", new DateOnly(2020, 9, 1));
        var r = Result(pkg, "mini.allowance.phd");
        Assert.Equal(Outcome.NeedsInfo, r.Outcome);
        Assert.Contains(r.Missing, f => f.Path == "education.level");
        Assert.Null(r.Amount);
    }

    [Fact]
    public void False_and_unknown_is_false()
    {
        // education.fullTime unknown, but the level is not a doctorate: definitely not a full-time PhD
        var pkg = Evaluator.Evaluate(C, """{"education": {"level": "master"}, "work": {"city": "quzhou"}}""", new DateOnly(2020, 9, 1));
        Assert.Equal(Outcome.Ineligible, Result(pkg, "mini.allowance.phd").Outcome);
    }

    [Fact]
    public void Time_alone_fixes_social_insurance_months_and_the_date_is_given()
    {
        var pkg = Evaluator.Evaluate(C, Phd, new DateOnly(2020, 3, 1));
        var r = Result(pkg, "mini.housing.purchase");
        Assert.Equal(Outcome.Nearly, r.Outcome);
        Assert.Equal(new DateOnly(2020, 7, 1), r.EligibleOn);
        Assert.Contains("缴纳社保满 6 个月", r.EligibleOnReason);
    }

    [Fact]
    public void Age_limit_passed_is_not_fixed_by_time()
    {
        var pkg = Evaluator.Evaluate(C, Phd.Replace("1990-05-01", "1980-05-01"), new DateOnly(2020, 9, 1));
        var r = Result(pkg, "mini.housing.purchase");
        Assert.Equal(Outcome.Ineligible, r.Outcome);
        Assert.Null(r.EligibleOn);
    }

    [Fact]
    public void Cap_lowers_the_amount_and_is_explained()
    {
        var pkg = Evaluator.Evaluate(C, Phd.Replace("2000000", "500000"), new DateOnly(2020, 9, 1));
        var r = Result(pkg, "mini.housing.purchase");
        Assert.Equal(Outcome.Eligible, r.Outcome);
        Assert.Equal(720000, r.UncappedAmount);
        Assert.Equal(500000, r.Amount);
        Assert.Equal("不超过实际房价", Assert.Single(r.CapsApplied).Label);
    }

    [Fact]
    public void Unknown_cap_fact_asks_for_it()
    {
        var pkg = Evaluator.Evaluate(C, Phd.Replace(", \"purchasePrice\": 2000000", ""), new DateOnly(2020, 9, 1));
        var r = Result(pkg, "mini.housing.purchase");
        Assert.Equal(Outcome.NeedsInfo, r.Outcome);
        Assert.Contains(r.Missing, f => f.Path == "housing.purchasePrice");
    }

    [Fact]
    public void Parameter_value_in_force_at_the_purchase_date_is_used()
    {
        // average price 10000 before 2020-07-01, 12000 after; 60 m² × price
        var before = Evaluator.Evaluate(C, Phd.Replace("2020-08-01", "2020-06-15"), new DateOnly(2020, 9, 1));
        var after = Evaluator.Evaluate(C, Phd, new DateOnly(2020, 9, 1));
        Assert.Equal(600000, Result(before, "mini.housing.purchase").Amount);
        Assert.Equal(720000, Result(after, "mini.housing.purchase").Amount);
    }

    [Fact]
    public void Teacher_gets_120_percent()
    {
        var pkg = Evaluator.Evaluate(C, Phd.Replace("\"post\": \"none\"", "\"post\": \"teacher\""), new DateOnly(2020, 9, 1));
        Assert.Equal(864000, Result(pkg, "mini.housing.purchase").Amount);
    }

    [Fact]
    public void Evaluation_uses_the_parameter_values_in_force_on_the_evaluation_date()
    {
        Assert.Equal(11952, Result(Evaluator.Evaluate(C, Phd, new DateOnly(2021, 7, 31)), "mini.rent").Amount);
        Assert.Equal(13248, Result(Evaluator.Evaluate(C, Phd, new DateOnly(2021, 8, 1)), "mini.rent").Amount);
    }

    [Fact]
    public void Policy_not_yet_in_force_is_nearly_with_its_start_date_and_counts_nothing()
    {
        var json = Phd.Replace("\"kecheng\"", "\"jiangshan\"");
        var before = Evaluator.Evaluate(C, json, new DateOnly(2021, 5, 1));
        var r = Result(before, "mini.mountain");
        Assert.Equal(Outcome.Nearly, r.Outcome);
        Assert.Equal(new DateOnly(2021, 6, 1), r.EligibleOn);
        Assert.Equal(Outcome.Eligible, Result(Evaluator.Evaluate(C, json, new DateOnly(2021, 6, 1)), "mini.mountain").Outcome);
    }

    [Fact]
    public void Highest_only_group_counts_the_higher_and_explains_the_other()
    {
        var pkg = Evaluator.Evaluate(C, Phd.Replace("\"honours\": []", "\"honours\": [\"kunpeng\"]"), new DateOnly(2020, 9, 1));
        var phd = Result(pkg, "mini.allowance.phd");
        var kunpeng = Result(pkg, "mini.allowance.kunpeng");
        Assert.Equal(Outcome.Eligible, phd.Outcome);
        Assert.Equal(Outcome.Eligible, kunpeng.Outcome);
        Assert.Null(kunpeng.ExcludedByGroupNote);
        Assert.Contains("就高不重复", phd.ExcludedByGroupNote);
        Assert.False(phd.Counted);
        // total: kunpeng 300000 + housing 720000 + rent 3 × 11952 (phd allowance not counted)
        Assert.Equal(300000 + 720000 + 3 * 11952, pkg.Total);
    }

    [Fact]
    public void A_lower_tier_of_a_group_already_held_is_not_suggested()
    {
        var pkg = Evaluator.Evaluate(C, Phd, new DateOnly(2020, 9, 1));
        var master = Result(pkg, "mini.allowance.master");
        Assert.Equal(Outcome.Ineligible, master.Outcome);
        Assert.Contains("已符合同属“人才津贴（就高不重复）”的“博士津贴”", master.ExcludedByGroupNote);
    }

    [Fact]
    public void Nearly_eligible_shows_what_it_would_grant()
    {
        var pkg = Evaluator.Evaluate(C, Phd.Replace("\"doctorate\", \"fullTime\": true", "\"master\", \"fullTime\": false"), new DateOnly(2020, 9, 1));
        var master = Result(pkg, "mini.allowance.master");
        Assert.Equal(Outcome.Nearly, master.Outcome);
        Assert.Equal(10000, master.UncappedAmount);
        Assert.Equal("全日制学历", Assert.Single(master.Failed).Clause.Label);
    }

    [Fact]
    public void Date_arithmetic_beyond_the_calendar_is_unknown_not_a_crash()
    {
        var end = (double)DateOnly.MaxValue.DayNumber;
        Assert.True(double.IsNaN(Language.Builtins.AddYears(end, 1)));
        Assert.True(double.IsNaN(Language.Builtins.AddMonths(end, 1e12)));
        Assert.True(double.IsNaN(Language.Builtins.AddDays(end, 10)));
        Assert.Equal(new DateOnly(2022, 2, 28).DayNumber, Language.Builtins.AddYears(new DateOnly(2020, 2, 29).DayNumber, 2));
    }

    [Fact]
    public void Place_clause_is_added_from_the_jurisdiction()
    {
        var pkg = Evaluator.Evaluate(C, Phd.Replace("\"quzhou\", \"county\": \"kecheng\"", "\"hangzhou\", \"county\": \"xihu\""), new DateOnly(2020, 9, 1));
        var r = Result(pkg, "mini.allowance.phd");
        Assert.Equal(Outcome.Ineligible, r.Outcome);
        Assert.Equal("在衢州市工作", Assert.Single(r.Failed).Clause.Label);
        // the province-wide rent subsidy still applies, with Hangzhou's higher minimum wage
        Assert.Equal(Math.Round(0.6 * 12 * 2010, 2), Result(pkg, "mini.rent").Amount);
    }

    [Fact]
    public void Dto_names_source_document_article_and_quote()
    {
        var dto = PackageDto.From(Evaluator.Evaluate(C, Phd, new DateOnly(2020, 9, 1)));
        var e = dto.Eligible.Single(x => x.Id == "mini.allowance.phd");
        Assert.Equal("测试文件〔2020〕1号", e.Source.Document);
        Assert.Equal("第1条", e.Source.Article);
        Assert.Equal("每年，共 3 年", e.Schedule);
    }
}
