using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Features.Supervision;
using TalentOne.Registry.Supervision;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Review.Tasks;

/// <summary>本部门待办: the department's queued, claimed and returned tasks (red first, then yellow, then by due date),
/// with claim and approve; the task page (/review/tasks/{id}) has the rest.</summary>
[Authorize(Policy = AccessPolicies.Reviewer)]
public sealed class IndexModel(CasesApi.Deps deps, SupervisionService supervision) : PageModel
{
    public IReadOnlyList<TaskDto> Tasks { get; private set; } = [];
    /// <summary>时限预警: the department's current red and yellow cards (docs/supervision.md).</summary>
    public QueueAlertDto? Alert { get; private set; }
    public string? Error { get; private set; }
    public string? Done { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostClaimAsync(long id, CancellationToken ct) => ActAsync(id, TaskAction.Claim, null, ct);
    public Task<IActionResult> OnPostApproveAsync(long id, string? reason, CancellationToken ct) => ActAsync(id, TaskAction.Approve, reason, ct);

    private async Task<IActionResult> ActAsync(long id, TaskAction action, string? reason, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error = "事项目录或工作日历暂不可用"; return Page(); }
        try
        {
            await deps.Service.ActAsync(id, new CaseActor(User.UserId(), User.DepartmentId()), action, reason, cx!, ct);
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
        var queue = await deps.Service.QueueAsync(User.DepartmentId()!, cx!, ct);
        var steps = await supervision.WatchAsync([.. queue.Select(v => v.Task)], cx!, ct);
        Tasks = queue.Select(v => CasesApi.ToDto(v, cx!) with { Step = SupervisionApi.Step(steps.GetValueOrDefault(v.Task.Id)) }).ToList();
        Alert = SupervisionApi.ToDto(QueueAlert.Of(User.DepartmentId()!, cx!.Today, await supervision.OpenAsync(User.DepartmentId()!, null, cx, ct)));
    }
}
