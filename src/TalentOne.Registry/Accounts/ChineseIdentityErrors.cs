using Microsoft.AspNetCore.Identity;

namespace TalentOne.Registry.Accounts;

/// <summary>Identity's messages in Chinese.</summary>
public sealed class ChineseIdentityErrors : IdentityErrorDescriber
{
    private static IdentityError E(string code, string description) => new() { Code = code, Description = description };

    public override IdentityError DefaultError() => E(nameof(DefaultError), "操作失败，请重试");
    public override IdentityError ConcurrencyFailure() => E(nameof(ConcurrencyFailure), "账号已被他人修改，请刷新后重试");
    public override IdentityError PasswordMismatch() => E(nameof(PasswordMismatch), "密码不正确");
    public override IdentityError InvalidToken() => E(nameof(InvalidToken), "验证码无效或已过期");
    public override IdentityError InvalidUserName(string? userName) => E(nameof(InvalidUserName), "用户名只能包含字母、数字及 - . _ @ +");
    public override IdentityError DuplicateUserName(string userName) => E(nameof(DuplicateUserName), $"用户名“{userName}”已被使用");
    public override IdentityError InvalidEmail(string? email) => E(nameof(InvalidEmail), "电子邮箱格式不正确");
    public override IdentityError DuplicateEmail(string email) => E(nameof(DuplicateEmail), "该电子邮箱已被使用");
    public override IdentityError InvalidRoleName(string? role) => E(nameof(InvalidRoleName), $"角色“{role}”无效");
    public override IdentityError DuplicateRoleName(string role) => E(nameof(DuplicateRoleName), $"角色“{role}”已存在");
    public override IdentityError UserAlreadyInRole(string role) => E(nameof(UserAlreadyInRole), $"已具有角色“{role}”");
    public override IdentityError UserNotInRole(string role) => E(nameof(UserNotInRole), $"不具有角色“{role}”");
    public override IdentityError UserLockoutNotEnabled() => E(nameof(UserLockoutNotEnabled), "该账号未启用锁定");
    public override IdentityError PasswordTooShort(int length) => E(nameof(PasswordTooShort), $"密码至少 {length} 位");
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => E(nameof(PasswordRequiresUniqueChars), $"密码至少包含 {uniqueChars} 个不同的字符");
    public override IdentityError PasswordRequiresNonAlphanumeric() => E(nameof(PasswordRequiresNonAlphanumeric), "密码须包含至少一个符号");
    public override IdentityError PasswordRequiresDigit() => E(nameof(PasswordRequiresDigit), "密码须包含至少一个数字");
    public override IdentityError PasswordRequiresLower() => E(nameof(PasswordRequiresLower), "密码须包含至少一个小写字母");
    public override IdentityError PasswordRequiresUpper() => E(nameof(PasswordRequiresUpper), "密码须包含至少一个大写字母");
}

public static class AccountOptions
{
    /// <summary>Password rules and lockout shared by the web host and the command line.</summary>
    public static void Configure(IdentityOptions o)
    {
        o.Password.RequiredLength = 10;
        o.Password.RequiredUniqueChars = 4;
        o.Password.RequireDigit = true;
        o.Password.RequireLowercase = true;
        o.Password.RequireUppercase = false;
        o.Password.RequireNonAlphanumeric = false;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        o.Lockout.AllowedForNewUsers = true;
        o.User.RequireUniqueEmail = false;
        o.SignIn.RequireConfirmedAccount = false;
    }
}
