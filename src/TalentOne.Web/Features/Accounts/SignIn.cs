using Microsoft.AspNetCore.Identity;
using TalentOne.Data.Registry;

namespace TalentOne.Web.Features.Accounts;

public enum SignInOutcome { Ok, Invalid, LockedOut, NeedsCode, BadCode }

public sealed record SignInAnswer(SignInOutcome Outcome, PlatformUser? User, DateTimeOffset? LockedUntil)
{
    /// <summary>What the person is told, in Chinese. An unknown user name and a wrong password read the same.</summary>
    public string Message => Outcome switch
    {
        SignInOutcome.Invalid => "用户名或密码错误",
        SignInOutcome.LockedOut => LockedUntil is { } t && t < DateTimeOffset.UtcNow.AddYears(100)
            ? $"密码连续输错次数过多，账号已锁定，请于 {t.ToOffset(TimeSpan.FromHours(8)):HH:mm}（北京时间）后再试"
            : "账号已停用，如有疑问请联系人才办",
        SignInOutcome.NeedsCode => "该账号已开启两步验证，请输入身份验证器中的 6 位动态码",
        SignInOutcome.BadCode => "动态码不正确或已过期",
        _ => "",
    };
}

/// <summary>Password sign-in with lockout (5 failures → 15 minutes) and, when the account has enabled it, a TOTP
/// code from an authenticator app. The same rules for the login page and POST /api/v1/account/login.</summary>
public sealed class PlatformSignIn(SignInManager<PlatformUser> signIn, UserManager<PlatformUser> users)
{
    public async Task<SignInAnswer> SignInAsync(string? userName, string? password, string? code)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : await users.FindByNameAsync(userName.Trim());
        if (user == null || string.IsNullOrEmpty(password)) return new(SignInOutcome.Invalid, null, null);
        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (check.IsLockedOut) return new(SignInOutcome.LockedOut, user, await users.GetLockoutEndDateAsync(user));
        if (!check.Succeeded) return new(SignInOutcome.Invalid, user, null);
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            if (string.IsNullOrWhiteSpace(code)) return new(SignInOutcome.NeedsCode, user, null);
            var provider = users.Options.Tokens.AuthenticatorTokenProvider;
            if (!await users.VerifyTwoFactorTokenAsync(user, provider, code.Replace(" ", "", StringComparison.Ordinal).Trim()))
            {
                await users.AccessFailedAsync(user);
                return await users.IsLockedOutAsync(user)
                    ? new(SignInOutcome.LockedOut, user, await users.GetLockoutEndDateAsync(user))
                    : new(SignInOutcome.BadCode, user, null);
            }
        }
        await users.ResetAccessFailedCountAsync(user);
        await signIn.SignInAsync(user, isPersistent: false);
        return new(SignInOutcome.Ok, user, null);
    }
}
