using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Registry;
using TalentOne.Web.Features.Accounts;

namespace TalentOne.Web.Pages.Account;

[AllowAnonymous] // the sign-in page itself
public sealed class LoginModel(SignInManager<PlatformUser> signIn, UserManager<PlatformUser> users) : PageModel
{
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = string.IsNullOrWhiteSpace(UserName) ? null : await users.FindByNameAsync(UserName.Trim());
        if (user == null || string.IsNullOrEmpty(Password))
        {
            Error = new SignInAnswer(SignInOutcome.Invalid, null, null).Message;
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(user, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded) return LocalRedirect(Safe(ReturnUrl) ?? await HomeOfAsync(user, users));
        if (result.RequiresTwoFactor) return RedirectToPage("LoginTwoFactor", new { ReturnUrl = Safe(ReturnUrl) });
        Error = result.IsLockedOut
            ? new SignInAnswer(SignInOutcome.LockedOut, user, await users.GetLockoutEndDateAsync(user)).Message
            : new SignInAnswer(SignInOutcome.Invalid, null, null).Message;
        return Page();
    }

    /// <summary>Only local paths: never an open redirect.</summary>
    public string? Safe(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : null;

    /// <summary>Where each role starts.</summary>
    public static async Task<string> HomeOfAsync(PlatformUser user, UserManager<PlatformUser> users)
    {
        var roles = await users.GetRolesAsync(user);
        return roles.FirstOrDefault() switch
        {
            Registry.Accounts.Roles.Talent or Registry.Accounts.Roles.Enterprise => "/me",
            Registry.Accounts.Roles.Provider => "/verify",
            Registry.Accounts.Roles.Reviewer => "/review/certifications",
            Registry.Accounts.Roles.Admin => "/admin",
            Registry.Accounts.Roles.Auditor => "/admin",
            _ => "/staff",
        };
    }
}
