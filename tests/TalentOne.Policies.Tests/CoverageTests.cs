using System.Text.RegularExpressions;

namespace TalentOne.Policies.Tests;

/// <summary>docs/catalog-coverage.md accounts for every article of every seed: it must name every policy of the
/// catalog, and every policy id it names must exist.</summary>
public class CoverageTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "catalog-coverage.md"));

    [Fact]
    public void Every_policy_is_accounted_for()
    {
        var missing = Repo.Real.Policies.Where(p => !Doc.Contains(p.Id, StringComparison.Ordinal)).Select(p => p.Id).ToList();
        Assert.True(missing.Count == 0, "not in docs/catalog-coverage.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_policy_id_named_exists()
    {
        var known = Repo.Real.Policies.Select(p => p.Id).Concat(Repo.Real.Groups.Select(g => g.Id))
            .Concat(Repo.Real.Definitions.Select(d => d.Name)).Concat(Repo.Real.Schema.Facts.Keys).ToHashSet();
        var prefixes = Repo.Real.Policies.Select(p => p.Id.Split('.')[0]).ToHashSet();
        var named = Regex.Matches(Doc, @"`([a-z0-9_-]+(?:\.[a-z0-9_-]+){2,})`").Select(m => m.Groups[1].Value)
            .Where(id => prefixes.Contains(id.Split('.')[0]) && !id.EndsWith(".yaml", StringComparison.Ordinal)).Distinct();
        var unknown = named.Where(id => !known.Contains(id)).ToList();
        Assert.True(unknown.Count == 0, "docs/catalog-coverage.md names unknown policies: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Every_seed_document_has_a_section()
    {
        foreach (var seed in new[] { "seed-000", "seed-001", "seed-002", "seed-003", "seed-004" })
            Assert.Contains($"<a id=\"{seed}", Doc);
    }
}
