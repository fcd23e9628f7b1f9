using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Catalog;
using TalentOne.Registry.Sweeps;

namespace TalentOne.Bench;

/// <summary>
/// `registry-sweep [N] [first-date] [second-date] [batch]`: the eligibility sweep of the registry (成熟激活) end to end on
/// PostgreSQL. Starts a throwaway PostgreSQL (initdb from the machine's binaries, default durability settings), creates
/// the schema with the platform's migrations, loads N registered subjects (default 1,000,000) with the synthetic
/// profiles' JSON by binary COPY (untimed), then runs two sweeps — the first (everything is new) and a second at a later
/// date (diff against the first) — each in a fresh child process (`registry-sweep-child`), timed end to end: read every
/// profile from the database in keyset batches, parse and evaluate it, diff with the stored state, write states, changes,
/// notices and outbox rows. Reports the time and the child's peak working set.
/// </summary>
public static class RegistrySweepBench
{
    public static async Task RunAsync(string[] args)
    {
        int n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var first = args.Length > 2 ? DateOnly.Parse(args[2], CultureInfo.InvariantCulture) : SyntheticProfiles.DefaultDate;
        var second = args.Length > 3 ? DateOnly.Parse(args[3], CultureInfo.InvariantCulture) : first.AddYears(1);
        int batch = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10_000;
        var total = Stopwatch.StartNew();
        await using var pg = await ThrowawayPostgres.StartAsync();
        Console.WriteLine($"PostgreSQL {pg.Version} on port {pg.Port} ({pg.DataDir})");
        var cs = await pg.CreateDatabaseAsync("talentone_bench");

        var sw = Stopwatch.StartNew();
        var options = new DbContextOptionsBuilder<PostgresTalentOneDb>().UseNpgsql(cs).Options;
        await using (var db = new PostgresTalentOneDb(options))
            await DataSetup.MigrateAsync(db, new DatabaseSettings(DatabaseProvider.Postgres, cs));
        Console.WriteLine($"schema migrated in {sw.Elapsed.TotalSeconds:F1} s");

        sw.Restart();
        var catalog = CatalogLoader.Load(Paths.Catalog);
        var profiles = new SyntheticProfiles(catalog, first);
        long jsonChars = await LoadSubjectsAsync(cs, profiles, n);
        Console.WriteLine($"loaded {n:N0} subjects ({jsonChars / (double)n:F0} characters of profile JSON each) in {sw.Elapsed.TotalSeconds:F1} s");
        sw.Restart();
        await pg.ExecuteAsync(cs, "VACUUM ANALYZE subjects");
        Console.WriteLine($"VACUUM ANALYZE in {sw.Elapsed.TotalSeconds:F1} s; subjects table {await pg.ScalarAsync(cs, "SELECT pg_size_pretty(pg_total_relation_size('subjects'))")}");

        var results = new List<JsonElement>();
        var cpu = new List<string>();
        foreach (var date in new[] { first, second })
        {
            Report.WaitForQuietMachine($"registry sweep {date:yyyy-MM-dd}", maxSeconds: 60);
            var machine0 = MachineCpu();
            double pg0 = pg.CpuSeconds();
            var result = await ChildAsync(cs, date, batch);
            var machine1 = MachineCpu();
            double pgSeconds = pg.CpuSeconds() - pg0, own = result.GetProperty("cpuSeconds").GetDouble();
            double capacity = (machine1.Total - machine0.Total) / 100.0, busy = (machine1.Busy - machine0.Busy) / 100.0; // USER_HZ = 100
            results.Add(result);
            cpu.Add($"CPU while sweeping as of {date:yyyy-MM-dd}: {capacity:F0} core-seconds available, sweep process {own:F1} s, PostgreSQL {pgSeconds:F1} s, " +
                $"everything else {Math.Max(0, busy - own - pgSeconds):F1} s ({Math.Max(0, busy - own - pgSeconds) / capacity:P0} of the machine)");
        }
        var delivery = await DeliverAsync(cs, second, maxMessages: 100_000, maxSeconds: 60);
        var sizes = await pg.ScalarAsync(cs, """
            SELECT string_agg(relname || ' ' || pg_size_pretty(pg_total_relation_size(oid)), ', ' ORDER BY relname)
            FROM pg_class WHERE relname IN ('sweep_states', 'eligibility_changes', 'notices', 'outbox_messages')
            """);
        Report.Line("registry-sweep", $"{n:N0} registered subjects on PostgreSQL {pg.Version}, batches of {batch:N0}, {Environment.ProcessorCount} cores:");
        foreach (var r in results)
            Report.Line("registry-sweep", $"  sweep as of {r.GetProperty("asOf").GetString()}: {r.GetProperty("sweepSeconds").GetDouble():F1} s end to end " +
                $"({r.GetProperty("subjectsPerSecond").GetDouble():N0} subjects/s), peak working set {r.GetProperty("peakWorkingSetMb").GetDouble():F0} MB, " +
                $"process total {r.GetProperty("processSeconds").GetDouble():F1} s incl. catalog load {r.GetProperty("catalogSeconds").GetDouble():F2} s; " +
                $"{r.GetProperty("processed").GetInt32():N0} processed, {r.GetProperty("newly").GetInt32():N0} newly eligible, " +
                $"{r.GetProperty("noLonger").GetInt32():N0} no longer eligible, {r.GetProperty("reminders").GetInt32():N0} reminders, " +
                $"{r.GetProperty("notices").GetInt32():N0} notices enqueued, {r.GetProperty("gen2").GetInt32()} gen-2 GCs, " +
                $"{r.GetProperty("allocatedGb").GetDouble():F1} GB allocated");
        foreach (var line in cpu) Report.Line("registry-sweep", "  " + line);
        Report.Line("registry-sweep", "  " + delivery);
        Report.Line("registry-sweep", $"  tables afterwards: {sizes}; whole benchmark {total.Elapsed.TotalMinutes:F1} min");
    }

