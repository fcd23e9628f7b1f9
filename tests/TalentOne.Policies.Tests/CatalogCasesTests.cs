using TalentOne.Policies.Catalog;

namespace TalentOne.Policies.Tests;

/// <summary>The test cases written in the policy files themselves (what `catalog test` runs), one xunit case each.</summary>
public class CatalogCasesTests
{
    public static IEnumerable<object[]> RealCases() =>
        Repo.Real.Policies.SelectMany(p => p.Tests.Select(t => new object[] { p.Id, t.Name, t.Pos.Line }))
            .Concat(Repo.Real.PackageTests.Select(t => new object[] { "(package)", t.Name, t.Pos.Line }));

    [Theory]
    [MemberData(nameof(RealCases))]
    public void Policy_file_case_holds(string policyId, string name, int line)
    {
        var c = Repo.Real;
        CatalogTestResult r = policyId == "(package)"
            ? CatalogTests.Run(c, c.PackageTests.Single(t => t.Name == name && t.Pos.Line == line))
            : CatalogTests.Run(c, c.ById[policyId], c.ById[policyId].Tests.Single(t => t.Name == name && t.Pos.Line == line));
        Assert.True(r.Passed, $"{r.Pos}: {r.Failure}");
    }

    [Fact]
    public void Every_policy_has_an_eligible_and_a_not_eligible_case_with_an_amount()
    {
        foreach (var p in Repo.Real.Policies)
        {
            Assert.Contains(p.Tests, t => t.Expect == "eligible" && t.Amount != null);
            Assert.Contains(p.Tests, t => t.Expect != "eligible");
        }
    }

    [Fact]
    public void Every_policy_quotes_its_source()
    {
        foreach (var p in Repo.Real.Policies)
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Quote), p.Id);
            Assert.False(string.IsNullOrWhiteSpace(p.Article), p.Id);
            Assert.False(string.IsNullOrWhiteSpace(p.Document.Number), p.Id);
        }
    }

    [Fact]
    public void Mini_catalog_cases_hold()
    {
        var failures = CatalogTests.RunAll(Repo.MiniCatalog).Where(r => !r.Passed).Select(r => $"{r.Pos}: {r.Failure}").ToList();
        Assert.Empty(failures);
    }

    [Fact]
    public void Peer_workload_catalog_cases_hold()
    {
        var peer = CatalogLoader.Load(Path.Combine(Repo.Root, "bench", "peer-catalog"));
        Assert.Equal(20, peer.Policies.Count);
        Assert.All(CatalogTests.RunAll(peer), r => Assert.True(r.Passed, $"{r.Pos}: {r.Failure}"));
    }
}
