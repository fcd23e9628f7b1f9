using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Registry;

namespace TalentOne.Web.Pages.Account;

/// <summary>Second step for accounts with an authenticator: the password was right, Identity remembers who in its
/// short-lived two-factor cookie, the code completes the sign-in.</summary>
[AllowAnonymous]
public sealed class LoginTwoFactorModel(SignInManager<PlatformUser> signIn, UserManager<PlatformUser> users) : PageModel
{
    [BindProperty] public string? Code { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() == null ? RedirectToPage("Login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user == null) return RedirectToPage("Login");
        var result = await signIn.TwoFactorAuthenticatorSignInAsync((Code ?? "").Replace(" ", "", StringComparison.Ordinal), isPersistent: false, rememberClient: false);
        if (result.Succeeded)
            return LocalRedirect(!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : await LoginModel.HomeOfAsync(user, users));
        Error = result.IsLockedOut ? "输错次数过多，账号已锁定 15 分钟" : "动态码不正确或已过期";
        return Page();
    }
}
