using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using TalentOne.Policies.Catalog;

namespace TalentOne.Web.Tests.Infrastructure;

/// <summary>The real host (Program) on a real database and a private catalog copy.</summary>
public abstract class TalentOneApp : WebApplicationFactory<Program>
{
    protected TalentOneApp() => Catalog = CatalogLoader.Load(CatalogRoot);

    public string CatalogRoot { get; } = TestCatalog.CreateCopy();

    /// <summary>This host's own keys (generated on first use), never the developer's data/keys.</summary>
    public string KeysFolder { get; } = Path.Combine(Path.GetTempPath(), "talentone-tests", "keys-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The same catalog loaded in-process: the test cases written in it give the expected answers.</summary>
    public PolicyCatalog Catalog { get; }

    /// <summary>TalentOne:Database and ConnectionStrings:TalentOne for this host.</summary>
    protected abstract IReadOnlyDictionary<string, string?> DatabaseSettings { get; }

    public abstract string ProviderName { get; }

    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config =>
        {
            var settings = new Dictionary<string, string?>(DatabaseSettings)
            {
                ["TalentOne:Catalog"] = CatalogRoot,
                ["TalentOne:Keys"] = KeysFolder,
                // No daily sweep or background dispatch in test hosts (the sweep tests drive them with their own clock),
                // and never the repository's data/sms.log.
                ["TalentOne:Sweep:Enabled"] = "false",
                ["TalentOne:Outbox:Enabled"] = "false",
                // The case daily jobs (cards, 容缺 reminders…) are driven by the tests with their own dates.
                ["TalentOne:Cases:Daily"] = "false",
                // No background ledger signing either: the ledger tests sign when they mean to.
                ["TalentOne:Ledger:SignEverySeconds"] = "0",
                ["TalentOne:Sms:LogFile"] = Path.Combine(KeysFolder, "sms.log"),
            };
            foreach (var (k, v) in ExtraSettings) settings[k] = v;
            config.AddInMemoryCollection(settings);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TestCatalog.DeleteCopy(CatalogRoot);
        try { Directory.Delete(KeysFolder, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

/// <summary>The host on a SQLite file of its own.</summary>
public class SqliteApp : TalentOneApp
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "talentone-tests", "sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public override string ProviderName => "SQLite";

    protected override IReadOnlyDictionary<string, string?> DatabaseSettings => new Dictionary<string, string?>
    {
        ["TalentOne:Database"] = "sqlite",
        ["ConnectionStrings:TalentOne"] = $"Data Source={Path.Combine(_dir, "talentone.db")}",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>The host on a fresh PostgreSQL database of the shared throwaway server.</summary>
public sealed class PostgresApp(string connectionString) : TalentOneApp
{
    public override string ProviderName => "PostgreSQL";

    protected override IReadOnlyDictionary<string, string?> DatabaseSettings => new Dictionary<string, string?>
    {
        ["TalentOne:Database"] = "postgres",
        ["ConnectionStrings:TalentOne"] = connectionString,
    };
}
