using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Sweeps;
using TalentOne.Web.Features.Sweeps;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Admin.Sweeps;

/// <summary>政策巡检: the history of sweeps; the talent office starts one (auditors read only).</summary>
[Authorize(Policy = AccessPolicies.Oversight)]
public sealed class IndexModel(TalentOneDb db, SweepLauncher launcher, TimeProvider clock) : PageModel
{
    public IReadOnlyList<SweepRunDto> Runs { get; private set; } = [];
    public bool CanRun => User.IsInRole(Roles.Admin);
    [BindProperty] public string? Date { get; set; }
    public string? Error { get; private set; }
    public string Today => clock.Today().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task OnGetAsync(CancellationToken ct) => Runs = await SweepViews.HistoryAsync(db, 100, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!CanRun) return Forbid();
        if (!clock.TryEvaluationDate(Date, out var date, out var dateError))
            Error = dateError;
        else
        {
            try
            {
                var started = await launcher.StartAsync(date, SweepTrigger.Admin, User.UserId());
                return RedirectToPage("/Admin/Sweeps/Detail", new { id = started.RunId });
            }
            catch (SweepBusyException e) { Error = e.Message; }
            catch (InvalidOperationException) { Error = "政策目录尚未加载，暂不能巡检"; }
        }
        Runs = await SweepViews.HistoryAsync(db, 100, ct);
        return Page();
    }
}
