using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Language;
using TalentOne.Policies.Profiles;

namespace TalentOne.Policies.Catalog;

public sealed record CatalogTestResult(string Name, string PolicyId, SourcePos Pos, bool Passed, string? Failure);

/// <summary>Runs the test cases written in the policy files (`catalog test`, and the test suite).</summary>
public static class CatalogTests
{
    private static string Outcome(Outcome o) => o switch
    {
        Evaluation.Outcome.Eligible => "eligible",
        Evaluation.Outcome.Nearly => "nearly",
        Evaluation.Outcome.NeedsInfo => "needs_info",
        _ => "ineligible",
    };

    public static IEnumerable<CatalogTestResult> RunAll(PolicyCatalog catalog)
    {
        foreach (var p in catalog.Policies)
            foreach (var t in p.Tests)
                yield return Run(catalog, p, t);
        foreach (var t in catalog.PackageTests)
            yield return Run(catalog, t);
    }

    public static CatalogTestResult Run(PolicyCatalog catalog, Policy p, PolicyTest t)
    {
        CatalogTestResult Fail(string why) => new(t.Name, p.Id, t.Pos, false, why);
        Package pkg;
        try { pkg = Evaluator.Evaluate(catalog, t.ProfileJson, t.Date); }
        catch (ProfileException pe) { return Fail("profile is invalid: " + pe.Message); }
        var r = pkg.Results.FirstOrDefault(x => x.Policy == p);
        if (r == null) return Fail($"policy not evaluated for this profile (applicant is {p.Applicant}, profile is {pkg.Kind})");
        var got = Outcome(r.Outcome);
        string Reasons() => string.Join("; ", r.Conditions.Where(c => c.Truth != Truth.True)
            .Select(c => $"[{c.Truth}] {c.Clause.Label}{(c.Actual.Length > 0 ? " (" + c.Actual + ")" : "")}"))
            + (r.Missing.Count > 0 ? "; missing: " + string.Join(", ", r.Missing.Select(m => m.Path)) : "");
        if (got != t.Expect) return Fail($"expected {t.Expect}, got {got}. {Reasons()}");
        if (t.Amount is double a && (r.Amount is not double ra || Math.Abs(ra - a) > 0.005))
            return Fail($"expected amount {a}, got {r.Amount?.ToString() ?? "none"}");
        if (t.Total is double tt && (r.Total is not double rt || Math.Abs(rt - tt) > 0.005))
            return Fail($"expected total {tt}, got {r.Total?.ToString() ?? "none"}");
        if (t.EligibleOn is DateOnly on && r.EligibleOn != on)
            return Fail($"expected eligible_on {on:yyyy-MM-dd}, got {r.EligibleOn?.ToString("yyyy-MM-dd") ?? "none"}");
        return new(t.Name, p.Id, t.Pos, true, null);
    }

    public static CatalogTestResult Run(PolicyCatalog catalog, PackageTest t)
    {
        CatalogTestResult Fail(string why) => new(t.Name, "(package)", t.Pos, false, why);
        Package pkg;
        try { pkg = Evaluator.Evaluate(catalog, t.ProfileJson, t.Date); }
        catch (ProfileException pe) { return Fail("profile is invalid: " + pe.Message); }
        foreach (var id in t.Eligible)
        {
            var r = pkg.Results.FirstOrDefault(x => x.Policy.Id == id);
            if (r is not { Outcome: Evaluation.Outcome.Eligible, ExcludedByGroupNote: null })
                return Fail($"expected {id} eligible and counted, got {(r == null ? "not evaluated" : Outcome(r.Outcome) + (r.ExcludedByGroupNote != null ? " (excluded by group)" : ""))}");
        }
        foreach (var id in t.NotEligible)
            if (pkg.Results.FirstOrDefault(x => x.Policy.Id == id) is { Outcome: Evaluation.Outcome.Eligible })
                return Fail($"expected {id} not eligible, but it is");
        foreach (var id in t.ExcludedByGroup)
            if (pkg.Results.FirstOrDefault(x => x.Policy.Id == id) is not { ExcludedByGroupNote: not null })
                return Fail($"expected {id} excluded by its 就高不重复 group");
        if (t.Total is double total && Math.Abs(pkg.Total - total) > 0.005)
            return Fail($"expected package total {total}, got {pkg.Total}");
        return new(t.Name, "(package)", t.Pos, true, null);
    }
}
