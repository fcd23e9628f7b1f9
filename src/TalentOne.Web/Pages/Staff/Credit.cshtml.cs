using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Deferral;
using TalentOne.Data.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Staff;

/// <summary>失信标记 of one record: the talent office sets or clears it with a reason; the history of every change
/// (manual or automatic) stays. Records outside the administrator's city scope do not exist here.</summary>
[Authorize(Policy = AccessPolicies.Admin)]
public sealed class CreditModel(TalentOneDb db, CreditService credit) : PageModel
{
    public Subject? Subject { get; private set; }
    public CreditFlagEvent? Current { get; private set; }
    public IReadOnlyList<CreditFlagEvent> History { get; private set; } = [];
    public List<string> Errors { get; } = [];
    /// <summary>Who acted: user id → display name (the job is named as the system).</summary>
    public Dictionary<string, string> Actors { get; private set; } = [];

    [BindProperty] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostSetAsync(long id, CancellationToken ct) => ChangeAsync(id, true, ct);

    public Task<IActionResult> OnPostClearAsync(long id, CancellationToken ct) => ChangeAsync(id, false, ct);

    private async Task<IActionResult> ChangeAsync(long id, bool flagged, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        try
        {
            await credit.ChangeAsync(id, flagged, Reason, User.UserId(), ct);
            TempData["Flash"] = flagged ? "已设置失信标记，持有人可在“我的档案”中看到原因。" : "已解除失信标记。";
            return RedirectToPage(new { id });
        }
        catch (RegistryException re)
        {
            Errors.AddRange(re.Errors.Select(e => e.Message));
            return Page();
        }
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        Subject = await RecordsApi.Scoped(db.Subjects.AsNoTracking(), User).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (Subject == null) return false;
        History = await credit.HistoryAsync(id, ct);
        Current = History.FirstOrDefault() is { Flagged: true } e ? e : null;
        var ids = History.Select(h => h.By).Distinct().ToList();
        Actors = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName.Length > 0 ? u.DisplayName : u.UserName ?? u.Id, ct);
        Actors[CaseService.DeferralActor] = "系统（容缺到期检查）";
        return true;
    }

    public static string At(DateTimeOffset at) => at.ToOffset(ChinaClock.Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
