using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TalentOne.Data;
using TalentOne.Registry.Ledger;

namespace TalentOne.Bench;

/// <summary>
/// `ledger [N] [batch]`: the tamper-evident ledger on a throwaway PostgreSQL (see <see cref="ThrowawayPostgres"/>).
/// Appends N entries (default 1,000,000) of realistic ~300-byte canonical JSON payloads through the bulk path
/// (<see cref="LedgerStore.AppendAsync"/>: advisory lock, head read, SM3 chain, binary COPY; one transaction per batch,
/// default 1,000) while the batch signer signs the head every second on its own connection, as the web host does;
/// then verifies the whole chain (<see cref="LedgerVerifier"/>: every hash recomputed, every link and signature
/// checked). Reports entries/s, verification time and each phase's peak working set.
/// </summary>
public static class LedgerBench
{
    public static async Task RunAsync(string[] args)
    {
        int n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        int batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
        await using var pg = await ThrowawayPostgres.StartAsync();
        Console.WriteLine($"PostgreSQL {pg.Version} on port {pg.Port} ({pg.DataDir})");
        var cs = await pg.CreateDatabaseAsync("talentone_ledger");
        var options = new DbContextOptionsBuilder<PostgresTalentOneDb>().UseNpgsql(cs).Options;
        await using (var db = new PostgresTalentOneDb(options))
            await DataSetup.MigrateAsync(db, new DatabaseSettings(DatabaseProvider.Postgres, cs));
        var key = LedgerKey.Generate();

        Report.WaitForQuietMachine("ledger append", maxSeconds: 60);
        ResetPeak();
        double pg0 = pg.CpuSeconds();
        using var stop = new CancellationTokenSource();
        int signatures = 0;
        var signer = Task.Run(async () =>
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                    if (await LedgerSigner.SignOnceAsync(conn, key, DateTimeOffset.UtcNow, CancellationToken.None) != null) signatures++;
            }
            catch (OperationCanceledException) { }
        });

        var sw = Stopwatch.StartNew();
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            var items = new List<LedgerItem>(batch);
            long payloadBytes = 0;
            for (int done = 0; done < n; done += batch)
            {
                items.Clear();
                for (int i = done; i < Math.Min(n, done + batch); i++)
                {
                    var p = Payload(i);
                    payloadBytes += System.Text.Encoding.UTF8.GetByteCount(p);
                    items.Add(new LedgerItem(Kinds[i % Kinds.Length], p, CaseId: 1_000_000 + i / 7, SubjectId: 500_000 + i % 250_000));
                }
                await using var tx = await conn.BeginTransactionAsync();
                await LedgerStore.AppendAsync(conn, tx, items, DateTimeOffset.UtcNow, CancellationToken.None);
                await tx.CommitAsync();
            }
            Console.WriteLine($"average payload {payloadBytes / (double)n:F0} bytes (UTF-8)");
        }
        var appendSeconds = sw.Elapsed.TotalSeconds;
        var appendPeak = Report.PeakWorkingSetMb();
        var pgAppend = pg.CpuSeconds() - pg0;
        await Task.Delay(1_500); // the signer's next tick covers the last batch
        await stop.CancelAsync();
        await signer;
        Report.MeasurementDone();
        var table = await pg.ScalarAsync(cs, "SELECT pg_size_pretty(pg_total_relation_size('ledger_entries'))");

        Report.WaitForQuietMachine("ledger verify", maxSeconds: 60);
        ResetPeak();
        sw.Restart();
        LedgerVerification v;
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            v = await LedgerVerifier.VerifyAsync(conn, [key.PublicKey], null, CancellationToken.None);
        }
        var verifySeconds = sw.Elapsed.TotalSeconds;
        var verifyPeak = Report.PeakWorkingSetMb();
        Report.MeasurementDone();
        if (!v.Ok || v.Entries != n || v.NotYetSigned != 0) throw new InvalidOperationException($"verification: {v}");

        Report.Line("ledger", $"{n:N0} ledger entries on PostgreSQL {pg.Version}, {Environment.ProcessorCount} cores, transactions of {batch:N0} (COPY):");
        Report.Line("ledger", $"  append: {appendSeconds:F1} s = {n / appendSeconds:N0} entries/s with the signer running ({signatures} SM2 signatures), " +
            $"peak working set {appendPeak:F0} MB, PostgreSQL CPU {pgAppend:F1} s; ledger_entries {table}");
        Report.Line("ledger", $"  verify: {verifySeconds:F1} s for {v.Entries:N0} entries and {v.Signatures} signatures ({v.Entries / verifySeconds:N0} entries/s), " +
            $"peak working set {verifyPeak:F0} MB");
    }

    private static readonly string[] Kinds = ["application.submitted", "material.hashed", "routing.step", "decision.approved", "notice.enqueued"];

    /// <summary>A ~300-byte canonical JSON payload like a decision or material entry: ids, a department, a SHA-256, a note.</summary>
    private static string Payload(int i) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"applicationId":{{1_000_000 + i / 7}},"by":"reviewer-{{i % 97:D4}}","department":"quzhou.hrss","material":{"name":"学历学位证书-{{i}}.pdf","sha256":"{{Sha(i)}}","size":{{200_000 + i % 90_000}}},"note":"衢州市高层次人才认定，第七层次，有效期三年","route":"quzhou.tier7","step":{{i % 5}}}""");

    private static string Sha(int i)
    {
        Span<byte> b = stackalloc byte[32];
        BitConverter.TryWriteBytes(b, i * 2654435761L);
        BitConverter.TryWriteBytes(b[8..], i);
        return Convert.ToHexStringLower(b);
    }

    /// <summary>Resets the kernel's peak resident set of this process (Linux), so each phase reports its own.</summary>
    private static void ResetPeak()
    {
        GC.Collect();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
