using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Accounts;

public sealed record StaffAccount(string UserName, string DisplayName, string Role, string? DepartmentId, string? ProviderKind, string Password);

/// <summary>Creates accounts: talents and enterprises register themselves (record and account in one transaction);
/// staff and service providers are created by the talent office; the first administrator from the command line.</summary>
public sealed class AccountService(TalentOneDb db, UserManager<PlatformUser> users, RoleManager<IdentityRole> roles, RegistryService registry, TimeProvider clock)
{
    public async Task EnsureRolesAsync(CancellationToken ct)
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), "role");
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>A person registers: the record and the account are stored together or not at all.</summary>
    public async Task<(PlatformUser User, Subject Subject)> RegisterPersonAsync(PersonRegistration r, string userName, string password, CancellationToken ct)
    {
        var subject = await registry.NewPersonAsync(r, ct);
        return await CreateHolderAsync(subject, userName, subject.Name, password, Roles.Talent, ct);
    }

    public async Task<(PlatformUser User, Subject Subject)> RegisterEnterpriseAsync(EnterpriseRegistration r, string userName, string displayName, string password,
        TalentOne.Policies.Catalog.PolicyCatalog catalog, CancellationToken ct)
    {
        var subject = await registry.NewEnterpriseAsync(r, catalog, ct);
        return await CreateHolderAsync(subject, userName, displayName, password, Roles.Enterprise, ct);
    }

    /// <summary>Another user of an already registered enterprise.</summary>
    public async Task<PlatformUser> AddEnterpriseUserAsync(long enterpriseId, string userName, string displayName, string password, string byUserId, CancellationToken ct)
    {
        var user = NewUser(userName, displayName, byUserId);
        user.SubjectId = enterpriseId;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await CreateAsync(user, password, Roles.Enterprise);
        await tx.CommitAsync(ct);
        return user;
    }

    private async Task<(PlatformUser, Subject)> CreateHolderAsync(Subject subject, string userName, string displayName, string password, string role, CancellationToken ct)
    {
        var user = NewUser(userName, displayName, null);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        registry.Add(subject, user.Id);
        await db.SaveChangesAsync(ct);
        user.SubjectId = subject.Id;
        await CreateAsync(user, password, role);
        await tx.CommitAsync(ct);
        return (user, subject);
    }

    /// <summary>A staff or service-provider account, created by an administrator (or the command line for the first one).</summary>
    /// <param name="providerKinds">The provider kinds of catalog/services.yaml (id → title); when given, a service
    /// provider's kind must be one of them, since only those can verify codes.</param>
    public async Task<PlatformUser> CreateStaffAsync(StaffAccount a, string? byUserId, CancellationToken ct, IReadOnlyDictionary<string, string>? providerKinds = null)
    {
        var errors = new List<ProfileError>();
        if (!Roles.Staff.Contains(a.Role)) errors.Add(new("role", $"角色应为 {string.Join("、", Roles.Staff.Select(r => $"{r}（{Roles.Label(r)}）"))} 之一"));
        if (a.Role is Roles.Reviewer or Roles.Window && string.IsNullOrEmpty(a.DepartmentId)) errors.Add(new("departmentId", $"{Roles.Label(a.Role)}必须归属一个部门"));
        if (a.DepartmentId is { Length: > 0 } dep && !await db.Departments.AnyAsync(d => d.Id == dep, ct)) errors.Add(new("departmentId", $"部门“{dep}”不存在"));
        if (a.Role == Roles.Provider && string.IsNullOrEmpty(a.ProviderKind)) errors.Add(new("providerKind", "服务机构账号必须注明机构类型"));
        else if (a.Role == Roles.Provider && providerKinds != null && !providerKinds.ContainsKey(a.ProviderKind!))
            errors.Add(new("providerKind", $"机构类型应为 {string.Join("、", providerKinds.Select(k => $"{k.Key}（{k.Value}）"))} 之一"));
        if (errors.Count > 0) throw new RegistryException(errors);
        var user = NewUser(a.UserName, a.DisplayName, byUserId);
        user.DepartmentId = string.IsNullOrEmpty(a.DepartmentId) ? null : a.DepartmentId;
        user.ProviderKind = a.Role == Roles.Provider ? a.ProviderKind : null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await CreateAsync(user, a.Password, a.Role);
        await tx.CommitAsync(ct);
        return user;
    }

    private PlatformUser NewUser(string userName, string displayName, string? byUserId) => new()
    {
        UserName = (userName ?? "").Trim(),
        DisplayName = (displayName ?? "").Trim(),
        CreatedAt = clock.GetUtcNow(),
        CreatedBy = byUserId,
        LockoutEnabled = true,
    };

    private async Task CreateAsync(PlatformUser user, string password, string role)
    {
        if (user.DisplayName.Length is 0 or > 100) throw new RegistryException("displayName", "请填写姓名或名称（不超过 100 字）");
        Check(await users.CreateAsync(user, password ?? ""), "password");
        Check(await users.AddToRoleAsync(user, role), "role");
    }

    private static void Check(IdentityResult result, string defaultField)
    {
        if (result.Succeeded) return;
        throw new RegistryException([.. result.Errors.Select(e => new ProfileError(
            e.Code.Contains("UserName", StringComparison.Ordinal) ? "userName" : e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : defaultField,
            e.Description))], result.Errors.Any(e => e.Code == "DuplicateUserName") ? 409 : 400);
    }
}
