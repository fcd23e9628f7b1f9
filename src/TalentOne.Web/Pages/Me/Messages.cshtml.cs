using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Features.Sweeps;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>消息中心: the holder's notices (policies it has become eligible for, reminders on their day).</summary>
[Authorize(Policy = AccessPolicies.Holder)]
public sealed class MessagesModel(TalentOneDb db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<MessageDto> Messages { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Messages = await SweepViews.MessagesAsync(User.SubjectId()!.Value, db, ct);

    public async Task<IActionResult> OnPostReadAsync(long id, CancellationToken ct)
    {
        var subject = User.SubjectId()!.Value;
        var notice = await db.Set<Notice>().FirstOrDefaultAsync(n => n.Id == id && n.SubjectId == subject && n.DeliveredAt != null, ct);
        if (notice == null) return NotFound();
        notice.ReadAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return RedirectToPage();
    }
}
