using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Calendar;
using TalentOne.Policies.Language;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Calendar;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;
using TalentOne.Web.Pages.Calendar;

namespace TalentOne.Web.Pages.Admin;

/// <summary>工作日历维护: the talent office corrects single days (a late notice, a local arrangement); every change is
/// kept, the newest per date wins.</summary>
[Authorize(Policy = AccessPolicies.Admin)]
public sealed class CalendarModel(CalendarService service, CatalogHolder holder, TimeProvider clock) : PageModel
{
    public CalendarView View { get; private set; } = new();
    [BindProperty] public string? Date { get; set; }
    [BindProperty] public string? Kind { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var (stored, errors) = await service.AddOverrideAsync(new CalendarOverrideRequest(Date, Kind, Reason), User.UserId(), holder.Root, clock.GetUtcNow(), ct);
            if (stored != null)
            {
                TempData["Flash"] = $"已将 {stored.Date:yyyy-MM-dd} 调整为“{CalendarService.KindText(stored.Kind)}”";
                return RedirectToPage(new { year = stored.Date.Year });
            }
            Errors.AddRange(errors.Select(e => e.Message));
        }
        catch (CatalogException ce) { Errors.Add("工作日历文件有误：" + ce.Errors[0].Message); }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        View = await CalendarView.LoadAsync(service, holder.Root, Year, clock.Today().Year, "/admin/calendar", ct);
}
