using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Certification;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Certification;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>人才认定 for the holder: the routes of the record's city with whether it qualifies and what is missing, the
/// form to apply with evidence files, and the holder's applications with their outcome.</summary>
[Authorize(Policy = AccessPolicies.Holder)]
[RequestSizeLimit(CertificationApi.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = CertificationApi.MaxRequestBytes)]
public sealed class CertificationModel(CatalogHolder holder, CertificationRoutes routes, CertificationService service, CertificationViews views,
    TimeProvider clock) : PageModel
{
    public IReadOnlyList<RouteOfferDto> Offers { get; private set; } = [];
    public List<ApplicationDto> Applications { get; } = [];
    /// <summary>Why the page cannot list routes (no catalog, route files in error, a record that does not read).</summary>
    public string? Unavailable { get; private set; }
    /// <summary>The route whose application was refused, and why.</summary>
    public string? FailedRoute { get; private set; }
    public List<string> Errors { get; } = [];
    [BindProperty] public string? RouteId { get; set; }
    [BindProperty] public string? Note { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(CancellationToken ct)
    {
        var (catalog, _, problem) = CertificationApi.Load(holder, routes);
        if (catalog == null || problem != null) { await LoadAsync(ct); return Page(); }
        try
        {
            var uploads = await CertificationApi.ReadUploadsAsync(Request.Form.Files, ct);
            var application = await service.ApplyAsync(User.SubjectId()!.Value, User.UserId(), RouteId, Note, uploads, catalog, clock.Today(), ct);
            TempData["Flash"] = $"认定申请已提交（申请编号 {application.Id}），请等待审核。";
            return RedirectToPage();
        }
        catch (RegistryException re)
        {
            FailedRoute = RouteId;
            Errors.AddRange(re.Errors.Select(e => e.Message));
        }
        catch (Policies.Profiles.ProfileException pe)
        {
            FailedRoute = RouteId;
            Errors.AddRange(pe.Errors.Select(e => e.Message));
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(long id, CancellationToken ct)
    {
        try
        {
            await service.WithdrawAsync(User.SubjectId()!.Value, id, User.UserId(), ct);
            TempData["Flash"] = $"认定申请 {id} 已撤回。";
        }
        catch (RegistryException re) { TempData["Flash"] = string.Join("；", re.Errors.Select(e => e.Message)); }
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var (catalog, certification, problem) = CertificationApi.Load(holder, routes);
        if (catalog == null || certification == null || problem != null)
        {
            Unavailable = catalog == null ? "政策目录暂未加载，暂时无法办理认定。" : "认定事项目录有错误，暂时无法办理认定，请联系人才办。";
            return;
        }
        var today = clock.Today();
        try { Offers = await views.OffersAsync(await service.OffersAsync(User.SubjectId()!.Value, catalog, today, ct), catalog, ct); }
        catch (Policies.Profiles.ProfileException) { Unavailable = "档案中有需要修改的信息，请先在“我的档案”中修改。"; }
        catch (RegistryException re) { Unavailable = string.Join("；", re.Errors.Select(e => e.Message)); }
        var mine = service.Visible(CertificationApi.Viewer(User) with { IsReviewer = false, IsOversight = false });
        foreach (var a in await mine.OrderByDescending(a => a.Id).Take(100).ToListAsync(ct))
            Applications.Add(await views.ApplicationAsync(a, catalog, certification, withApplicant: false, today, ct));
    }

    public static string Accept(EvidenceRequirementDto e) =>
        string.Join(",", e.Accept.SelectMany(t => t == "jpg" ? new[] { ".jpg", ".jpeg" } : [ "." + t ]));
}
