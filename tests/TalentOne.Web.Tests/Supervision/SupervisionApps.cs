using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TalentOne.Registry.Cases;
using TalentOne.Web.Tests.Infrastructure;
using TalentOne.Web.Tests.Sweeps;

namespace TalentOne.Web.Tests.Supervision;

/// <summary>A host whose clock the test moves (every action, its events, decision times, the daily job's date and the
/// sign-in cookies follow it), with a catalog holding only the supervision test items.</summary>
public interface ISupervisionApp
{
    ManualClock Clock { get; }
}

public static class SupervisionCatalog
{
    /// <summary>Items of the test departments of Lishui, one department per scenario so that their counts stay their own.
    /// sv.custom has its own steps; the others take the default (受理认领 1 working day, 审查办结 the rest).</summary>
    public const string Items = """
        document: 测试用事项（电子监察）
        items:
          - id: sv.five
            name: 五日事项
            city: lishui
            department: hrss
            limit_working_days: 5
            source: {quote: 测试}
          - id: sv.custom
            name: 分环节事项
            city: lishui
            department: science
            limit_working_days: 5
            steps:
              - {name: 受理, limit_working_days: 2}
              - {name: 审核决定, limit_working_days: 3}
            source: {quote: 测试}
          - id: sv.susp
            name: 补正事项
            city: lishui
            department: housing
            limit_working_days: 5
            source: {quote: 测试}
          - id: sv.alert
            name: 三日事项
            city: lishui
            department: education
            limit_working_days: 3
            source: {quote: 测试}
          - id: sv.month.a
            name: 月报五日事项
            city: lishui
            department: finance
            limit_working_days: 5
            source: {quote: 测试}
          - id: sv.month.b
            name: 月报三日事项
            city: lishui
            department: finance
            limit_working_days: 3
            source: {quote: 测试}
        """;

    public const string Bundles = """
        document: 测试用一件事
        bundles:
          - id: sv.all
            name: 电子监察测试一件事
            city: lishui
            source: {quote: 测试}
            items: [sv.five, sv.custom, sv.susp, sv.alert, sv.month.a, sv.month.b]
        """;

    /// <summary>Replaces the shipped items and bundles of a catalog copy by the test ones (before the host starts).</summary>
    public static void Install(string catalogRoot)
    {
        foreach (var (folder, text) in new[] { (ItemCatalog.ItemsFolder, Items), (ItemCatalog.BundlesFolder, Bundles) })
        {
            var dir = Path.Combine(catalogRoot, folder);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "supervision-test.yaml"), text);
        }
    }

    public static ManualClock NewClock() => new(ManualClock.China(new DateOnly(2021, 9, 1)));

    public static void UseClock(IWebHostBuilder builder, ManualClock clock) =>
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
}

public sealed class SupervisionSqliteApp : SqliteApp, ISupervisionApp
{
    public SupervisionSqliteApp() => SupervisionCatalog.Install(CatalogRoot);

    public ManualClock Clock { get; } = SupervisionCatalog.NewClock();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        SupervisionCatalog.UseClock(builder, Clock);
    }
}

/// <summary>The same on a database of its own on the shared throwaway PostgreSQL server.</summary>
public sealed class SupervisionPostgresApp : TalentOneApp, ISupervisionApp
{
    private readonly string _connectionString, _adminConnectionString, _database;

    private SupervisionPostgresApp(string connectionString, string adminConnectionString, string database)
    {
        (_connectionString, _adminConnectionString, _database) = (connectionString, adminConnectionString, database);
        SupervisionCatalog.Install(CatalogRoot);
    }

    public ManualClock Clock { get; } = SupervisionCatalog.NewClock();

    public override string ProviderName => "PostgreSQL";

    protected override IReadOnlyDictionary<string, string?> DatabaseSettings => new Dictionary<string, string?>
    {
        ["TalentOne:Database"] = "postgres",
        ["ConnectionStrings:TalentOne"] = _connectionString,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        SupervisionCatalog.UseClock(builder, Clock);
    }

    public static async Task<SupervisionPostgresApp> CreateAsync(PostgresServer server)
    {
        var database = "talentone_supervision_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(server.AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database}\" ENCODING 'UTF8'", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;
        return new SupervisionPostgresApp(cs, server.AdminConnectionString, database);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_adminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
