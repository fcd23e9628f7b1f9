using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Supervision;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Features.Supervision;

namespace TalentOne.Web.Pages.Supervision;

/// <summary>当前红黄牌: the talent office and auditors see the open tasks' red and yellow cards (items and steps) by
/// department, for every department of their scope.</summary>
[Authorize(Policy = AccessPolicies.Oversight)]
public sealed class CardsModel(CasesApi.Deps deps, SupervisionService supervision, TalentOneDb db) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Department { get; set; }

    public IReadOnlyList<SupervisedDepartment> Scope { get; private set; } = [];
    public CardsOverviewDto? Overview { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error = "事项目录或工作日历暂不可用"; return Page(); }
        Scope = await SupervisionApi.DepartmentsAsync(User, db, ct);
        var shown = Scope;
        if (!string.IsNullOrWhiteSpace(Department))
        {
            shown = [.. Scope.Where(d => d.Id == Department.Trim())];
            if (shown.Count == 0)
            {
                Error = SupervisionApi.OutOfScope;
                Response.StatusCode = StatusCodes.Status404NotFound;
                return Page();
            }
        }
        Overview = await SupervisionApi.OverviewAsync(shown, User, cx!, supervision, ct);
        return Page();
    }
}
