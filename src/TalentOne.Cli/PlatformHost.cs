using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Certification;

namespace TalentOne.Cli;

/// <summary>The platform's services for commands that work on its database (admin, sweep): the same configuration
/// as the web host (environment variables TalentOne__Database, ConnectionStrings__TalentOne, TalentOne__Keys, or
/// --database / --connection), the same schema (migrated first), the same catalog.</summary>
public sealed class PlatformHost : IAsyncDisposable
{
    private readonly IHost _host;
    public PolicyCatalog Catalog { get; }
    public string CatalogRoot { get; }
    public IServiceProvider Services => _host.Services;

    private PlatformHost(IHost host, PolicyCatalog catalog, string root) { _host = host; Catalog = catalog; CatalogRoot = root; }

    public static async Task<PlatformHost> StartAsync(Dictionary<string, string> options, CancellationToken ct = default)
    {
        var root = CliApp.FindCatalog(options);
        var home = Path.GetDirectoryName(Path.GetFullPath(root))!;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = home, DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        var overrides = new Dictionary<string, string?>();
        if (options.TryGetValue("database", out var db)) overrides["TalentOne:Database"] = db;
        if (options.TryGetValue("connection", out var cs)) overrides["ConnectionStrings:TalentOne"] = cs;
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddTalentOneData();
        builder.AddRegistry();
        builder.AddCertificationServices(); // CertificationService.ExpireAsync for command-line sweeps
        builder.Services.AddIdentityCore<PlatformUser>(AccountOptions.Configure).AddRoles<IdentityRole>().AddPlatformIdentity();
        var host = builder.Build();

        var catalog = CatalogLoader.Load(root);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await DataSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<TalentOneDb>(), host.Services.GetRequiredService<DatabaseSettings>(), ct);
            await RegistrySetup.SeedAsync(scope.ServiceProvider, root, catalog, ct);
        }
        return new PlatformHost(host, catalog, root);
    }

    public ValueTask DisposeAsync()
    {
        _host.Dispose();
        return ValueTask.CompletedTask;
    }
}
