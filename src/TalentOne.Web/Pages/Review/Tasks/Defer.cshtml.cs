using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Cases;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Review.Tasks;

/// <summary>One deferrable material of the task's item and where it stands in the case.</summary>
public sealed record DeferrableMaterial(string Id, string Name, string? Given);

/// <summary>容缺受理 of a task's material by a reviewer of its department: the applicant's written promise and the date
/// (not later than the task's due date). Refused for an applicant with a bad-credit flag.</summary>
[Authorize(Policy = AccessPolicies.Reviewer)]
public sealed class DeferModel(CasesApi.Deps deps) : PageModel
{
    public TaskDto? Current { get; private set; }
    public IReadOnlyList<DeferrableMaterial> Materials { get; private set; } = [];
    public string? Flag { get; private set; }
    public string? Tomorrow { get; private set; }
    public List<string> Errors { get; } = [];

    [BindProperty] public string? MaterialId { get; set; }
    [BindProperty] public string? Promise { get; set; }
    [BindProperty] public string? Until { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Errors.Add("事项目录或工作日历暂不可用"); return await LoadAsync(id, ct) ? Page() : NotFound(); }
        try
        {
            var row = await deps.Service.DeferAsync(id, new CaseActor(User.UserId(), User.DepartmentId()), MaterialId, Promise, Until, cx!, ct);
            TempData["Flash"] = $"已容缺受理，申请人承诺于 {CaseService.D(row.DeferredUntil!.Value)} 前补交，已通知申请人。";
            return RedirectToPage(new { id });
        }
        catch (RegistryException re) when (re.Status == 404) { return NotFound(); }
        catch (RegistryException re)
        {
            Errors.AddRange(re.Errors.Select(e => e.Message));
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { if (Errors.Count == 0) Errors.Add("事项目录或工作日历暂不可用"); return true; }
        if (await deps.Service.DepartmentTaskAsync(id, User.DepartmentId(), cx!, ct) is not { } found) return false;
        Current = CasesApi.ToDto(found.Task, cx!);
        Flag = found.Flag?.Reason;
        Tomorrow = CaseService.D(cx!.Today.AddDays(1));
        Materials = (found.Task.Item?.Materials ?? []).Where(m => !m.IsResult && !m.Core && m.Deferrable).Select(m =>
        {
            var rows = found.Materials.Where(x => x.MaterialId == m.Id).ToList();
            string? given = rows.Any(x => x.EvidenceFileId != null) ? "已提交"
                : rows.Any(x => x.Commitment != null) ? "已承诺免提交"
                : rows.FirstOrDefault(x => x.Deferred != null) is { } d ? $"已容缺，承诺 {CaseService.D(d.DeferredUntil!.Value)} 前补交" : null;
            return new DeferrableMaterial(m.Id, CaseService.Definition(cx.Items, m.Id).Name, given);
        }).ToList();
        return true;
    }

    public bool CanDefer => Current is { Status: CaseTaskStatus.Queued or CaseTaskStatus.Claimed } && Flag == null && Materials.Any(m => m.Given == null);
}