    /// <summary>Delivery of what the sweeps enqueued: the outbox dispatcher as the web host runs it (claims of 500, the
    /// SMS written to a log file, in-app messages marked delivered), timed over the first messages.</summary>
    private static async Task<string> DeliverAsync(string cs, DateOnly date, int maxMessages, int maxSeconds)
    {
        Report.WaitForQuietMachine("outbox delivery", maxSeconds: 60);
        var options = new DbContextOptionsBuilder<PostgresTalentOneDb>().UseNpgsql(cs).Options;
        await using var db = new PostgresTalentOneDb(options);
        var sms = Path.Combine(Path.GetTempPath(), $"talentone-bench-sms-{Environment.ProcessId}.log");
        var protector = new TalentOne.Registry.Records.PersonalDataProtector(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var dispatcher = new TalentOne.Registry.Notices.OutboxDispatcher(db,
            [new TalentOne.Registry.Notices.LogFileSmsSender(sms), new TalentOne.Registry.Notices.InAppSender(db)],
            new TalentOne.Registry.Notices.OutboxOptions(), protector);
        var at = DateTimeOffset.UtcNow; // the sweeps enqueued with the real clock
        int sent = 0, other = 0;
        var sw = Stopwatch.StartNew();
        while (sent + other < maxMessages && sw.Elapsed.TotalSeconds < maxSeconds)
        {
            var r = await dispatcher.DispatchDueAsync(at);
            if (r.Total == 0) break;
            sent += r.Sent;
            other += r.Retrying + r.Dead;
        }
        double seconds = sw.Elapsed.TotalSeconds;
        long lines = File.Exists(sms) ? File.ReadLines(sms).LongCount() : 0;
        File.Delete(sms);
        return $"outbox delivery: {sent:N0} messages sent ({lines:N0} SMS lines, the rest in-app), {other:N0} not sent, in {seconds:F1} s = {sent / seconds:N0} messages/s " +
            $"(one dispatcher, batches of {new TalentOne.Registry.Notices.OutboxOptions().BatchSize})";
    }

    /// <summary>Subjects as the registry stores them (persons and enterprises, profile JSON), by binary COPY; JSON made
    /// in parallel slices so that generation keeps up with the copy.</summary>
    private static async Task<long> LoadSubjectsAsync(string cs, SyntheticProfiles profiles, int n)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        const int slice = 50_000;
        long chars = 0;
        var now = DateTimeOffset.UtcNow;
        await using var copy = await conn.BeginBinaryImportAsync("""
            COPY subjects ("Kind", "Name", "IdentifierIndex", "IdentifierMasked", "MobileMasked", "City", "ProfileJson", "CreatedAt", "UpdatedAt", "Version")
            FROM STDIN (FORMAT BINARY)
            """);
        Task<string[]> Make(int start) => Task.Run(() =>
        {
            int count = Math.Min(slice, n - start);
            var json = new string[count];
            Parallel.For(0, count, k => json[k] = profiles.Json(start + k));
            return json;
        });
        var next = Make(0);
        for (int start = 0; start < n; start += slice)
        {
            var json = await next;
            if (start + slice < n) next = Make(start + slice);
            for (int k = 0; k < json.Length; k++)
            {
                long i = start + k;
                var kind = profiles.KindOf(i) == Applicant.Person ? 1 : 2;
                await copy.StartRowAsync();
                await copy.WriteAsync(kind, NpgsqlDbType.Integer);
                await copy.WriteAsync(kind == 1 ? $"测试人员{i}" : $"测试企业{i}", NpgsqlDbType.Varchar);
                await copy.WriteAsync($"bench-{i}", NpgsqlDbType.Varchar);
                await copy.WriteAsync($"330802********{i % 10000:0000}", NpgsqlDbType.Varchar);
                await copy.WriteAsync($"139****{i % 10000:0000}", NpgsqlDbType.Varchar);
                await copy.WriteAsync("bench", NpgsqlDbType.Varchar);
                await copy.WriteAsync(json[k], NpgsqlDbType.Varchar);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(0, NpgsqlDbType.Integer);
                chars += json[k].Length;
            }
            if ((start / slice) % 4 == 3) Console.WriteLine($"  {start + json.Length:N0} subjects copied");
        }
        await copy.CompleteAsync();
        return chars;
    }

