using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Policies.Catalog;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Parameters;

namespace TalentOne.Web.Pages.Parameters;

/// <summary>A parameter's dated values, from the catalog files and from the database.</summary>
public sealed class DetailModel(CatalogHolder holder, TalentOneDb db) : PageModel
{
    public ParameterDef Parameter { get; private set; } = null!;
    public ParameterDetailDto Detail { get; private set; } = null!;
    public IReadOnlyList<Policy> UsedBy { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        if (holder.Current is not { } catalog || !catalog.Parameters.Table.ByName.TryGetValue(name, out var p)) return NotFound();
        Parameter = p;
        Detail = await ParametersApi.DetailAsync(p, db, ct);
        UsedBy = catalog.Policies.Where(x => PolicyText.Parameters(x).Any(u => u.Name == p.Name)).ToList();
        return Page();
    }

    public string KeyLabel(string code) => Parameter.Key?.Find(code)?.Label ?? code;
}
