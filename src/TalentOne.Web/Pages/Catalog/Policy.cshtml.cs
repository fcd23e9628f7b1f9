using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Policies.Catalog;
using TalentOne.Web.Features.Catalog;

namespace TalentOne.Web.Pages.Catalog;

/// <summary>One policy with its source, conditions (readable and raw), formula, caps and its own test cases.</summary>
public sealed class PolicyModel(CatalogHolder holder) : PageModel
{
    public Policy Policy { get; private set; } = null!;
    public PolicyCatalog Catalog { get; private set; } = null!;

    public IActionResult OnGet(string id)
    {
        if (holder.Current is not { } catalog || !catalog.ById.TryGetValue(id, out var policy)) return NotFound();
        Catalog = catalog;
        Policy = policy;
        return Page();
    }
}
