using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Codes;
using TalentOne.Registry.Ledger;
using TalentOne.Registry.Records;

namespace TalentOne.Registry;

public static class RegistrySetup
{
    /// <summary>Keys, the register and account services. The caller adds Identity (with cookies on the web host,
    /// core only on the command line) through <see cref="AddPlatformIdentity"/>.</summary>
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton(sp => new KeysFolder(KeysFolder.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>().ContentRootPath)));
        s.AddSingleton(sp => PlatformKeys.LoadOrCreate(sp.GetRequiredService<KeysFolder>().Path));
        // Cookies and account tokens stay valid across restarts: the data-protection key ring lives beside the other keys.
        s.AddDataProtection().SetApplicationName("TalentOne");
        s.AddOptions<KeyManagementOptions>().Configure<KeysFolder>((o, folder) =>
            o.XmlRepository = new FileSystemXmlRepository(Directory.CreateDirectory(Path.Combine(folder.Path, "data-protection")), NullLoggerFactory.Instance));
        s.AddSingleton(sp => { var k = sp.GetRequiredService<PlatformKeys>(); return new PersonalDataProtector(k.PersonalData, k.BlindIndex); });
        s.AddSingleton(sp => new TalentCodeSigner(sp.GetRequiredService<PlatformKeys>().CodeSigning));
        s.AddScoped<RegistryService>();
        s.AddScoped<AccountService>();
        s.AddScoped<CodeService>();
        s.AddSingleton<ServiceCatalogCache>();
        builder.AddLedger();
        return builder;
    }

    /// <summary>Identity's stores on the platform database with the platform's password and lockout rules.</summary>
    public static IdentityBuilder AddPlatformIdentity(this IdentityBuilder identity) => identity
        .AddEntityFrameworkStores<TalentOneDb>()
        .AddErrorDescriber<ChineseIdentityErrors>()
        .AddDefaultTokenProviders();

    /// <summary>Roles and departments present after start-up.</summary>
    public static async Task SeedAsync(IServiceProvider services, string catalogRoot, PolicyCatalog catalog, CancellationToken ct)
    {
        await services.GetRequiredService<AccountService>().EnsureRolesAsync(ct);
        await Departments.SeedAsync(services.GetRequiredService<TalentOneDb>(), Departments.FromCatalog(catalogRoot, catalog), ct);
    }
}

/// <summary>Where the platform's keys live: TalentOne:Keys, by default data/keys under the platform home.</summary>
public sealed record KeysFolder(string Path)
{
    public static string From(IConfiguration config, string contentRoot)
    {
        var home = PlatformHome.Find(contentRoot) ?? contentRoot;
        return config["TalentOne:Keys"] is { Length: > 0 } k ? System.IO.Path.GetFullPath(k, home) : System.IO.Path.Combine(home, "data", "keys");
    }
}
