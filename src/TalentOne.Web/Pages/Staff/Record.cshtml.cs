using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Staff;

/// <summary>One record for staff: facts with provenance, history, and (window staff, reviewers, talent office) the
/// verification of facts from a material, recorded with the department.</summary>
[Authorize(Policy = AccessPolicies.StaffOrOversight)]
public sealed class RecordModel(TalentOneDb db, RegistryService registry, CatalogHolder holder) : PageModel
{
    public RecordDto? Record { get; private set; }
    public IReadOnlyList<FactChangeDto> History { get; private set; } = [];
    public PolicyCatalog? Catalog => holder.Current;
    public bool CanVerify => User.IsInRole(Roles.Window) || User.IsInRole(Roles.Reviewer) || User.IsInRole(Roles.Admin);
    public ProfileForm Form { get; } = new();
    public IReadOnlyList<FormSection> Sections { get; private set; } = [];
    [BindProperty] public string? Material { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public int Version { get; set; }
    [BindProperty] public List<string> Verify { get; set; } = [];
    public List<string> OtherErrors { get; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, fill: true, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!CanVerify) return Forbid();
        if (!await LoadAsync(id, fill: false, ct) || holder.Current is not { } catalog) return NotFound();
        Form.Read(await Request.ReadFormAsync(ct), catalog.Schema);
        var typed = Form.Facts(catalog.Schema, Sections.SelectMany(s => s.Fields));
        if (string.IsNullOrWhiteSpace(Material)) OtherErrors.Add("核验须注明依据的材料（如“劳动合同”“学位证书编号……”）");
        var chosen = typed.Where(kv => Verify.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        if (chosen.Count == 0) OtherErrors.Add("请勾选本次核验的项目");
        if (Form.Errors.Count > 0 || OtherErrors.Count > 0) return Page();
        try
        {
            await registry.ChangeFactsAsync(id, chosen, new Provenance(User.UserId(), FactStatus.Verified, User.DepartmentId(), Material, Note), catalog, Version, ct);
        }
        catch (RegistryException re)
        {
            foreach (var e in re.Errors) OtherErrors.Add(e.Message);
            return Page();
        }
        TempData["Flash"] = $"已核验 {chosen.Count} 项。";
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(long id, bool fill, CancellationToken ct)
    {
        var subject = await RecordsApi.Scoped(db.Subjects.AsNoTracking(), User).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subject == null) return false;
        Record = await RecordsApi.ToDtoAsync(subject, registry, db, holder.Current, ct);
        History = await RecordsApi.HistoryAsync(id, db, holder.Current, ct);
        if (holder.Current is { } catalog) Sections = Me.RecordForm.Sections(catalog, subject.Kind);
        if (fill)
        {
            Form.Fill(JsonNode.Parse(subject.ProfileJson)!.AsObject());
            Version = subject.Version;
        }
        return true;
    }
}
