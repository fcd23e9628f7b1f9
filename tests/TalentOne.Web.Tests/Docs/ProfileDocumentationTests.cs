using System.Text.Json.Nodes;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Docs;

/// <summary>docs/profile.md and the profile JSON Schema say exactly what catalog/schema/*.yaml says.</summary>
public sealed class ProfileDocumentationTests : IDisposable
{
    private readonly string _copy = TestCatalog.CreateCopy(withPolicies: false);
    private readonly PolicyCatalog _schemaOnly;

    public ProfileDocumentationTests() => _schemaOnly = CatalogLoader.Load(_copy);

    public void Dispose() => TestCatalog.DeleteCopy(_copy);

    [Fact]
    public void ProfileDocumentation_in_docs_profile_md_matches_the_catalog_schema()
    {
        var path = Path.Combine(TestCatalog.RepoRoot, "docs", "profile.md");
        var generated = ProfileJsonSchema.Markdown(_schemaOnly.Schema);
        if (Environment.GetEnvironmentVariable("TALENTONE_WRITE_DOCS") == "1")
            File.WriteAllText(path, generated);
        var current = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n") : "(missing)";
        if (current != generated)
        {
            var line = current.Split('\n').Zip(generated.Split('\n')).Select((p, i) => (p, i)).FirstOrDefault(x => x.p.First != x.p.Second);
            throw new XunitException("docs/profile.md is out of date with catalog/schema/*.yaml. Regenerate it with\n" +
                "  TALENTONE_WRITE_DOCS=1 dotnet test tests/TalentOne.Web.Tests --filter ProfileDocumentation\n" +
                $"First difference at line {line.i + 1}:\n  docs:      {line.p.First}\n  generated: {line.p.Second}");
        }
    }

    [Fact]
    public void Every_fact_of_the_schema_is_a_row_of_the_documentation()
    {
        var doc = ProfileJsonSchema.Markdown(_schemaOnly.Schema);
        foreach (var fact in _schemaOnly.Schema.FactList)
            Assert.Contains($"| `{fact.Path}` |", doc);
    }

    [Fact]
    public void The_example_profile_is_accepted_by_the_reader_and_by_the_schema_shape()
    {
        var row = ProfileReader.Read(_schemaOnly, ProfileJsonSchema.Example, new DateOnly(2021, 8, 1));
        Assert.Equal(Applicant.Person, row.Kind);

        var schema = ProfileJsonSchema.Generate(_schemaOnly.Schema);
        var example = JsonNode.Parse(ProfileJsonSchema.Example)!.AsObject();
        foreach (var (section, facts) in example)
            foreach (var (fact, _) in facts!.AsObject())
                Assert.True(schema["properties"]?[section]?["properties"]?[fact] != null, $"{section}.{fact} is in the schema");
    }
}
