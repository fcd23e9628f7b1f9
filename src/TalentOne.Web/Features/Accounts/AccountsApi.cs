using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Accounts;

public sealed record LoginRequest(string? UserName, string? Password, string? Code);
public sealed record AccountDto(string Id, string UserName, string DisplayName, IReadOnlyList<string> Roles, long? SubjectId,
    string? DepartmentId, string? ProviderKind, bool TwoFactorEnabled);
public sealed record RegisterPersonRequest(string? Name, string? IdNumber, string? Mobile, string? UserName, string? Password);
public sealed record RegisterEnterpriseRequest(string? Name, string? CreditCode, string? Mobile, string? City, string? UserName, string? DisplayName, string? Password);
public sealed record CreateStaffRequest(string? UserName, string? DisplayName, string? Role, string? DepartmentId, string? ProviderKind, string? Password);
public sealed record AddEnterpriseUserRequest(string? UserName, string? DisplayName, string? Password);
public sealed record TwoFactorSetupDto(string SharedKey, string AuthenticatorUri);
public sealed record TwoFactorCodeRequest(string? Code);
public sealed record DepartmentDto(string Id, string City, string Kind, string Name);

public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/api/v1/account").WithTags("账号");
        account.MapPost("/login", Login).WithSummary("登录（用户名、密码，开启两步验证的账号另需 6 位动态码）；成功后设置登录 Cookie");
        account.MapPost("/logout", Logout).RequireAuthorization().WithSummary("退出登录");
        account.MapGet("/me", Me).RequireAuthorization().WithSummary("当前账号");
        account.MapPost("/register/person", RegisterPerson).WithSummary("人才注册并建档（身份证号、手机号校验；一人一档）");
        account.MapPost("/register/enterprise", RegisterEnterprise).WithSummary("企业注册并建档（统一社会信用代码校验；一企一档）");
        account.MapPost("/2fa/setup", SetupTwoFactor).RequireAuthorization().WithSummary("生成身份验证器密钥（两步验证，可选）");
        account.MapPost("/2fa/enable", EnableTwoFactor).RequireAuthorization().WithSummary("输入动态码以开启两步验证");
        account.MapPost("/2fa/disable", DisableTwoFactor).RequireAuthorization().WithSummary("关闭两步验证（需当前动态码）");

        app.MapGet("/api/v1/departments", Departments).WithTags("账号").WithSummary("各市责任部门");

        var admin = app.MapGroup("/api/v1/admin/accounts").WithTags("账号").RequireAuthorization(AccessPolicies.Admin);
        admin.MapGet("/", ListAccounts).WithSummary("全部账号（人才办）");
        admin.MapPost("/", CreateStaff).WithSummary("创建工作人员或服务机构账号（人才办）");
        admin.MapPost("/{id}/unlock", Unlock).WithSummary("解除账号锁定（人才办）");
        admin.MapPost("/{id}/disable", Disable).WithSummary("停用账号（人员离职、调岗）：不能再登录，已登录的会话在 5 分钟内失效；记录保留");

        app.MapPost("/api/v1/enterprise/users", AddEnterpriseUser).WithTags("账号").RequireAuthorization(AccessPolicies.Enterprise)
            .WithSummary("为本企业添加一名用户");
        return app;
    }

    private static async Task<Results<Ok<AccountDto>, ProblemHttpResult>> Login(LoginRequest body, PlatformSignIn signIn, UserManager<PlatformUser> users)
    {
        var result = await signIn.SignInAsync(body.UserName, body.Password, body.Code);
        return result.Outcome switch
        {
            SignInOutcome.Ok => TypedResults.Ok(await DtoAsync(result.User!, users)),
            SignInOutcome.LockedOut => TypedResults.Problem(title: "账号已锁定", detail: result.Message, statusCode: StatusCodes.Status423Locked),
            SignInOutcome.NeedsCode => TypedResults.Problem(title: "需要动态码", detail: result.Message, statusCode: StatusCodes.Status401Unauthorized,
                extensions: new Dictionary<string, object?> { ["requiresTwoFactor"] = true }),
            _ => TypedResults.Problem(title: "登录失败", detail: result.Message, statusCode: StatusCodes.Status401Unauthorized),
        };
    }

    /// <summary>The provider kinds of catalog/services.yaml, id → title (empty when the catalog or the file is missing).</summary>
    public static IReadOnlyDictionary<string, string> ProviderKinds(CatalogHolder holder, TalentOne.Registry.Codes.ServiceCatalogCache services) =>
        holder.Current is { } catalog && services.For(catalog, out _) is { } s
            ? s.Providers.ToDictionary(p => p.Key, p => p.Value.Title)
            : new Dictionary<string, string>();

    private static async Task<NoContent> Logout(SignInManager<PlatformUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AccountDto>, UnauthorizedHttpResult>> Me(HttpContext http, UserManager<PlatformUser> users)
    {
        var user = await users.GetUserAsync(http.User);
        return user == null ? TypedResults.Unauthorized() : TypedResults.Ok(await DtoAsync(user, users));
    }

    private static async Task<Results<Created<AccountDto>, ValidationProblem, ProblemHttpResult>> RegisterPerson(
        RegisterPersonRequest body, AccountService accounts, SignInManager<PlatformUser> signIn, UserManager<PlatformUser> users, CancellationToken ct)
    {
        try
        {
            var (user, _) = await accounts.RegisterPersonAsync(new PersonRegistration(body.Name ?? "", body.IdNumber ?? "", body.Mobile ?? ""),
                body.UserName ?? "", body.Password ?? "", ct);
            await signIn.SignInAsync(user, isPersistent: false);
            return TypedResults.Created("/api/v1/me", await DtoAsync(user, users));
        }
        catch (RegistryException re) { return Refused(re); }
    }

    private static async Task<Results<Created<AccountDto>, ValidationProblem, ProblemHttpResult>> RegisterEnterprise(
        RegisterEnterpriseRequest body, AccountService accounts, CatalogHolder holder, SignInManager<PlatformUser> signIn, UserManager<PlatformUser> users, CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        try
        {
            var (user, _) = await accounts.RegisterEnterpriseAsync(
                new EnterpriseRegistration(body.Name ?? "", body.CreditCode ?? "", body.Mobile ?? "", body.City ?? ""),
                body.UserName ?? "", body.DisplayName ?? "", body.Password ?? "", catalog, ct);
            await signIn.SignInAsync(user, isPersistent: false);
            return TypedResults.Created("/api/v1/me", await DtoAsync(user, users));
        }
        catch (RegistryException re) { return Refused(re); }
    }

    private static async Task<Results<Created<AccountDto>, ValidationProblem, ProblemHttpResult>> AddEnterpriseUser(
        AddEnterpriseUserRequest body, HttpContext http, AccountService accounts, UserManager<PlatformUser> users, CancellationToken ct)
    {
        try
        {
            var user = await accounts.AddEnterpriseUserAsync(http.User.SubjectId()!.Value, body.UserName ?? "", body.DisplayName ?? "", body.Password ?? "", http.User.UserId(), ct);
            return TypedResults.Created("/api/v1/account/me", await DtoAsync(user, users));
        }
        catch (RegistryException re) { return Refused(re); }
    }

    private static async Task<Results<Ok<TwoFactorSetupDto>, UnauthorizedHttpResult>> SetupTwoFactor(HttpContext http, UserManager<PlatformUser> users)
    {
        var user = await users.GetUserAsync(http.User);
        if (user == null) return TypedResults.Unauthorized();
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        return TypedResults.Ok(new TwoFactorSetupDto(key, AuthenticatorUri(user.UserName!, key)));
    }

    public static string AuthenticatorUri(string userName, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString("TalentOne:" + userName)}?secret={key}&issuer=TalentOne&digits=6";

    private static async Task<Results<NoContent, ValidationProblem, UnauthorizedHttpResult>> EnableTwoFactor(TwoFactorCodeRequest body, HttpContext http, UserManager<PlatformUser> users)
    {
        var user = await users.GetUserAsync(http.User);
        if (user == null) return TypedResults.Unauthorized();
        if (await users.GetAuthenticatorKeyAsync(user) == null) return Problems.Invalid("code", "请先生成身份验证器密钥");
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, (body.Code ?? "").Trim()))
            return Problems.Invalid("code", "动态码不正确或已过期");
        await users.SetTwoFactorEnabledAsync(user, true);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem, UnauthorizedHttpResult>> DisableTwoFactor(TwoFactorCodeRequest body, HttpContext http, UserManager<PlatformUser> users)
    {
        var user = await users.GetUserAsync(http.User);
        if (user == null) return TypedResults.Unauthorized();
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, (body.Code ?? "").Trim()))
            return Problems.Invalid("code", "动态码不正确或已过期");
        await users.SetTwoFactorEnabledAsync(user, false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<DepartmentDto>>> Departments(TalentOneDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Departments.AsNoTracking().OrderBy(d => d.Id).Select(d => new DepartmentDto(d.Id, d.City, d.Kind, d.Name)).ToListAsync(ct));

    private static async Task<Ok<List<AccountDto>>> ListAccounts(UserManager<PlatformUser> users, CancellationToken ct)
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var list = new List<AccountDto>();
        foreach (var u in all) list.Add(await DtoAsync(u, users));
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Created<AccountDto>, ValidationProblem, ProblemHttpResult>> CreateStaff(
        CreateStaffRequest body, HttpContext http, AccountService accounts, UserManager<PlatformUser> users, CatalogHolder holder,
        TalentOne.Registry.Codes.ServiceCatalogCache services, CancellationToken ct)
    {
        try
        {
            var user = await accounts.CreateStaffAsync(new StaffAccount(body.UserName ?? "", body.DisplayName ?? "", body.Role ?? "",
                body.DepartmentId, body.ProviderKind, body.Password ?? ""), http.User.UserId(), ct, ProviderKinds(holder, services));
            return TypedResults.Created($"/api/v1/admin/accounts/{user.Id}", await DtoAsync(user, users));
        }
        catch (RegistryException re) { return Refused(re); }
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Disable(string id, HttpContext http, UserManager<PlatformUser> users)
    {
        var user = await users.FindByIdAsync(id);
        if (user == null) return TypedResults.NotFound();
        if (user.Id == http.User.UserId())
            return TypedResults.Problem(title: "不能停用自己的账号", detail: "请由另一位人才办管理员停用。", statusCode: StatusCodes.Status409Conflict);
        await DisableAsync(user, users);
        return TypedResults.NoContent();
    }

    /// <summary>A disabled account is locked out for good (re-enabled by unlocking) and its sessions end at the next
    /// security-stamp check; nothing is deleted.</summary>
    public static async Task DisableAsync(PlatformUser user, UserManager<PlatformUser> users)
    {
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
        await users.UpdateSecurityStampAsync(user);
    }

    private static async Task<Results<NoContent, NotFound>> Unlock(string id, UserManager<PlatformUser> users)
    {
        var user = await users.FindByIdAsync(id);
        if (user == null) return TypedResults.NotFound();
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return TypedResults.NoContent();
    }

    public static Results<Created<AccountDto>, ValidationProblem, ProblemHttpResult> Refused(RegistryException re) =>
        re.Status == 400 ? Problems.Invalid(re.Errors, "提交的信息有误") : Problems.Refused(re);

    private static async Task<AccountDto> DtoAsync(PlatformUser u, UserManager<PlatformUser> users) =>
        new(u.Id, u.UserName!, u.DisplayName, [.. await users.GetRolesAsync(u)], u.SubjectId, u.DepartmentId, u.ProviderKind, u.TwoFactorEnabled);
}
