using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Registry.Cases;
using TalentOne.Web.Features.Bundles;
using TalentOne.Web.Features.Catalog;

namespace TalentOne.Web.Pages.Bundles;

/// <summary>一件事: the bundles of the catalog. Public reference data, like the policy catalog.</summary>
[AllowAnonymous]
public sealed class IndexModel(CatalogHolder holder, ItemCatalogs items) : PageModel
{
    public ItemCatalog? Catalog { get; private set; }
    public IReadOnlyList<string> Errors { get; private set; } = [];

    public void OnGet()
    {
        var (c, problem) = BundlesApi.Load(holder, items);
        Catalog = c;
        if (problem?.ProblemDetails.Extensions.TryGetValue("errors", out var e) == true && e is IEnumerable<string> list) Errors = list.ToList();
    }
}
