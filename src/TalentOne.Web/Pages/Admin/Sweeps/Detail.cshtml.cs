using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Sweeps;

namespace TalentOne.Web.Pages.Admin.Sweeps;

/// <summary>One sweep: counts per policy, the changes, and the people notified (masked) with each channel's status.</summary>
[Authorize(Policy = AccessPolicies.Oversight)]
public sealed class DetailModel(TalentOneDb db, CatalogHolder holder) : PageModel
{
    public const int PageSize = 100;
    public SweepDetailDto Detail { get; private set; } = null!;
    public string? Policy { get; private set; }
    public int Skip { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, string? policy, int? skip, CancellationToken ct)
    {
        Policy = string.IsNullOrEmpty(policy) ? null : policy;
        Skip = Math.Max(0, skip ?? 0);
        var detail = await SweepViews.DetailAsync(id, User, db, holder.Current, Policy, Skip, PageSize, ct);
        if (detail == null) return NotFound();
        Detail = detail;
        return Page();
    }

    public string PolicyTitle => Policy == null ? "" : Detail.PerPolicy.FirstOrDefault(p => p.PolicyId == Policy)?.Title ?? Policy;

    public string Link(int skip) => $"/admin/sweeps/{Detail.Run.Id}?skip={skip}" + (Policy != null ? "&policy=" + Uri.EscapeDataString(Policy) : "");
}
