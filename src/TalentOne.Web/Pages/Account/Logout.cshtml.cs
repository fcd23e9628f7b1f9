using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Registry;

namespace TalentOne.Web.Pages.Account;

/// <summary>Sign-out is a POST with the antiforgery token (a link could be triggered by another site).</summary>
[AllowAnonymous]
public sealed class LogoutModel(SignInManager<PlatformUser> signIn) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/");
    }
}
