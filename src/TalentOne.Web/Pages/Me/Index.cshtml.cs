using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>我的档案: the record with each fact's provenance, and the package as of today — in particular the eligible
/// policies not yet applied for (未勾选但符合条件).</summary>
[Authorize(Policy = AccessPolicies.Holder)]
public sealed class IndexModel(MyRecordLoader loader, CatalogHolder holder, TimeProvider clock) : PageModel
{
    public Subject? Subject { get; private set; }
    public RecordDto? Record { get; private set; }
    public Package? Package { get; private set; }
    public IReadOnlyList<ProfileError> ProfileErrors { get; private set; } = [];
    public PolicyCatalog? Catalog => holder.Current;
    public DateOnly Today { get; private set; }

    /// <summary>Evaluate as of another day (yyyy-mm-dd), e.g. to see what will be due next year.</summary>
    [BindProperty(SupportsGet = true)] public string? Date { get; set; }
    public string? DateError { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var loaded = await loader.LoadAsync(User.SubjectId(), holder.Current, ct);
        if (loaded == null) return NotFound();
        (Subject, Record) = loaded.Value;
        clock.TryEvaluationDate(Date, out var on, out var dateError);
        (Today, DateError) = (on, dateError);
        if (holder.Current is { } catalog)
        {
            try { Package = Evaluator.Evaluate(catalog, Subject.ProfileJson, Today); }
            catch (ProfileException pe) { ProfileErrors = pe.Errors; }
        }
        return Page();
    }
}
