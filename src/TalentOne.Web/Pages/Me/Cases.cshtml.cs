using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>我的办件: the holder's 一件事 cases, each item's state, due date and card; resubmission after 补正.</summary>
[Authorize(Policy = AccessPolicies.Holder)]
public sealed class CasesModel(CasesApi.Deps deps) : PageModel
{
    public IReadOnlyList<CaseDto> Cases { get; private set; } = [];
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

    private async Task LoadAsync(CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error ??= "事项目录或工作日历暂不可用"; return; }
        var list = new List<CaseDto>();
        foreach (var c in await deps.Service.MyCasesAsync(User.SubjectId()!.Value, ct))
            list.Add(CasesApi.ToDto(new Registry.Cases.CaseView(c, c.Tasks.OrderBy(t => t.Id).Select(t => deps.Service.View(t, cx!)).ToList(), [], []), cx!, full: false));
        Cases = list;
    }
}
