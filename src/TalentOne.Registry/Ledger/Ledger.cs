using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using TalentOne.Data;

namespace TalentOne.Registry.Ledger;

/// <summary>The tamper-evident ledger (上链) on the platform database: every application, material hash, routing step,
/// decision and notice is appended here. <see cref="AppendAsync"/> joins the caller's transaction on the context (the
/// entry commits or rolls back with what it records; the ledger head stays locked until the caller commits, so keep
/// such transactions short); without one it commits on its own.</summary>
public sealed class Ledger(TalentOneDb db, TimeProvider clock)
{
    /// <summary>Appends one entry; <paramref name="payload"/> is any JSON-serialisable value (stored as canonical JSON).</summary>
    public async Task<AppendedEntry> AppendAsync(string kind, object? payload, long? caseId = null, long? subjectId = null, CancellationToken ct = default) =>
        (await AppendManyAsync([new LedgerItem(kind, LedgerHash.CanonicalJson(payload), caseId, subjectId)], ct))[0];

    /// <summary>Appends entries with consecutive Seq (the bulk path: COPY on PostgreSQL).</summary>
    public async Task<IReadOnlyList<AppendedEntry>> AppendManyAsync(IReadOnlyList<LedgerItem> items, CancellationToken ct = default)
    {
        if (items.Count == 0) return [];
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = db.Database.GetDbConnection();
            if (db.Database.CurrentTransaction is { } current)
                return await LedgerStore.AppendAsync(conn, current.GetDbTransaction(), items, clock.GetUtcNow(), ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var appended = await LedgerStore.AppendAsync(conn, tx.GetDbTransaction(), items, clock.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
            return appended;
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    /// <summary>Head and last signature.</summary>
    public async Task<LedgerStatus> StatusAsync(CancellationToken ct)
    {
        var head = await db.Set<Data.Ledger.LedgerEntry>().OrderByDescending(e => e.Seq).Select(e => new { e.Seq, e.At }).FirstOrDefaultAsync(ct);
        var signed = await db.Set<Data.Ledger.LedgerSignature>().OrderByDescending(s => s.UpToSeq).Select(s => new { s.UpToSeq, s.SignedAt, s.KeyId }).FirstOrDefaultAsync(ct);
        return new LedgerStatus(head?.Seq ?? 0, head?.At, signed?.UpToSeq ?? 0, signed?.SignedAt, signed?.KeyId);
    }
}

public sealed record LedgerStatus(long HeadSeq, DateTimeOffset? HeadAt, long LastSignedSeq, DateTimeOffset? LastSignedAt, string? KeyId)
{
    public long Unsigned => HeadSeq - LastSignedSeq;
}

/// <summary>The kinds of entries the platform appends (docs/ledger.md lists their payloads).</summary>
public static class LedgerKinds
{
    public const string Submitted = "certification.submitted", Approved = "certification.approved",
        Rejected = "certification.rejected", Expired = "certification.expired", NoticeEnqueued = "notice.enqueued";
}
