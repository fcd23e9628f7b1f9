using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Deferral;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Cases;

/// <summary>Reading a subject's bad-credit flag (失信标记): its current state is its latest event.</summary>
public static class CreditFlags
{
    /// <summary>The event that set the subject's flag, or null when it is not flagged (never set, or cleared since).</summary>
    public static async Task<CreditFlagEvent?> CurrentAsync(TalentOneDb db, long subjectId, CancellationToken ct)
    {
        var latest = await db.Set<CreditFlagEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId).OrderByDescending(e => e.Id).FirstOrDefaultAsync(ct);
        return latest is { Flagged: true } ? latest : null;
    }

    /// <summary>Why a flagged applicant may not use 容缺受理 (shown to the applicant and to the reviewer).</summary>
    public static string RefusalMessage(CreditFlagEvent flag) =>
        $"申请人有失信标记（{flag.Reason}），不能容缺受理，请提交全部材料";

    public static string SourceText(string source) => source switch
    {
        CreditFlagSource.Manual => "人才办标记", CreditFlagSource.Automatic => "系统自动标记（未按承诺补交）", _ => source,
    };
}

/// <summary>The talent office (人才办) sets and clears bad-credit flags by hand, always with a reason. Each change is a
/// new event (nothing is edited) and is appended to the ledger in the same transaction.</summary>
public sealed class CreditService(TalentOneDb db, TimeProvider clock, Ledger.Ledger ledger)
{
    public const int MaxReason = 500;

    public Task<CreditFlagEvent?> CurrentAsync(long subjectId, CancellationToken ct) => CreditFlags.CurrentAsync(db, subjectId, ct);

    /// <summary>Every event of the subject's flag, newest first.</summary>
    public async Task<List<CreditFlagEvent>> HistoryAsync(long subjectId, CancellationToken ct) =>
        await db.Set<CreditFlagEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId).OrderByDescending(e => e.Id).Take(200).ToListAsync(ct);

    /// <summary>Subjects whose flag is set now, with the event that set it (newest first).</summary>
    public async Task<List<CreditFlagEvent>> FlaggedAsync(IQueryable<long> subjects, CancellationToken ct)
    {
        var latest = db.Set<CreditFlagEvent>().AsNoTracking().Where(e => subjects.Contains(e.SubjectId))
            .GroupBy(e => e.SubjectId).Select(g => g.Max(e => e.Id));
        return await db.Set<CreditFlagEvent>().AsNoTracking().Where(e => latest.Contains(e.Id) && e.Flagged)
            .OrderByDescending(e => e.Id).Take(500).ToListAsync(ct);
    }

    /// <summary>Sets (flagged = true) or clears the subject's flag. Refused: no reason (400), no such subject (404),
    /// the flag already in that state (409).</summary>
    public async Task<CreditFlagEvent> ChangeAsync(long subjectId, bool flagged, string? reason, string userId, CancellationToken ct)
    {
        var text = reason?.Trim() ?? "";
        if (text.Length == 0) throw new RegistryException("reason", flagged ? "设置失信标记须写明理由（持有人将看到）" : "解除失信标记须写明理由");
        if (text.Length > MaxReason) throw new RegistryException("reason", $"理由不能超过 {MaxReason} 字");
        if (!await db.Subjects.AnyAsync(s => s.Id == subjectId, ct)) throw new RegistryException("id", "档案不存在", 404);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var current = await CreditFlags.CurrentAsync(db, subjectId, ct);
        if (flagged && current != null) throw new RegistryException("flagged", "该档案已有失信标记", 409);
        if (!flagged && current == null) throw new RegistryException("flagged", "该档案没有失信标记，无需解除", 409);
        var e = new CreditFlagEvent
        {
            SubjectId = subjectId, Flagged = flagged, Reason = text, Source = CreditFlagSource.Manual, By = userId, At = now,
        };
        db.Set<CreditFlagEvent>().Add(e);
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(flagged ? LedgerKindSet : LedgerKindCleared, Payload(e), null, subjectId, ct);
        await tx.CommitAsync(ct);
        return e;
    }

    public const string LedgerKindSet = "credit.flag_set", LedgerKindCleared = "credit.flag_cleared";

    /// <summary>The ledger payload of a flag event: ids, the reason and who; no name or ID number.</summary>
    public static object Payload(CreditFlagEvent e) => new
    {
        eventId = e.Id, subjectId = e.SubjectId, flagged = e.Flagged, reason = e.Reason, source = e.Source, by = e.By,
        caseId = e.CaseId, materialId = e.MaterialId,
    };
}
