using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;

namespace TalentOne.Policies.Tests;

/// <summary>A broken policy file stops the catalog from loading with file:line:column and what was expected.</summary>
public class LanguageErrorTests
{
    private static CatalogError LoadError(ScratchCatalog s)
    {
        var ex = Assert.Throws<CatalogException>(() => CatalogLoader.Load(s.Dir));
        return ex.Errors[0];
    }

    private static void AssertAt(CatalogError e, ScratchCatalog s, string snippet, int offset = 0)
    {
        var (line, col) = s.Where(snippet, offset);
        Assert.EndsWith("policies/mini.yaml", e.Pos.File);
        Assert.True(e.Pos.Line == line && e.Pos.Column == col, $"expected {line}:{col}, got {e}");
    }

    [Fact]
    public void Missing_operand_points_after_the_operator()
    {
        using var s = new ScratchCatalog();
        s.Edit("expr: education.level >= \"master\"", "expr: education.level >=");
        var e = LoadError(s);
        Assert.Contains("expected a value", e.Message);
        AssertAt(e, s, "education.level >=", "education.level >=".Length);
    }

    [Fact]
    public void Type_mismatch_names_both_types_at_the_offending_operand()
    {
        using var s = new ScratchCatalog();
        s.Edit("expr: education.level >= \"master\"", "expr: education.level >= 5");
        var e = LoadError(s);
        Assert.Equal("expected a enum:edu_level after '>=', found number", e.Message);
        AssertAt(e, s, "education.level >= 5", "education.level >= ".Length);
    }

    [Fact]
    public void Unknown_fact_suggests_the_nearest_name()
    {
        using var s = new ScratchCatalog();
        s.Edit("expr: education.level >= \"master\"", "expr: education.levle >= \"master\"");
        var e = LoadError(s);
        Assert.Contains("unknown name 'education.levle'", e.Message);
        Assert.Contains("did you mean 'education.level'?", e.Message);
        AssertAt(e, s, "education.levle");
    }

    [Fact]
    public void Unknown_enum_member_lists_the_allowed_ones()
    {
        using var s = new ScratchCatalog();
        s.Edit("\"master\"", "\"masters\"");
        var e = LoadError(s);
        Assert.Contains("\"masters\" is not a member of edu_level", e.Message);
        Assert.Contains("none, bachelor, master, doctorate", e.Message);
        AssertAt(e, s, "\"masters\"");
    }

    [Fact]
    public void Ordering_an_unordered_enum_is_refused()
    {
        using var s = new ScratchCatalog();
        s.Edit("expr: education.level >= \"master\"", "expr: employment.post > \"teacher\"");
        Assert.Contains("needs an ordered enum", LoadError(s).Message);
    }

    [Fact]
    public void Wrong_number_of_arguments()
    {
        using var s = new ScratchCatalog();
        s.Edit("months_between(socialInsurance.startDate, today)", "months_between(socialInsurance.startDate)");
        var e = LoadError(s);
        Assert.Equal("months_between takes 2 argument(s), found 1", e.Message);
        AssertAt(e, s, "months_between(socialInsurance.startDate)");
    }

    [Fact]
    public void A_condition_must_be_yes_or_no()
    {
        using var s = new ScratchCatalog();
        s.Edit("expr: education.level >= \"master\"", "expr: 20000");
        Assert.Equal("a condition must be a bool, but this expression is a number", LoadError(s).Message);
    }

    [Fact]
    public void C_style_operators_are_explained()
    {
        using var s = new ScratchCatalog();
        s.Edit("phd: education.level == \"doctorate\" and education.fullTime", "phd: education.level == \"doctorate\" && education.fullTime");
        var e = LoadError(s);
        Assert.Equal("unexpected '&': use 'and', 'or', 'not'", e.Message);
        AssertAt(e, s, "&&");
    }

    [Fact]
    public void Definitions_may_not_be_circular()
    {
        using var s = new ScratchCatalog();
        s.Edit("phd: education.level == \"doctorate\" and education.fullTime", "phd: phd and education.fullTime");
        Assert.Contains("refers to itself", LoadError(s).Message);
    }

    [Fact]
    public void Unknown_keys_and_yaml_errors_have_positions()
    {
        using (var s = new ScratchCatalog())
        {
            s.Edit("    title: 博士津贴", "    titel: 博士津贴");
            var ex = Assert.Throws<CatalogException>(() => CatalogLoader.Load(s.Dir));
            Assert.Contains(ex.Errors, e => e.Message.StartsWith("unknown key 'titel' in a policy", StringComparison.Ordinal));
        }
        using (var s = new ScratchCatalog())
        {
            s.Edit("    article: 第1条", "   article: 第1条");
            var e = LoadError(s);
            Assert.StartsWith("YAML syntax error", e.Message);
            Assert.True(e.Pos.Line > 1);
        }
    }

    [Fact]
    public void Every_error_is_reported_not_just_the_first()
    {
        using var s = new ScratchCatalog();
        s.Edit("\"master\"", "\"masters\"");
        s.Edit("months_between(socialInsurance.startDate, today)", "months_between(socialInsurance.startDate)");
        var ex = Assert.Throws<CatalogException>(() => CatalogLoader.Load(s.Dir));
        Assert.Equal(2, ex.Errors.Count);
    }

    [Fact]
    public void Parser_handles_precedence_and_if()
    {
        var errors = new List<CatalogError>();
        var e = Parser.Parse("if a.b then 1 + 2 * 3 else -4", new SourcePos("x", 1, 1), errors);
        Assert.Empty(errors);
        var i = Assert.IsType<IfExpr>(e);
        var sum = Assert.IsType<BinaryExpr>(i.Then);
        Assert.Equal("+", sum.Op);
        Assert.Equal("*", Assert.IsType<BinaryExpr>(sum.Right).Op);
        Assert.Equal(new SourcePos("x", 1, 19), sum.Right.Pos); // a binary node sits at its operator
    }

    [Fact]
    public void Comparisons_do_not_chain()
    {
        var errors = new List<CatalogError>();
        Assert.Null(Parser.Parse("1 < 2 < 3", new SourcePos("x", 3, 7), errors));
        Assert.Equal("x:3:13: comparisons do not chain: combine them with 'and'", errors.Single().ToString());
    }
}
