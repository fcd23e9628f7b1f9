using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;

namespace TalentOne.Web.Pages.Account;

/// <summary>企业注册并建档: one record per unified social credit code; more users are added by the enterprise itself.</summary>
[AllowAnonymous]
public sealed class RegisterEnterpriseModel(AccountService accounts, SignInManager<PlatformUser> signIn, CatalogHolder holder) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? CreditCode { get; set; }
    [BindProperty] public string? City { get; set; }
    [BindProperty] public string? Mobile { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? ConfirmPassword { get; set; }
    public Dictionary<string, List<string>> Errors { get; } = [];
    public PolicyCatalog? Catalog => holder.Current;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (holder.Current is not { } catalog) { Errors["$"] = ["政策目录暂未加载，请稍后再试"]; return Page(); }
        if (Password != ConfirmPassword) { Errors["confirmPassword"] = ["两次输入的密码不一致"]; return Page(); }
        try
        {
            var (user, _) = await accounts.RegisterEnterpriseAsync(new EnterpriseRegistration(Name ?? "", CreditCode ?? "", Mobile ?? "", City ?? ""),
                UserName ?? "", DisplayName ?? "", Password ?? "", catalog, ct);
            await signIn.SignInAsync(user, isPersistent: false);
            TempData["Flash"] = "注册成功，已为企业建档。请完善企业信息。";
            return LocalRedirect("/me");
        }
        catch (RegistryException re)
        {
            Errors.AddAll(re.Errors);
            return Page();
        }
    }
}
