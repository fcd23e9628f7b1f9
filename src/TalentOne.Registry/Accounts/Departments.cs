using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using YamlDotNet.RepresentationModel;

namespace TalentOne.Registry.Accounts;

/// <summary>The departments of catalog/departments.yaml, one set per city of the schema's city list.</summary>
public static class Departments
{
    public static IReadOnlyList<Department> FromCatalog(string catalogRoot, PolicyCatalog catalog)
    {
        var file = Path.Combine(catalogRoot, "departments.yaml");
        if (!File.Exists(file)) return [];
        var yaml = new YamlStream();
        using (var reader = new StreamReader(file)) yaml.Load(reader);
        var kinds = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["departments"];
        var cities = catalog.Schema.Facts["work.city"].Type.Enum!.Members.Where(m => m.Code != "outside_zhejiang");
        return [.. from city in cities
                   from kind in kinds.Children
                   select new Department
                   {
                       Id = city.Code + "." + ((YamlScalarNode)kind.Key).Value,
                       City = city.Code,
                       Kind = ((YamlScalarNode)kind.Key).Value!,
                       Name = ((YamlScalarNode)kind.Value).Value!.Replace("{city}", city.Label),
                   }];
    }

    /// <summary>Adds the departments not yet in the database (names of existing ones are kept: they may be referenced).</summary>
    public static async Task<int> SeedAsync(TalentOneDb db, IReadOnlyList<Department> departments, CancellationToken ct)
    {
        var have = (await db.Departments.Select(d => d.Id).ToListAsync(ct)).ToHashSet();
        var missing = departments.Where(d => !have.Contains(d.Id)).ToList();
        db.Departments.AddRange(missing);
        await db.SaveChangesAsync(ct);
        return missing.Count;
    }
}
