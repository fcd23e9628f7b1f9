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
public sealed class BundleModel(CatalogHolder holder, ItemCatalogs items, TalentOneDb db, TimeProvider clock, TalentOne.Web.Features.Cases.CasesApi.Deps cases) : PageModel
{
    /// <summary>One key per rendering of the form: submitting it twice (a double click, a retry) makes one case.</summary>
    public string ClientKey { get; private set; } = Guid.NewGuid().ToString("N");

    public bool CanSubmit => User.IsInRole(TalentOne.Registry.Accounts.Roles.Talent) || User.IsInRole(TalentOne.Registry.Accounts.Roles.Enterprise);
    public ItemCatalog? Catalog { get; private set; }
    public Bundle? Bundle { get; private set; }
    public Selection? Plan { get; private set; }
    public PlanDto? Dto { get; private set; }
    public HashSet<string> Chosen { get; private set; } = [];
    public List<ProfileError> Errors { get; } = [];
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public bool Checked { get; private set; }
    /// <summary>The delivery as typed (kept when the form comes back with errors).</summary>
    public CaseDelivery Delivery { get; private set; } = CaseDelivery.Default;

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

    /// <summary>申请: the combined form once, each material once (a file, or a written commitment where allowed; a material
    /// already in the vault is reused when no file is given). Uploaded files stay in the vault even if the application
    /// is refused, so nothing has to be uploaded twice.</summary>
    public async Task<IActionResult> OnPostSubmitAsync(string id, string[] items, CancellationToken ct)
    {
        if (!Find(id)) return NotFound();
        if (!CanSubmit || User.SubjectId() is not long subjectId) return Challenge();
        await PlanAsync(items, ct);
        if (Plan == null || Catalog == null) return Page();
        var (cx, problem) = await cases.ContextAsync(ct);
        if (problem != null || cx == null) { Errors.Add(new("$", "事项目录或工作日历暂不可用，请稍后再试")); return Page(); }
        var values = new JsonObject();
        foreach (var f in Plan.Form.Fields)
        {
            var v = Request.Form["v." + f.Field.Id].ToString().Trim();
            Values[f.Field.Id] = v;
            if (v.Length > 0) values[f.Field.Id] = v;
        }
        var materials = new JsonObject();
        foreach (var m in Plan.Form.Materials.Where(m => !m.Material.IsResult))
        {
            var field = "materials." + m.Material.Id;
            if (Request.Form.Files.GetFile("m." + m.Material.Id) is { Length: > 0 } file)
            {
                var take = (int)Math.Min(file.Length, TalentOne.Registry.Certification.EvidenceFiles.MaxBytes + 1L);
                var bytes = new byte[take];
                await using (var s = file.OpenReadStream()) await s.ReadAtLeastAsync(bytes, take, throwOnEndOfStream: false, ct);
                try
                {
                    var kept = await cases.Service.UploadAsync(subjectId, User.UserId(), m.Material.Id,
                        new TalentOne.Registry.Certification.EvidenceUpload(m.Material.Id, file.FileName, file.Length, bytes), Catalog, ct);
                    materials[m.Material.Id] = kept.EvidenceFileId;
                }
                catch (TalentOne.Registry.Records.RegistryException re) { Errors.AddRange(re.Errors.Select(e => new ProfileError(field, e.Message))); }
            }
            else if (m.Material.WaivableByCommitment && Request.Form["c." + m.Material.Id] == "on")
                materials[m.Material.Id] = new JsonObject { ["commitment"] = $"本人承诺“{m.Material.Name}”真实有效，如有不实愿承担相应责任。" };
            else if (m.Material.Deferrable && Request.Form["r." + m.Material.Id] == "on")
            {
                var until = Request.Form["u." + m.Material.Id].ToString();
                materials[m.Material.Id] = new JsonObject
                {
                    ["deferred"] = $"本人承诺于 {until} 前补交“{m.Material.Name}”，逾期未补交愿承担相应责任（记入失信标记）。", ["until"] = until,
                };
            }
        }
        Delivery = new CaseDelivery(Request.Form["d.method"].ToString() is { Length: > 0 } method ? method : CaseDelivery.Online,
            Request.Form["d.recipient"], Request.Form["d.mobile"], Request.Form["d.address"]);
        if (Errors.Count > 0) return Page();
        try
        {
            var key = Request.Form["clientKey"].ToString();
            var submitted = await cases.Service.SubmitAsync(subjectId, User.UserId(),
                new TalentOne.Registry.Cases.CaseSubmission(Bundle!.Id, items, values, materials, key.Length > 0 ? key : null, Delivery), cx, ct);
            TempData["Flash"] = $"“{Bundle.Name}”已提交（案件号 {submitted.Case.Id}），各部门将按顺序办理，进度会通过消息和短信告诉您。";
            return LocalRedirect($"/me/cases#case-{submitted.Case.Id}");
        }
        catch (TalentOne.Registry.Records.RegistryException re)
        {
            Errors.AddRange(re.Errors);
            return Page();
        }
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
