using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Data.Codes;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Codes;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Codes;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>人才码 · 企业码: the holder's QR code (a code is issued automatically when none is in force, unless the last
/// one was revoked), refresh and revoke, the services it grants, the full package from the engine, and who scanned it.</summary>
[Authorize(Policy = AccessPolicies.Holder)]
public sealed class CodeModel(CodeService codes, CatalogHolder holder, ServiceCatalogCache cache, TalentOneDb db, TimeProvider clock) : PageModel
{
    public HeldCode? Held { get; private set; }
    /// <summary>The newest code when it was revoked (by the holder or the talent office): no new code is issued unasked.</summary>
    public IssuedCode? Revoked { get; private set; }
    public ServiceCatalog? Services { get; private set; }
    public HolderAssessment? Assessment { get; private set; }
    public IReadOnlyList<ScanEntry> Scans { get; private set; } = [];
    public string Name { get; private set; } = "";
    public string IdentifierMasked { get; private set; } = "";
    public CodeKind Kind { get; private set; }
    public DateTimeOffset Now { get; private set; }
    [TempData] public string? Message { get; set; }

    public string KindText => CodeService.KindText(Kind);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var id = User.SubjectId()!.Value;
        var subject = await db.Subjects.FindAsync([id], ct);
        if (subject == null) return NotFound();
        Kind = CodeService.KindOf(subject.Kind);
        Name = subject.Name;
        IdentifierMasked = subject.IdentifierMasked;
        Services = CodesApi.Services(holder, cache);
        Now = clock.GetUtcNow();
        if (Services == null) return Page();
        Held = await codes.CurrentAsync(id, ct);
        if (Held == null)
        {
            var latest = await codes.LatestAsync(id, ct);
            // 建档后自动生成: a code that simply ran out is renewed on opening the page, a revoked one is not.
            if (latest?.RevokedAt != null) Revoked = latest;
            else Held = await codes.IssueAsync(id, User.UserId(), ct);
        }
        Assessment = CodesApi.Assess(Services, subject.ProfileJson, clock);
        Scans = (await codes.ScansAsync(id, Services, ct)).Take(20).ToList();
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostRefreshAsync(CancellationToken ct)
    {
        await codes.IssueAsync(User.SubjectId()!.Value, User.UserId(), ct);
        Message = "已生成新码，之前的码已作废。";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        var n = await codes.RevokeOwnAsync(User.SubjectId()!.Value, User.UserId(), null, ct);
        Message = n > 0 ? "当前的码已作废，扫码将显示“已作废”。需要时请生成新码。" : "没有需要作废的码。";
        return RedirectToPage();
    }

    /// <summary>"还剩 23 小时 59 分" (the script keeps it current).</summary>
    public static string Remaining(DateTimeOffset expires, DateTimeOffset now)
    {
        var left = expires - now;
        if (left <= TimeSpan.Zero) return "已过期，请刷新";
        return left.TotalHours >= 1 ? $"还剩 {(int)left.TotalHours} 小时 {left.Minutes} 分" : $"还剩 {Math.Max(1, left.Minutes)} 分钟";
    }

    public static string China(DateTimeOffset t) => t.ToOffset(ChinaClock.Offset).ToString("yyyy年M月d日 HH:mm");
}