    /// <summary>Busy and total jiffies of the whole machine (/proc/stat).</summary>
    private static (long Busy, long Total) MachineCpu()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        long idle = f[3] + f[4], total = f.Take(8).Sum();
        return (total - idle, total);
    }

    private static async Task<JsonElement> ChildAsync(string cs, DateOnly date, int batch)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(RegistrySweepBench).Assembly.Location, "registry-sweep-child", cs, date.ToString("yyyy-MM-dd"), batch.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        JsonElement? result = null;
        while (await p.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal)) result = JsonDocument.Parse(line[7..]).RootElement.Clone();
            else Console.WriteLine("  " + line);
        }
        await p.WaitForExitAsync();
        if (p.ExitCode != 0 || result == null) throw new InvalidOperationException($"sweep child failed with exit code {p.ExitCode}");
        return result.Value;
    }

    /// <summary>One sweep in a fresh process, as `talentone sweep` would run it: load the catalog, run, report.</summary>
    public static async Task ChildRunAsync(string[] args)
    {
        var process = Stopwatch.StartNew();
        string cs = args[1];
        var date = DateOnly.Parse(args[2], CultureInfo.InvariantCulture);
        int batch = int.Parse(args[3], CultureInfo.InvariantCulture);
        var catalog = CatalogLoader.Load(Paths.Catalog);
        double catalogSeconds = process.Elapsed.TotalSeconds;
        var options = new DbContextOptionsBuilder<PostgresTalentOneDb>().UseNpgsql(cs).Options;
        await using var db = new PostgresTalentOneDb(options);
        var runner = new SweepRunner(db, new DatabaseSettings(DatabaseProvider.Postgres, cs), TimeProvider.System, []);
        int gen2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes();
        var sw = Stopwatch.StartNew();
        int lastTenth = -1;
        var run = await runner.RunAsync(catalog, date, new SweepRunOptions { BatchSize = batch, Trigger = SweepTrigger.Cli }, new InOrder(p =>
        {
            int tenth = p.Total == 0 ? 10 : (int)(10L * p.Processed / p.Total);
            if (tenth == lastTenth) return;
            lastTenth = tenth;
            Console.WriteLine($"{date:yyyy-MM-dd}: {p.Processed:N0}/{p.Total:N0} after {sw.Elapsed.TotalSeconds:F1} s, working set {Report.WorkingSetMb():F0} MB " +
                $"(stages so far: read {p.Reading.TotalSeconds:F1} s, evaluate {p.Evaluating.TotalSeconds:F1} s, write {p.Writing.TotalSeconds:F1} s)");
        }));
        double seconds = sw.Elapsed.TotalSeconds;
        if (run.Status != SweepStatus.Completed) throw new InvalidOperationException($"sweep {run.Status}: {run.Error}");
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(new
        {
            asOf = date.ToString("yyyy-MM-dd"),
            sweepSeconds = seconds,
            subjectsPerSecond = run.SubjectsProcessed / seconds,
            processSeconds = process.Elapsed.TotalSeconds,
            catalogSeconds,
            peakWorkingSetMb = Report.PeakWorkingSetMb(),
            processed = run.SubjectsProcessed,
            newly = run.NewlyEligible,
            noLonger = run.NoLongerEligible,
            reminders = run.RemindersScheduled,
            notices = run.NoticesEnqueued,
            gen2 = GC.CollectionCount(2) - gen2,
            allocatedGb = (GC.GetTotalAllocatedBytes() - allocated) / 1e9,
            cpuSeconds = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        }));
    }

    private sealed class InOrder(Action<SweepProgress> action) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => action(value);
    }
}

