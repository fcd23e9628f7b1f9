using Npgsql;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Sweeps;

/// <summary>Settings of the sweep test hosts: no daily sweep and no background dispatch (the tests call the services
/// with a clock of their own), and an SMS log of their own.</summary>
public static class SweepAppSettings
{
    public static string NewSmsLog() => Path.Combine(Path.GetTempPath(), "talentone-tests", "sms-" + Guid.NewGuid().ToString("N")[..12], "sms.log");

    public static IReadOnlyDictionary<string, string?> For(string smsLog) => new Dictionary<string, string?>
    {
        ["TalentOne:Sweep:Enabled"] = "false",
        ["TalentOne:Outbox:Enabled"] = "false",
        ["TalentOne:Sms:LogFile"] = smsLog,
    };

    public static void Delete(string smsLog)
    {
        try { Directory.Delete(Path.GetDirectoryName(smsLog)!, recursive: true); }
        catch (IOException) { }
    }
}

public interface ISweepApp
{
    string SmsLog { get; }
}

public sealed class SweepSqliteApp : SqliteApp, ISweepApp
{
    public string SmsLog { get; } = SweepAppSettings.NewSmsLog();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => SweepAppSettings.For(SmsLog);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SweepAppSettings.Delete(SmsLog);
    }
}

/// <summary>The host on a database of its own on the shared throwaway PostgreSQL server.</summary>
public sealed class SweepPostgresApp(string connectionString, string adminConnectionString, string database) : TalentOneApp, ISweepApp
{
    public string SmsLog { get; } = SweepAppSettings.NewSmsLog();

    public override string ProviderName => "PostgreSQL";

    protected override IReadOnlyDictionary<string, string?> DatabaseSettings => new Dictionary<string, string?>
    {
        ["TalentOne:Database"] = "postgres",
        ["ConnectionStrings:TalentOne"] = connectionString,
    };

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => SweepAppSettings.For(SmsLog);

    public static async Task<SweepPostgresApp> CreateAsync(PostgresServer server)
    {
        var database = "talentone_sweep_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(server.AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database}\" ENCODING 'UTF8'", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;
        return new SweepPostgresApp(cs, server.AdminConnectionString, database);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SweepAppSettings.Delete(SmsLog);
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();

    /// <summary>That day at that hour in China.</summary>
    public static DateTimeOffset China(DateOnly day, int hour = 10, int minute = 0) =>
        new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(8));
}
