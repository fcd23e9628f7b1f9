using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;

namespace TalentOne.Web.Pages.Account;

/// <summary>人才注册并建档: name, resident ID, mobile, account. The record and the account are stored together or not at all.</summary>
[AllowAnonymous]
public sealed class RegisterModel(AccountService accounts, SignInManager<PlatformUser> signIn) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? IdNumber { get; set; }
    [BindProperty] public string? Mobile { get; set; }
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? ConfirmPassword { get; set; }
    public Dictionary<string, List<string>> Errors { get; } = [];

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Password != ConfirmPassword) { Errors["confirmPassword"] = ["两次输入的密码不一致"]; return Page(); }
        try
        {
            var (user, _) = await accounts.RegisterPersonAsync(new PersonRegistration(Name ?? "", IdNumber ?? "", Mobile ?? ""), UserName ?? "", Password ?? "", ct);
            await signIn.SignInAsync(user, isPersistent: false);
            TempData["Flash"] = "注册成功，已为您建档。请完善档案信息，以便计算可享受的政策。";
            return LocalRedirect("/me");
        }
        catch (RegistryException re)
        {
            Errors.AddAll(re.Errors);
            IdNumber = null; // never echo an identity number back into the page
            return Page();
        }
    }
}
