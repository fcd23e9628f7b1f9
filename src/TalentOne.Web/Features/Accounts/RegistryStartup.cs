using TalentOne.Registry;
using TalentOne.Web.Features.Catalog;

namespace TalentOne.Web.Infrastructure;

/// <summary>After the schema is migrated and the catalog loaded: roles and departments exist.</summary>
public sealed class RegistryStartup(IServiceScopeFactory scopes, CatalogHolder holder) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return; // no catalog: nothing to take the city list from; the next start seeds
        await using var scope = scopes.CreateAsyncScope();
        await RegistrySetup.SeedAsync(scope.ServiceProvider, holder.Root, catalog, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
