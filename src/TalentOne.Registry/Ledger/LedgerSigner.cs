using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TalentOne.Data;

namespace TalentOne.Registry.Ledger;

/// <summary>Signs the chain head in batches (as X-Road does): when the head has moved since the last signature, one SM2
/// signature over the committed head covers every entry up to it — one signature a second, however many entries.</summary>
public sealed class LedgerSigner(TalentOneDb db, LedgerKey key, TimeProvider clock)
{
    /// <summary>Signs the current head if it is not signed yet; returns the signed Seq, or null when nothing moved.</summary>
    public async Task<long?> SignOnceAsync(CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try { return await SignOnceAsync(db.Database.GetDbConnection(), key, clock.GetUtcNow(), ct); }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    /// <summary>The same on an open connection (outside any transaction).</summary>
    public static async Task<long?> SignOnceAsync(DbConnection conn, LedgerKey key, DateTimeOffset now, CancellationToken ct)
    {
        long head; byte[] hash;
        await using (var h = LedgerStore.Command(conn, null, "SELECT \"Seq\", \"Hash\" FROM ledger_entries ORDER BY \"Seq\" DESC LIMIT 1"))
        await using (var r = await h.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            head = r.GetInt64(0); hash = r.GetFieldValue<byte[]>(1);
        }
        long signed = 0;
        await using (var s = LedgerStore.Command(conn, null, "SELECT \"UpToSeq\" FROM ledger_signatures ORDER BY \"UpToSeq\" DESC LIMIT 1"))
            if (await s.ExecuteScalarAsync(ct) is long v) signed = v;
        if (signed >= head) return null;
        var signature = key.Sign(LedgerKey.HeadMessage(head, hash));
        bool pg = conn is NpgsqlConnection;
        await using var ins = LedgerStore.Command(conn, null, """
            INSERT INTO ledger_signatures ("FromSeq", "UpToSeq", "HeadHash", "Signature", "KeyId", "PublicKey", "SignedAt")
            VALUES (@from, @upto, @hash, @sig, @kid, @pub, @at) ON CONFLICT ("UpToSeq") DO NOTHING
            """);
        LedgerStore.Param(ins, "@from", signed + 1);
        LedgerStore.Param(ins, "@upto", head);
        LedgerStore.Param(ins, "@hash", hash);
        LedgerStore.Param(ins, "@sig", signature);
        LedgerStore.Param(ins, "@kid", key.KeyId);
        LedgerStore.Param(ins, "@pub", key.PublicKey);
        LedgerStore.Param(ins, "@at", pg ? LedgerHash.Truncate(now).UtcDateTime : LedgerHash.Truncate(now));
        return await ins.ExecuteNonQueryAsync(ct) == 1 ? head : null;
    }
}

/// <summary>TalentOne:Ledger:SignEverySeconds (default 1; 0 = no background signing, as in test hosts).</summary>
public sealed record LedgerOptions(double SignEverySeconds)
{
    public static LedgerOptions From(IConfiguration config) =>
        new(double.TryParse(config["TalentOne:Ledger:SignEverySeconds"], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 1);
}

/// <summary>Runs <see cref="LedgerSigner"/> every <see cref="LedgerOptions.SignEverySeconds"/> seconds.</summary>
public sealed class LedgerSigningService(IServiceScopeFactory scopes, LedgerOptions options, ILogger<LedgerSigningService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.SignEverySeconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SignEverySeconds));
        // The first tick comes after one period: start-up (migrations) finishes first.
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<LedgerSigner>().SignOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) when (e is DbException or InvalidOperationException or DbUpdateException)
            {
                log.LogWarning(e, "Signing the ledger head failed; retrying");
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
