using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Registry.Calendar;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Calendar;

/// <summary>工作日历: the statutory holidays and adjusted working days of a year, for everyone.</summary>
[AllowAnonymous] // public information (the State Council's notices), like the policy catalog
public sealed class IndexModel(CalendarService service, CatalogHolder holder, TimeProvider clock) : PageModel
{
    public CalendarView View { get; private set; } = new();

    public async Task OnGetAsync(int? year, CancellationToken ct) =>
        View = await CalendarView.LoadAsync(service, holder.Root, year, clock.Today().Year, "/calendar", ct);
}
