using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Features.Certification;
using TalentOne.Web.Features.Deferral;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>我的办件: the holder's 一件事 cases, each item's state, due date and card; resubmission after 补正; the
/// deferred (容缺) materials with their promised dates and an upload form to supply them.</summary>
[Authorize(Policy = AccessPolicies.Holder)]
[RequestSizeLimit(Registry.Certification.EvidenceFiles.MaxBytes + 1024 * 1024)]
public sealed class CasesModel(CasesApi.Deps deps) : PageModel
{
    public IReadOnlyList<CaseDto> Cases { get; private set; } = [];
    /// <summary>Deferred materials by case id.</summary>
    public ILookup<long, DeferralDto> Deferrals { get; private set; } = Array.Empty<DeferralDto>().ToLookup(d => d.CaseId);
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostResubmitAsync(long id, long taskId, string? note, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error = "事项目录或工作日历暂不可用"; await LoadAsync(ct); return Page(); }
        try
        {
            await deps.Service.ResubmitAsync(User.SubjectId()!.Value, id, taskId, User.UserId(), note, cx!, ct);
            return RedirectToPage();
        }
        catch (RegistryException re)
        {
            Error = string.Join("；", re.Errors.Select(e => e.Message));
            await LoadAsync(ct);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostWithdrawAsync(long id, string? reason, string? confirm, CancellationToken ct)
    {
        if (confirm != "yes") { Error = "请勾选“我确认撤回”后再撤回"; await LoadAsync(ct); return Page(); }
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error = "事项目录或工作日历暂不可用"; await LoadAsync(ct); return Page(); }
        try
        {
            await deps.Service.WithdrawAsync(User.SubjectId()!.Value, id, User.UserId(), reason, cx!, ct);
            TempData["Flash"] = $"案件 {id} 已撤回。";
            return RedirectToPage();
        }
        catch (RegistryException re)
        {
            Error = string.Join("；", re.Errors.Select(e => e.Message));
            await LoadAsync(ct);
            return Page();
        }
    }

    /// <summary>Supplies a deferred material from the page: the file goes into the vault first (type and size checked),
    /// then it is attached to the case.</summary>
    public async Task<IActionResult> OnPostSupplyAsync(long id, string? materialId, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error = "事项目录或工作日历暂不可用"; await LoadAsync(ct); return Page(); }
        try
        {
            var uploads = await CertificationApi.ReadUploadsAsync(Request.Form.Files, ct);
            var subjectId = User.SubjectId()!.Value;
            if (!(await deps.Service.DeferralsAsync(subjectId, id, cx!, ct)).Any(d => d.Deferral.MaterialId == materialId))
                return NotFound();
            var kept = await deps.Service.UploadAsync(subjectId, User.UserId(), materialId, uploads.FirstOrDefault(), cx!.Items, ct);
            await deps.Service.SupplyAsync(subjectId, id, materialId, kept.EvidenceFileId, User.UserId(), cx, ct);
            TempData["Flash"] = "已补交，容缺承诺已履行。";
            return RedirectToPage();
        }
        catch (RegistryException re)
        {
            Error = string.Join("；", re.Errors.Select(e => e.Message));
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error ??= "事项目录或工作日历暂不可用"; return; }
        Cases = (await deps.Service.MyCasesAsync(User.SubjectId()!.Value, cx!, ct)).Select(c => CasesApi.ToDto(c, cx!, full: false)).ToList();
        Deferrals = (await deps.Service.DeferralsAsync(User.SubjectId()!.Value, null, cx!, ct)).Select(v => DeferralApi.ToDto(v, cx!)).ToLookup(d => d.CaseId);
    }
}
