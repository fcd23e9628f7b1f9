using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Registry.Certification;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Certification;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Review.Certifications;

/// <summary>One application for its reviewer: the route and its source, the applicant (ID masked) with the facts the
/// route reads or sets, the evidence to download, the history, and the decision form (reviewers of the department only).</summary>
[Authorize(Policy = CertificationApi.Readers)]
public sealed class DetailModel(CatalogHolder holder, CertificationRoutes routes, CertificationService service, CertificationViews views,
    TimeProvider clock) : PageModel
{
    public ApplicationDto? Application { get; private set; }
    public bool CanDecide { get; private set; }
    public List<string> Errors { get; } = [];
    [BindProperty] public string? Decision { get; set; }
    [BindProperty] public string? Reason { get; set; }
    /// <summary>The category chosen, per fact, where the route leaves it to the reviewer.</summary>
    [BindProperty] public Dictionary<string, string?> Grants { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var viewer = CertificationApi.Viewer(User);
        if (!viewer.IsReviewer) return Forbid();
        var (catalog, _, problem) = CertificationApi.Load(holder, routes);
        Decision? decision = Decision switch { "approve" => Registry.Certification.Decision.Approve, "reject" => Registry.Certification.Decision.Reject, _ => null };
        if (catalog == null || problem != null) Errors.Add("政策目录或认定事项目录暂不可用，请稍后再试。");
        else if (decision == null) Errors.Add("请选择“认定通过”或“驳回”。");
        else
        {
            try
            {
                await service.DecideAsync(id, viewer, decision.Value, Reason, Grants, catalog, clock.Today(), ct);
                TempData["Flash"] = decision == Registry.Certification.Decision.Approve ? "已认定通过，认定结果已写入申请人档案。" : "已驳回，申请人将看到驳回理由。";
                return RedirectToPage(new { id });
            }
            catch (RegistryException re) when (re.Status == 404) { return NotFound(); }
            catch (RegistryException re) { Errors.AddRange(re.Errors.Select(e => e.Message)); }
            catch (Policies.Profiles.ProfileException pe) { Errors.AddRange(pe.Errors.Select(e => e.Message)); }
        }
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var viewer = CertificationApi.Viewer(User);
        var application = await service.Visible(viewer).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application == null) return false;
        var (catalog, certification, _) = CertificationApi.Load(holder, routes);
        Application = await views.ApplicationAsync(application, catalog, certification, withApplicant: true, clock.Today(), ct);
        CanDecide = viewer.IsReviewer && viewer.DepartmentId == application.DepartmentId && application.Status == Data.Certification.CertificationStatus.Submitted;
        return true;
    }
}
