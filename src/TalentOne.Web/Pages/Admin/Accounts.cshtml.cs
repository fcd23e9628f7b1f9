using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Admin;

/// <summary>账号管理: the talent office creates staff and service-provider accounts and lifts lockouts.</summary>
[Authorize(Policy = AccessPolicies.Admin)]
public sealed class AccountsModel(TalentOneDb db, AccountService accounts, UserManager<PlatformUser> users,
    TalentOne.Web.Features.Catalog.CatalogHolder holder, TalentOne.Registry.Codes.ServiceCatalogCache services) : PageModel
{
    public sealed record Row(PlatformUser User, string Roles, bool LockedOut)
    {
        public bool Disabled => User.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100);
    }

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<Department> Departments { get; private set; } = [];
    public IReadOnlyDictionary<string, string> ProviderKinds => TalentOne.Web.Features.Accounts.AccountsApi.ProviderKinds(holder, services);
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Role { get; set; }
    [BindProperty] public string? DepartmentId { get; set; }
    [BindProperty] public string? ProviderKind { get; set; }
    [BindProperty] public string? Password { get; set; }
    public Dictionary<string, List<string>> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        try
        {
            var user = await accounts.CreateStaffAsync(new StaffAccount(UserName ?? "", DisplayName ?? "", Role ?? "", DepartmentId, ProviderKind, Password ?? ""), User.UserId(), ct, ProviderKinds);
            TempData["Flash"] = $"已创建账号 {user.UserName}（{TalentOne.Registry.Accounts.Roles.Label(Role!)}）";
            return RedirectToPage();
        }
        catch (RegistryException re)
        {
            Errors.AddAll(re.Errors);
            await LoadAsync(ct);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostDisableAsync(string id)
    {
        if (await users.FindByIdAsync(id) is { } user && user.Id != User.UserId())
        {
            await TalentOne.Web.Features.Accounts.AccountsApi.DisableAsync(user, users);
            TempData["Flash"] = $"已停用 {user.UserName}";
        }
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostUnlockAsync(string id)
    {
        if (await users.FindByIdAsync(id) is { } user)
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            TempData["Flash"] = $"已解除 {user.UserName} 的锁定";
        }
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Departments = await db.Departments.AsNoTracking().OrderBy(d => d.City).ThenBy(d => d.Kind).ToListAsync(ct);
        var list = await db.Users.AsNoTracking().OrderBy(u => u.UserName).Take(500).ToListAsync(ct);
        var rows = new List<Row>();
        foreach (var u in list)
            rows.Add(new Row(u, string.Join("、", (await users.GetRolesAsync(u)).Select(TalentOne.Registry.Accounts.Roles.Label)), u.LockoutEnd > DateTimeOffset.UtcNow));
        Rows = rows;
    }
}
