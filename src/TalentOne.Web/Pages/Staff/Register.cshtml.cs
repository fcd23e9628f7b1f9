using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Records;

namespace TalentOne.Web.Pages.Staff;

/// <summary>窗口代为建档: a person without an account is registered at the window; he or she can claim the record later.</summary>
[Authorize(Policy = AccessPolicies.Staff)]
public sealed class RegisterModel(TalentOneDb db, RegistryService registry, CatalogHolder holder) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? IdNumber { get; set; }
    [BindProperty] public string? Mobile { get; set; }
    public Dictionary<string, List<string>> Errors { get; } = [];

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (holder.Current is not { } catalog) { Errors["$"] = ["政策目录暂未加载，请稍后再试"]; return Page(); }
        try
        {
            var subject = await RecordsApi.RegisterOnBehalfAsync(new NewPersonByWindowRequest(Name, IdNumber, Mobile, null), User, db, registry, catalog, ct);
            TempData["Flash"] = "已建档。本人日后用同一姓名和手机号注册即可认领这份档案。";
            return RedirectToPage("Record", new { id = subject.Id });
        }
        catch (RegistryException re)
        {
            db.ChangeTracker.Clear();
            Errors.AddAll(re.Errors);
            IdNumber = null;
            return Page();
        }
    }
}
