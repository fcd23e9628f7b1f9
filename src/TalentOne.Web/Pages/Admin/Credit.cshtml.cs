using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Deferral;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Web.Features.Records;

namespace TalentOne.Web.Pages.Admin;

/// <summary>A flagged record as listed: who (masked) and the event that set the flag.</summary>
public sealed record FlaggedRow(long SubjectId, string Name, string IdentifierMasked, CreditFlagEvent Flag);

/// <summary>失信标记: the records flagged now (manually or after a broken 容缺 promise), each linking to its page where
/// the talent office clears or sets the flag.</summary>
[Authorize(Policy = AccessPolicies.Admin)]
public sealed class CreditModel(TalentOneDb db, CreditService credit) : PageModel
{
    public IReadOnlyList<FlaggedRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var scope = RecordsApi.Scoped(db.Subjects.AsNoTracking(), User);
        var flags = await credit.FlaggedAsync(scope.Select(s => s.Id), ct);
        var ids = flags.Select(f => f.SubjectId).ToList();
        var subjects = await scope.Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.Name, s.IdentifierMasked }).ToDictionaryAsync(s => s.Id, ct);
        Rows = flags.Where(f => subjects.ContainsKey(f.SubjectId))
            .Select(f => new FlaggedRow(f.SubjectId, subjects[f.SubjectId].Name, subjects[f.SubjectId].IdentifierMasked, f)).ToList();
    }
}
