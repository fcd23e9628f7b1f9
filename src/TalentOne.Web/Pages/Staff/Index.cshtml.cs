using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Records;

namespace TalentOne.Web.Pages.Staff;

/// <summary>档案查询 for window staff, reviewers, the talent office and auditors: records of the staff member's city.</summary>
[Authorize(Policy = AccessPolicies.StaffOrOversight)]
public sealed class IndexModel(TalentOneDb db, PersonalDataProtector protector) : PageModel
{
    public string? Q { get; private set; }
    public IReadOnlyList<Subject> Results { get; private set; } = [];
    public string? ScopeCity { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => SearchAsync(null, ct);

    /// <summary>Searching posts the text: a full ID number never appears in a URL, the browser history or access logs.</summary>
    public Task OnPostAsync(string? q, CancellationToken ct) => SearchAsync(q, ct);

    private async Task SearchAsync(string? q, CancellationToken ct)
    {
        Q = q?.Trim();
        ScopeCity = RecordsApi.ScopeCity(User);
        var query = RecordsApi.Scoped(db.Subjects.AsNoTracking(), User);
        if (!string.IsNullOrEmpty(Q))
        {
            var upper = Q.ToUpperInvariant();
            var indexes = new[] { protector.BlindIndex("id:" + upper), protector.BlindIndex("uscc:" + upper) };
            query = query.Where(s => indexes.Contains(s.IdentifierIndex) || s.Name.Contains(Q));
        }
        Results = await query.OrderByDescending(s => s.Id).Take(50).ToListAsync(ct);
    }
}
