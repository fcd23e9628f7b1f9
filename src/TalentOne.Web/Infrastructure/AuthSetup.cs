using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using TalentOne.Data.Registry;
using TalentOne.Registry;
using TalentOne.Registry.Accounts;

namespace TalentOne.Web.Infrastructure;

/// <summary>Sign-in (Identity with a cookie), the role policies, and the claims every page and endpoint uses to scope
/// what it shows: the subject a talent or enterprise user acts for, the department of a staff account.</summary>
public static class AuthSetup
{
    public const string SubjectClaim = "talentone:subject";
    public const string DepartmentClaim = "talentone:department";
    public const string ProviderClaim = "talentone:provider";

    public static WebApplicationBuilder AddPlatformAuth(this WebApplicationBuilder builder)
    {
        builder.AddRegistry();
        builder.Services.AddIdentity<PlatformUser, IdentityRole>(AccountOptions.Configure)
            .AddPlatformIdentity()
            .AddClaimsPrincipalFactory<PlatformClaimsFactory>();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "TalentOne.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(2);
            o.SlidingExpiration = true;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            // The API answers 401/403 as problem+json instead of redirecting to the login page.
            o.Events.OnRedirectToLogin = c => ApiOr(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => ApiOr(c, StatusCodes.Status403Forbidden);
        });
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(5));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Talent, p => p.RequireRole(Roles.Talent).RequireClaim(SubjectClaim))
            .AddPolicy(AccessPolicies.Enterprise, p => p.RequireRole(Roles.Enterprise).RequireClaim(SubjectClaim))
            .AddPolicy(AccessPolicies.Holder, p => p.RequireRole(Roles.Talent, Roles.Enterprise).RequireClaim(SubjectClaim))
            .AddPolicy(AccessPolicies.Staff, p => p.RequireRole(Roles.Window, Roles.Reviewer, Roles.Admin))
            .AddPolicy(AccessPolicies.Reviewer, p => p.RequireRole(Roles.Reviewer).RequireClaim(DepartmentClaim))
            .AddPolicy(AccessPolicies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(AccessPolicies.Oversight, p => p.RequireRole(Roles.Admin, Roles.Auditor))
            .AddPolicy(AccessPolicies.StaffOrOversight, p => p.RequireRole(Roles.Window, Roles.Reviewer, Roles.Admin, Roles.Auditor))
            .AddPolicy(AccessPolicies.Provider, p => p.RequireRole(Roles.Provider).RequireClaim(ProviderClaim));
        builder.Services.AddScoped<TalentOne.Web.Features.Accounts.PlatformSignIn>();
        builder.Services.AddScoped<TalentOne.Web.Pages.Me.MyRecordLoader>();
        builder.Services.AddHostedService<RegistryStartup>();
        return builder;
    }

    private static Task ApiOr(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> c, int status)
    {
        if (!c.Request.Path.StartsWithSegments("/api"))
        {
            c.Response.Redirect(c.RedirectUri);
            return Task.CompletedTask;
        }
        c.Response.StatusCode = status;
        return Results.Problem(
            title: status == 401 ? "需要登录" : "无权访问",
            detail: status == 401 ? "请先登录（POST /api/v1/account/login）。" : "当前账号的角色或所属部门无权访问此资源。",
            statusCode: status).ExecuteAsync(c.HttpContext);
    }

    public static long? SubjectId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(SubjectClaim), out var id) ? id : null;

    public static string? DepartmentId(this ClaimsPrincipal user) => user.FindFirstValue(DepartmentClaim);

    public static string? ProviderKind(this ClaimsPrincipal user) => user.FindFirstValue(ProviderClaim);

    public static string UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
}

/// <summary>Adds the subject, department and provider kind of the account to its sign-in claims.</summary>
public sealed class PlatformClaimsFactory(UserManager<PlatformUser> users, RoleManager<IdentityRole> roles, Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PlatformUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PlatformUser user)
    {
        var id = await base.GenerateClaimsAsync(user);
        if (user.SubjectId is long s) id.AddClaim(new Claim(AuthSetup.SubjectClaim, s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (user.DepartmentId is { } d) id.AddClaim(new Claim(AuthSetup.DepartmentClaim, d));
        if (user.ProviderKind is { } p) id.AddClaim(new Claim(AuthSetup.ProviderClaim, p));
        id.AddClaim(new Claim("talentone:display", user.DisplayName));
        return id;
    }
}
