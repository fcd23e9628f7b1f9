using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Cases;
using TalentOne.Web.Features.Bundles;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Bundles;

/// <summary>The "自选超市" of one bundle: tick items → one combined form (prefilled for a signed-in holder from their own
/// record), the once-only materials and the routing levels; the filled form can be checked. Anyone may plan: the page
/// shows reference data, and only the signed-in holder's own record is ever read.</summary>
[AllowAnonymous]
public sealed class BundleModel(CatalogHolder holder, ItemCatalogs items, TalentOneDb db, TimeProvider clock) : PageModel
{
    public ItemCatalog? Catalog { get; private set; }
    public Bundle? Bundle { get; private set; }
    public Selection? Plan { get; private set; }
    public PlanDto? Dto { get; private set; }
    public HashSet<string> Chosen { get; private set; } = [];
    public List<ProfileError> Errors { get; } = [];
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public bool Checked { get; private set; }

    public IActionResult OnGet(string id) => Find(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string id, string[] items, CancellationToken ct)
    {
        if (!Find(id)) return NotFound();
        await PlanAsync(items, ct);
        return Page();
    }

    /// <summary>Checks the filled combined form against the merged fields.</summary>
    public async Task<IActionResult> OnPostCheckAsync(string id, string[] items, CancellationToken ct)
    {
        if (!Find(id)) return NotFound();
        await PlanAsync(items, ct);
        if (Plan == null) return Page();
        var values = new JsonObject();
        foreach (var f in Plan.Form.Fields)
        {
            var v = Request.Form["v." + f.Field.Id].ToString().Trim();
            Values[f.Field.Id] = v;
            if (v.Length > 0) values[f.Field.Id] = v;
        }
        Errors.AddRange(BundlePlanner.Validate(Plan.Form, values));
        Checked = true;
        return Page();
    }

    public string? ValueOf(MergedField f) => Values.TryGetValue(f.Field.Id, out var v) ? v
        : Dto?.Fields.FirstOrDefault(x => x.Id == f.Field.Id)?.Prefill is JsonValue p ? (p.GetValueKind() == System.Text.Json.JsonValueKind.String ? p.GetValue<string>() : p.ToJsonString()) : null;

    public string? ErrorOf(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    private bool Find(string id)
    {
        var (c, _) = BundlesApi.Load(holder, items);
        Catalog = c;
        Bundle = c?.BundleById.GetValueOrDefault(id);
        return c == null || Bundle != null;
    }

    private async Task PlanAsync(string[] chosen, CancellationToken ct)
    {
        if (Catalog == null || Bundle == null) return;
        Chosen = chosen.ToHashSet(StringComparer.Ordinal);
        var (profile, from, name) = await BundlesApi.ProfileAsync(User, null, db, ct);
        try
        {
            Plan = BundlePlanner.Plan(Catalog, Bundle, chosen, profile, clock.Today());
            Dto = BundlesApi.ToDto(Catalog, Plan, from, name);
        }
        catch (PlanException pe) { Errors.AddRange(pe.Errors); }
        catch (ProfileException pe) { Errors.Add(new("profile", "您的档案有误，暂不能推荐事项和预填：" + string.Join("；", pe.Errors.Select(e => e.Message)))); }
    }
}
