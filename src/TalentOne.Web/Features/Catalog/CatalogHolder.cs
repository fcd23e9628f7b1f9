using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;

namespace TalentOne.Web.Features.Catalog;

/// <summary>Where the catalog is: <c>TalentOne:Catalog</c>, else the nearest ./catalog directory walking up from the content root.</summary>
public sealed record CatalogLocation(string Root)
{
    public static CatalogLocation From(IConfiguration config, string contentRoot)
    {
        if (config["TalentOne:Catalog"] is { Length: > 0 } configured)
            return new(Path.GetFullPath(Path.Combine(contentRoot, configured)));
        return new(PlatformHome.Catalog(contentRoot));
    }
}

/// <summary>The outcome of the last attempt to load the catalog.</summary>
public sealed record LoadAttempt(DateTimeOffset At, string Trigger, bool Succeeded, IReadOnlyList<string> Errors);

/// <summary>Keeps the last catalog that loaded without errors and serves it to every request. A reload that fails
/// leaves it in place, so a broken edit on disk never takes the service down.</summary>
public sealed class CatalogHolder(CatalogLocation location, IServiceScopeFactory scopes, TimeProvider clock, ILogger<CatalogHolder> log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PolicyCatalog? _current;

    public string Root => location.Root;
    /// <summary>The catalog in force, or null when none has loaded since start-up.</summary>
    public PolicyCatalog? Current => Volatile.Read(ref _current);
    public LoadAttempt? LastAttempt { get; private set; }

    /// <summary>Loads catalog/ from disk with every parameter value stored in the database, and swaps it in if it has no errors.</summary>
    public async Task<LoadAttempt> LoadAsync(string trigger, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
            var values = await StoredValuesAsync(db, ct);
            var (catalog, errors) = TryLoad(values);
            var attempt = await RecordAsync(db, trigger, catalog, errors, ct);
            if (catalog != null) Volatile.Write(ref _current, catalog);
            return attempt;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Stores a parameter value and brings it into force: inside one transaction the row is added and the
    /// catalog rebuilt with all stored values; the new catalog is swapped in once the transaction has committed.</summary>
    public async Task<ParameterValueRecord> AddParameterValueAsync(ParameterValueRecord record, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.ParameterValues.Add(record);
            await db.SaveChangesAsync(ct);
            var (catalog, errors) = TryLoad(await StoredValuesAsync(db, ct));
            await RecordAsync(db, "parameter", catalog, errors, ct);
            await tx.CommitAsync(ct);
            if (catalog != null) Volatile.Write(ref _current, catalog);
            else if (Current is { } previous)
            {
                // The files on disk do not load right now; the rules in force stay, with the new value added to their table.
                previous.Parameters.Table = previous.Parameters.Table.With(record.Parameter, ToValue(record));
            }
            return record;
        }
        finally { _gate.Release(); }
    }

    public static ParameterValue ToValue(ParameterValueRecord r) =>
        new(r.From, r.Default, JsonSerializer.Deserialize<Dictionary<string, double>>(r.ByKeyJson) ?? [], r.Source, DatabaseOrigin(r.Id));

    public static string DatabaseOrigin(long id) => $"database #{id}";

    private static async Task<List<(string Name, ParameterValue Value)>> StoredValuesAsync(TalentOneDb db, CancellationToken ct) =>
        (await db.ParameterValues.AsNoTracking().OrderBy(v => v.Id).ToListAsync(ct)).Select(r => (r.Parameter, ToValue(r))).ToList();

    private (PolicyCatalog? Catalog, IReadOnlyList<string> Errors) TryLoad(List<(string, ParameterValue)> values)
    {
        try
        {
            return (CatalogLoader.Load(location.Root, values), []);
        }
        catch (CatalogException ce)
        {
            return (null, ce.Errors.Select(e => e.ToString()).ToList());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, [$"{location.Root}:1:1: {e.Message}"]);
        }
    }

    private async Task<LoadAttempt> RecordAsync(TalentOneDb db, string trigger, PolicyCatalog? catalog, IReadOnlyList<string> errors, CancellationToken ct)
    {
        var attempt = new LoadAttempt(clock.GetUtcNow(), trigger, catalog != null, errors);
        db.CatalogLoads.Add(new CatalogLoadRecord
        {
            Version = catalog?.Version,
            LoadedAt = attempt.At,
            PolicyCount = catalog?.Policies.Count ?? 0,
            Succeeded = catalog != null,
            Errors = errors.Count > 0 ? string.Join('\n', errors) : null,
            Trigger = trigger,
        });
        await db.SaveChangesAsync(ct);
        LastAttempt = attempt;
        if (catalog != null)
            log.LogInformation("Catalog {Version} loaded ({Trigger}): {Policies} policies", catalog.Version, trigger, catalog.Policies.Count);
        else
            log.LogWarning("Catalog did not load ({Trigger}); {Count} error(s), keeping version {Version}:\n{Errors}",
                trigger, errors.Count, Current?.Version ?? "(none)", string.Join('\n', errors.Take(50)));
        return attempt;
    }
}

/// <summary>At start-up: brings the database schema up to date, then loads the catalog.</summary>
public sealed class CatalogStartup(IServiceScopeFactory scopes, DatabaseSettings settings, CatalogHolder holder) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using (var scope = scopes.CreateAsyncScope())
            await DataSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<TalentOneDb>(), settings, ct);
        await holder.LoadAsync("startup", ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
