using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>企业用户: the users acting for an enterprise; any of them may add a colleague.</summary>
[Authorize(Policy = AccessPolicies.Enterprise)]
public sealed class UsersModel(TalentOneDb db, AccountService accounts) : PageModel
{
    public IReadOnlyList<PlatformUser> Users { get; private set; } = [];
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Password { get; set; }
    public Dictionary<string, List<string>> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var user = await accounts.AddEnterpriseUserAsync(User.SubjectId()!.Value, UserName ?? "", DisplayName ?? "", Password ?? "", User.UserId(), ct);
            TempData["Flash"] = $"已添加用户 {user.UserName}，请将初始密码告知本人，并提醒其登录后开启两步验证。";
            return RedirectToPage();
        }
        catch (RegistryException re)
        {
            Errors.AddAll(re.Errors);
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var id = User.SubjectId();
        Users = await db.Users.AsNoTracking().Where(u => u.SubjectId == id).OrderBy(u => u.UserName).ToListAsync(ct);
    }
}
