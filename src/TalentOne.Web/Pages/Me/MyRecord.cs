using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>The form sections of a record: for a person the navigator's common facts first, then every other fact a
/// person may declare; for an enterprise its own section. The birth date (from the ID) and the kind are not edited.</summary>
public static class RecordForm
{
    public static IReadOnlyList<FormSection> Sections(PolicyCatalog catalog, SubjectKind kind)
    {
        var fixedFacts = new HashSet<string>(StringComparer.Ordinal) { "subject.kind", "person.birthDate" };
        if (kind == SubjectKind.Enterprise)
            return [.. catalog.Schema.Sections.Where(g => g.Key == "enterprise")
                .Select(g => new FormSection(ProfileJsonSchema.SectionTitle(g.Key), [.. g.Select(f => new FormField(f.Path))]))];
        var common = NavigatorModel.Sections
            .Select(s => new FormSection(s.Title, [.. s.Fields.Where(f => !fixedFacts.Contains(f.Path))]))
            .Where(s => s.Fields.Count > 0).ToList();
        var shown = common.SelectMany(s => s.Fields).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var more = catalog.Schema.FactList
            .Where(f => !shown.Contains(f.Path) && !fixedFacts.Contains(f.Path) && !f.Path.StartsWith("enterprise.", StringComparison.Ordinal))
            .Select(f => new FormField(f.Path)).ToList();
        if (more.Count > 0) common.Add(new FormSection("更多信息（与具体政策相关，按需填写）", more));
        return common;
    }
}

/// <summary>Loads the signed-in holder's record for the /me pages.</summary>
public sealed class MyRecordLoader(TalentOneDb db, RegistryService registry)
{
    public async Task<(Subject Subject, RecordDto Dto)?> LoadAsync(long? subjectId, PolicyCatalog? catalog, CancellationToken ct)
    {
        if (subjectId is not long id) return null;
        var subject = await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subject == null) return null;
        return (subject, await RecordsApi.ToDtoAsync(subject, registry, db, catalog, ct));
    }
}
