using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Registry;
using TalentOne.Web.Features.Accounts;

namespace TalentOne.Web.Pages.Account;

/// <summary>账号安全: optional two-step verification with an authenticator app (TOTP, RFC 6238).</summary>
[Authorize]
public sealed class SecurityModel(UserManager<PlatformUser> users, SignInManager<PlatformUser> signIn) : PageModel
{
    public bool Enabled { get; private set; }
    public string? SharedKey { get; private set; }
    public string? Uri { get; private set; }
    [BindProperty] public string? Code { get; set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user == null) return Challenge();
        Enabled = user.TwoFactorEnabled;
        return Page();
    }

    public async Task<IActionResult> OnPostSetupAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user == null) return Challenge();
        await users.ResetAuthenticatorKeyAsync(user);
        await ShowKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user == null) return Challenge();
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, (Code ?? "").Replace(" ", "", StringComparison.Ordinal)))
        {
            Error = "动态码不正确或已过期，请重新输入";
            await ShowKeyAsync(user);
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        await signIn.RefreshSignInAsync(user);
        Enabled = true;
        Message = "已开启两步验证。以后登录时需要输入验证器中的动态码。";
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user == null) return Challenge();
        Enabled = user.TwoFactorEnabled;
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, (Code ?? "").Replace(" ", "", StringComparison.Ordinal)))
        {
            Error = "动态码不正确或已过期";
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, false);
        await signIn.RefreshSignInAsync(user);
        Enabled = false;
        Message = "已关闭两步验证。";
        return Page();
    }

    private async Task ShowKeyAsync(PlatformUser user)
    {
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        SharedKey = string.Join(" ", Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - i * 4)))).ToLowerInvariant();
        Uri = AccountsApi.AuthenticatorUri(user.UserName!, key);
    }
}
