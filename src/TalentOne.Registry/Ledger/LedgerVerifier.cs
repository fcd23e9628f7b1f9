using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;

namespace TalentOne.Registry.Ledger;

public static class LedgerFault
{
    public const string Gap = "gap", BrokenLink = "broken_link", HashMismatch = "hash_mismatch",
        SignatureInvalid = "signature_invalid", SignatureHeadMismatch = "signature_head_mismatch", UnknownKey = "unknown_key";

    public static string Chinese(string what) => what switch
    {
        Gap => "缺失条目（序号不连续）",
        BrokenLink => "链接断裂（前一哈希不符）",
        HashMismatch => "哈希不符（条目内容被改动）",
        SignatureInvalid => "签名无效",
        SignatureHeadMismatch => "签名所签链头与该条目哈希不符",
        UnknownKey => "签名密钥不是平台信任的密钥",
        _ => what,
    };
}

/// <summary>The first thing wrong in the chain: the entry's Seq and what is wrong with it.</summary>
public sealed record LedgerProblem(long Seq, string What, string Detail)
{
    public override string ToString() => $"entry {Seq}: {What} — {Detail}";
}

public sealed record LedgerVerification(long Entries, long HeadSeq, int Signatures, long LastSignedSeq, LedgerProblem? FirstProblem, TimeSpan Elapsed)
{
    public bool Ok => FirstProblem == null;
    /// <summary>Entries after the last signature (a warning: the next signing run covers them).</summary>
    public long NotYetSigned => FirstProblem == null ? HeadSeq - LastSignedSeq : 0;
}

/// <summary>Checks the whole chain in order (keyset batches, constant memory): Seq without gaps from 1, every PrevHash
/// equal to the previous entry's hash, every hash recomputed from the entry, and every signature valid, by a trusted key,
/// over the hash of the entry it names. Stops at the first problem.</summary>
public sealed class LedgerVerifier(TalentOneDb db, LedgerKey platformKey)
{
    public const int BatchSize = 10_000;

    public async Task<LedgerVerification> VerifyAsync(IProgress<long>? progress, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try { return await VerifyAsync(db.Database.GetDbConnection(), [platformKey.PublicKey], progress, ct); }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    public static async Task<LedgerVerification> VerifyAsync(DbConnection conn, IReadOnlyCollection<byte[]> trustedKeys, IProgress<long>? progress, CancellationToken ct)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var hasher = new LedgerHash();
        var trusted = trustedKeys.Select(k => (Bytes: k, Key: LedgerKey.FromPublic(k))).ToList();
        byte[] prev = LedgerHash.Genesis;
        var computed = new byte[LedgerHash.Size];
        var content = new byte[LedgerHash.Size];
        long expected = 1, entries = 0, lastSigned = 0;
        int signatures = 0;
        LedgerProblem? problem = null;
        // Signatures in UpToSeq order, consumed as the stream passes their entry.
        var pending = new Queue<(long Upto, byte[] Head, byte[] Sig, byte[] Pub)>();
        long sigAfter = 0;
        bool sigsDone = false;

        async Task FillSignaturesAsync()
        {
            if (sigsDone || pending.Count > 0) return;
            await using var c = LedgerStore.Command(conn, null, """
                SELECT "UpToSeq", "HeadHash", "Signature", "PublicKey" FROM ledger_signatures
                WHERE "UpToSeq" > @after ORDER BY "UpToSeq" LIMIT 1000
                """);
            LedgerStore.Param(c, "@after", sigAfter);
            await using var r = await c.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                pending.Enqueue((r.GetInt64(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3)));
            if (pending.Count == 0) sigsDone = true; else sigAfter = pending.Last().Upto;
        }

        await FillSignaturesAsync();
        await using var cmd = LedgerStore.Command(conn, null, """
            SELECT "Seq", "Kind", "CaseId", "SubjectId", "Payload", "At", "PrevHash", "Hash" FROM ledger_entries
            WHERE "Seq" > @after ORDER BY "Seq" LIMIT @n
            """);
        var after = LedgerStore.Param(cmd, "@after", 0L);
        LedgerStore.Param(cmd, "@n", BatchSize);
        var rows = new List<Row>(BatchSize);
        while (problem == null)
        {
            // The batch is read into memory first: the signatures are read on the same connection (no MARS).
            rows.Clear();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                    rows.Add(new Row(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3),
                        r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<byte[]>(6), r.GetFieldValue<byte[]>(7)));
            if (rows.Count == 0) break;
            after.Value = rows[^1].Seq;
            foreach (var row in rows)
            {
                long seq = row.Seq;
                if (seq != expected) { problem = new(expected, LedgerFault.Gap, $"entry {expected} is missing (next stored entry is {seq})"); break; }
                if (!row.PrevHash.AsSpan().SequenceEqual(prev)) { problem = new(seq, LedgerFault.BrokenLink, "PrevHash differs from the hash of the entry before it"); break; }
                hasher.ContentHash(seq, row.Kind, row.At, row.CaseId, row.SubjectId, row.Payload, content);
                hasher.Link(prev, content, computed);
                if (!row.Hash.AsSpan().SequenceEqual(computed)) { problem = new(seq, LedgerFault.HashMismatch, "the stored hash is not the hash of the entry's content"); break; }
                prev = row.Hash;
                entries++;
                expected++;
                if (pending.Count == 0) await FillSignaturesAsync();
                while (problem == null && pending.Count > 0 && pending.Peek().Upto == seq)
                {
                    var s = pending.Dequeue();
                    problem = CheckSignature(seq, s.Head, s.Sig, s.Pub, row.Hash, trusted);
                    if (problem == null) { signatures++; lastSigned = seq; }
                    if (pending.Count == 0) await FillSignaturesAsync();
                }
                if (problem != null) break;
            }
            progress?.Report(entries);
        }
        // A signature naming an entry the chain does not have: the signed entries were removed.
        if (problem == null && pending.Count > 0)
            problem = new(expected, LedgerFault.Gap, $"entries {expected}…{pending.Peek().Upto} are missing but were signed");
        progress?.Report(entries);
        return new LedgerVerification(entries, expected - 1, signatures, lastSigned, problem, sw.Elapsed);
    }

    private readonly record struct Row(long Seq, string Kind, long? CaseId, long? SubjectId, string Payload, DateTimeOffset At, byte[] PrevHash, byte[] Hash);

    internal static LedgerProblem? CheckSignature(long seq, byte[] head, byte[] signature, byte[] publicKey, ReadOnlySpan<byte> entryHash,
        IReadOnlyList<(byte[] Bytes, LedgerKey Key)> trusted)
    {
        if (!head.AsSpan().SequenceEqual(entryHash))
            return new(seq, LedgerFault.SignatureHeadMismatch, "the signed head hash differs from the entry's hash");
        var key = trusted.FirstOrDefault(t => t.Bytes.AsSpan().SequenceEqual(publicKey)).Key;
        if (key == null) return new(seq, LedgerFault.UnknownKey, $"signed by key {LedgerKey.KeyIdOf(publicKey)}, not a trusted platform key");
        if (!key.Verify(LedgerKey.HeadMessage(seq, head), signature))
            return new(seq, LedgerFault.SignatureInvalid, "the SM2 signature over the head does not verify");
        return null;
    }
}
