using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace TalentOne.Web.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>A PostgreSQL server for the test run. With TALENTONE_TEST_PG set (a connection string of a user that may
/// create databases) that server is used; otherwise a throwaway server is created here: initdb into a fresh temporary
/// directory (as the postgres user when running as root), pg_ctl start on 127.0.0.1 and a free port, and on dispose
/// stopped and deleted. Each test class gets a database of its own. Nothing is skipped: a missing server fails loudly.</summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<PostgresApp>>> _apps = new();
    private readonly List<string> _databases = [];
    private string? _dataDir;
    private string? _binDir;
    private bool _asPostgresUser;

    /// <summary>Connection string of the server's superuser (or of TALENTONE_TEST_PG).</summary>
    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("TALENTONE_TEST_PG") is { Length: > 0 } external)
        {
            AdminConnectionString = external;
            await CheckReachableAsync("TALENTONE_TEST_PG");
            return;
        }
        _binDir = FindBinaries();
        _asPostgresUser = Environment.UserName == "root";
        var parent = Path.Combine(Path.GetTempPath(), "talentone-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(parent);
        // initdb creates the data directory itself, owned by whoever runs it; the parent must be reachable for that user.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        _dataDir = Path.Combine(parent, "data");
        await RunAsync("initdb", "-D", _dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync");
        var port = FreePort();
        await RunAsync("pg_ctl", "start", "-D", _dataDir, "-w", "-t", "60", "-l", Path.Combine(_dataDir, "server.log"),
            "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {_dataDir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=30";
        await CheckReachableAsync("the throwaway server");
    }

    /// <summary>The host for one test class, on a database created for it.</summary>
    public Task<PostgresApp> AppFor(string testClass) => _apps.GetOrAdd(testClass, _ => new Lazy<Task<PostgresApp>>(async () =>
    {
        var database = "talentone_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database}\" ENCODING 'UTF8'", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        lock (_databases) _databases.Add(database);
        var cs = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;
        return new PostgresApp(cs);
    })).Value;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values.Where(a => a.IsValueCreated))
            if (app.Value.IsCompletedSuccessfully) await (await app.Value).DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_dataDir == null)
        {
            // An external server: drop what this run created.
            if (AdminConnectionString.Length == 0) return;
            await using var conn = new NpgsqlConnection(AdminConnectionString);
            await conn.OpenAsync();
            foreach (var db in _databases)
            {
                await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            return;
        }
        try { await RunAsync("pg_ctl", "stop", "-D", _dataDir, "-m", "immediate", "-w"); }
        finally
        {
            try { Directory.Delete(Path.GetDirectoryName(_dataDir)!, recursive: true); }
            catch (IOException) { }
        }
    }

    private async Task CheckReachableAsync(string what)
    {
        try
        {
            await using var conn = new NpgsqlConnection(AdminConnectionString);
            await conn.OpenAsync();
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new InvalidOperationException($"PostgreSQL tests cannot connect to {what} ({Redact(AdminConnectionString)}): {e.Message}", e);
        }
    }

    private static string Redact(string cs)
    {
        var b = new NpgsqlConnectionStringBuilder(cs);
        if (b.Password != null) b.Password = "***";
        return b.ConnectionString;
    }

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("TALENTONE_PG_BIN") is { Length: > 0 } env) candidates.Add(env);
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        candidates.AddRange(["/usr/local/pgsql/bin", "/usr/local/bin", "/usr/bin"]);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "PostgreSQL tests need either TALENTONE_TEST_PG (a connection string) or the PostgreSQL server binaries " +
                "(initdb, pg_ctl; looked in TALENTONE_PG_BIN, /usr/lib/postgresql/*/bin, /usr/local/pgsql/bin, /usr/bin). " +
                "On Debian: apt-get install -y postgresql");
    }

    private async Task RunAsync(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var exe = Path.Combine(_binDir!, tool);
        if (_asPostgresUser)
        {
            // PostgreSQL refuses to run as root.
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", exe }) psi.ArgumentList.Add(a);
        }
        else psi.FileName = exe;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        // pg_ctl start leaves the server running with our pipes inherited: read until the tool itself exits, not to EOF.
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        if (p.ExitCode != 0)
        {
            var log = _dataDir != null && File.Exists(Path.Combine(_dataDir, "server.log")) ? await File.ReadAllTextAsync(Path.Combine(_dataDir, "server.log")) : "";
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed with exit code {p.ExitCode}:\n" +
                $"{await Completed(stdout)}\n{await Completed(stderr)}\n{log}");
        }
    }

    private static async Task<string> Completed(Task<string> t) => await Task.WhenAny(t, Task.Delay(500)) == t ? await t : "";

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
