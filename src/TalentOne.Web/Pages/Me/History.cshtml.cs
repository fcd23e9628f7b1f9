using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

[Authorize(Policy = AccessPolicies.Holder)]
public sealed class HistoryModel(TalentOneDb db, CatalogHolder holder) : PageModel
{
    public IReadOnlyList<FactChangeDto> Changes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Changes = await RecordsApi.HistoryAsync(User.SubjectId()!.Value, db, holder.Current, ct);
}