/// <summary>A PostgreSQL server for one benchmark run (after tests/TalentOne.Web.Tests/Infrastructure/PostgresServer.cs):
/// initdb into a temporary directory (as the postgres user when running as root), start on 127.0.0.1 and a free port,
/// stop and delete on dispose. Durability settings are PostgreSQL's defaults (fsync, synchronous_commit and
/// full_page_writes on); only memory for the buffer cache and room for WAL between checkpoints are raised.</summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly bool _asPostgres = Environment.UserName == "root";
    public string DataDir { get; }
    public int Port { get; }
    public string Version { get; private set; } = "";
    private string Admin => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=30;Command Timeout=0";

    private ThrowawayPostgres(string bin, string dataDir, int port) { _bin = bin; DataDir = dataDir; Port = port; }

    public static async Task<ThrowawayPostgres> StartAsync(string extraOptions = "")
    {
        var bin = (Environment.GetEnvironmentVariable("TALENTONE_PG_BIN") is { Length: > 0 } env ? [env] : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Select(d => Path.Combine(d, "bin"))
                : Array.Empty<string>())
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found (apt-get install postgresql, or set TALENTONE_PG_BIN)");
        var parent = Path.Combine(Path.GetTempPath(), "talentone-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(parent);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(parent, (UnixFileMode)0b111_101_111);
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var pg = new ThrowawayPostgres(bin, Path.Combine(parent, "data"), port);
        await pg.RunAsync("initdb", "-D", pg.DataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C");
        await pg.RunAsync("pg_ctl", "start", "-D", pg.DataDir, "-w", "-t", "60", "-l", Path.Combine(pg.DataDir, "server.log"),
            "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {pg.DataDir} -c shared_buffers=1GB -c max_wal_size=8GB -c work_mem=64MB {extraOptions}".TrimEnd());
        pg.Version = await pg.ScalarAsync(pg.Admin, "SHOW server_version");
        return pg;
    }

    /// <summary>CPU seconds used so far by this server: the postmaster with its exited children (cutime, cstime) and its
    /// live children (backends, writers), from /proc.</summary>
    public double CpuSeconds()
    {
        static long[] Stat(string pid) => File.ReadAllText($"/proc/{pid}/stat") is var t ? t[(t.LastIndexOf(')') + 2)..].Split(' ').Select(x => long.TryParse(x, out var v) ? v : 0).ToArray() : [];
        var master = File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).First().Trim();
        var m = Stat(master); // fields from "state": [1]=ppid, [11]=utime, [12]=stime, [13]=cutime, [14]=cstime
        long ticks = m[11] + m[12] + m[13] + m[14];
        foreach (var dir in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsDigit)))
        {
            try
            {
                var st = Stat(dir!);
                if (st[1].ToString(CultureInfo.InvariantCulture) == master) ticks += st[11] + st[12];
            }
            catch (IOException) { } // exited meanwhile
        }
        return ticks / 100.0;
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await ExecuteAsync(Admin, $"CREATE DATABASE \"{name}\" ENCODING 'UTF8'");
        return new NpgsqlConnectionStringBuilder(Admin) { Database = name, Pooling = true }.ConnectionString;
    }

    public async Task ExecuteAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<string> ScalarAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return Convert.ToString(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    private async Task RunAsync(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var exe = Path.Combine(_bin, tool);
        if (_asPostgres) { psi.FileName = "runuser"; foreach (var a in new[] { "-u", "postgres", "--", exe }) psi.ArgumentList.Add(a); }
        else psi.FileName = exe;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed ({p.ExitCode}): {(await Task.WhenAny(err, Task.Delay(500)) == err ? await err : "")}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await RunAsync("pg_ctl", "stop", "-D", DataDir, "-m", "fast", "-w"); }
        finally
        {
            try { Directory.Delete(Path.GetDirectoryName(DataDir)!, recursive: true); }
            catch (IOException) { }
        }
    }
}
