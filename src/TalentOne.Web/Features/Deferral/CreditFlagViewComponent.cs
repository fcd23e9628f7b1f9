using Microsoft.AspNetCore.Mvc;
using TalentOne.Registry.Cases;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Deferral;

/// <summary>The holder's own bad-credit flag on /me (read-only): shown only while it is set, with its reason.</summary>
public sealed class CreditFlagViewComponent(CreditService credit) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var ct = HttpContext.RequestAborted;
        var subjectId = HttpContext.User.SubjectId();
        var flag = subjectId is long id ? await credit.CurrentAsync(id, ct) : null;
        return flag == null ? Content("") : View(DeferralApi.ToDto(flag, staff: false));
    }
}
