using TalentOne.Policies.Catalog;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TalentOne.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Which database to use: <c>TalentOne:Database</c> (sqlite | postgres) and <c>ConnectionStrings:TalentOne</c>.
/// With neither set, an embedded SQLite file under ./data/talentone.db, relative to the platform's home: the
/// nearest folder above the content root that holds catalog/ (the repository root), else the content root.
/// A connection string starting with "Host=" selects PostgreSQL when the provider is not named.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public static DatabaseSettings From(IConfiguration config, string contentRoot)
    {
        var cs = config.GetConnectionString("TalentOne");
        var named = config["TalentOne:Database"];
        DatabaseProvider provider = named?.Trim().ToLowerInvariant() switch
        {
            null or "" => cs != null && cs.TrimStart().StartsWith("Host=", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite,
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"TalentOne:Database must be 'sqlite' or 'postgres', found '{named}'."),
        };
        if (provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(cs))
            throw new InvalidOperationException("TalentOne:Database is 'postgres' but ConnectionStrings:TalentOne is not set (e.g. Host=localhost;Database=talentone;Username=…).");
        if (provider == DatabaseProvider.Sqlite)
        {
            var b = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(cs) ? "Data Source=data/talentone.db" : cs);
            if (b.DataSource is { Length: > 0 } ds && ds != ":memory:" && !ds.StartsWith("file:", StringComparison.Ordinal) && !Path.IsPathRooted(ds))
                b.DataSource = Path.GetFullPath(Path.Combine(PlatformHome.Find(contentRoot) ?? contentRoot, ds));
            cs = b.ToString();
        }
        if (provider == DatabaseProvider.Postgres) cs = WithPostgresDefaults(cs!);
        return new DatabaseSettings(provider, cs!);
    }

    /// <summary>Npgsql settings for a request path of many short statements (docs/performance.md §7), unless the
    /// connection string sets them: statements used five times on a connection are prepared (PostgreSQL then skips
    /// parsing and planning them), and a pooled connection is not reset on each return to the pool (the platform keeps
    /// no session state: no SET, temporary tables, LISTEN or session-level locks — the ledger's lock is per transaction).</summary>
    public static string WithPostgresDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("maxautoprepare")) b.MaxAutoPrepare = 64;
        if (!given.Contains("noresetonclose")) b.NoResetOnClose = true;
        return b.ConnectionString;
    }
}

public static class DataSetup
{
    /// <summary>Registers <see cref="TalentOneDb"/> for the configured provider. The settings are read when first needed,
    /// so that every configuration source (including a test host's) has been added by then.</summary>
    public static IHostApplicationBuilder AddTalentOneData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        builder.Services.AddDbContext<SqliteTalentOneDb>((sp, o) => o.UseSqlite(sp.GetRequiredService<DatabaseSettings>().ConnectionString));
        builder.Services.AddDbContext<PostgresTalentOneDb>((sp, o) => o.UseNpgsql(sp.GetRequiredService<DatabaseSettings>().ConnectionString));
        builder.Services.AddScoped<TalentOneDb>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Postgres
            ? sp.GetRequiredService<PostgresTalentOneDb>()
            : sp.GetRequiredService<SqliteTalentOneDb>());
        return builder;
    }

    /// <summary>Creates the database if needed and applies every pending migration of its provider.</summary>
    public static async Task MigrateAsync(TalentOneDb db, DatabaseSettings settings, CancellationToken ct = default)
    {
        if (settings.Provider == DatabaseProvider.Sqlite
            && new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource is { Length: > 0 } file
            && Path.GetDirectoryName(file) is { Length: > 0 } dir)
            Directory.CreateDirectory(dir);
        await db.Database.MigrateAsync(ct);
    }
}

/// <summary>For `dotnet ef migrations add … --context SqliteTalentOneDb`.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTalentOneDb>
{
    public SqliteTalentOneDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTalentOneDb>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For `dotnet ef migrations add … --context PostgresTalentOneDb` (no server is contacted).</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTalentOneDb>
{
    public PostgresTalentOneDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTalentOneDb>().UseNpgsql("Host=localhost;Database=talentone_design").Options);
}
