using System.Data.Common;
using TalentOne.Registry.Ledger;
using TalentOne.Data;
using TalentOne.Data.Registry;

namespace TalentOne.Registry.Sweeps;

/// <summary>A registered subject with the state the previous sweeps left for it; the profile as UTF-8 JSON (parsed
/// without ever becoming a string).</summary>
public sealed record SubjectRow(long Id, SubjectKind Kind, byte[] ProfileUtf8, long? StateRunId, byte[]? Eligible, byte[]? Nearly);

public sealed record StateRow(long SubjectId, byte[] Eligible, byte[] Nearly);

public sealed record ChangeRow(long SubjectId, string PolicyId, string Kind, double? Amount, DateOnly? EligibleOn);

public sealed record NoticeRow(long SubjectId, string PolicyId, string GrantKey, string Kind, string Title, string Body,
    double? Amount, DateOnly? NotBefore, DateTimeOffset NextAttemptAt);

/// <summary>A reminder that no longer holds (the subject is neither nearly eligible nor eligible any more).</summary>
public sealed record WithdrawRow(long SubjectId, string PolicyId);

/// <summary>Everything one batch of subjects changes, written in one transaction.</summary>
public sealed class SweepBatch
{
    public int Number { get; init; }
    public long LastSubjectId { get; init; }
    public int Subjects { get; init; }
    public int Skipped { get; init; }
    /// <summary>Subjects of the batch entitled to each policy (by policy index).</summary>
    public long[] EligibleByPolicy { get; init; } = [];
    public List<StateRow> States { get; } = [];
    public List<ChangeRow> Changes { get; } = [];
    public List<NoticeRow> Notices { get; } = [];
    public List<WithdrawRow> Withdrawals { get; } = [];
}

/// <summary>The run's counters after a batch, stored with the batch.</summary>
public sealed record RunCounters(int Processed, int Skipped, int Newly, int NoLonger, int Reminders, int Withdrawn, int Notices);

/// <summary>What the database made of a batch's notices.</summary>
public readonly record struct BatchWritten(int NoticesInserted, int RemindersWithdrawn);

/// <summary>Reads subjects in keyset batches and writes a batch's results in one transaction. One implementation per
/// provider: PostgreSQL copies in binary into temporary tables and inserts from there; SQLite runs prepared
/// statements. Unique indexes make every insert of a notice "if absent".</summary>
public abstract class SweepStore : IAsyncDisposable
{
    public static SweepStore Open(DatabaseSettings settings) => settings.Provider == DatabaseProvider.Postgres
        ? new PostgresSweepStore(settings.ConnectionString)
        : new SqliteSweepStore(settings.ConnectionString);

    public abstract Task OpenAsync(CancellationToken ct);

    public async Task<int> CountSubjectsAsync(CancellationToken ct)
    {
        await using var c = Command(ReadConnection, null, "SELECT count(*) FROM subjects");
        return Convert.ToInt32(await c.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The next <paramref name="size"/> subjects after id <paramref name="afterId"/>, by id, with their state.</summary>
    public async Task<List<SubjectRow>> ReadAsync(long afterId, int size, CancellationToken ct)
    {
        await using var c = Command(ReadConnection, null, ReadSql(ProfileAsUtf8));
        Param(c, "@after", afterId);
        Param(c, "@size", size);
        return await ReadRowsAsync(c, size, ct);
    }

    /// <summary>Policy ids (in bit order) of a run, or null when the run is unknown.</summary>
    public async Task<string?> PolicyIdsOfRunAsync(long runId, CancellationToken ct)
    {
        await using var c = Command(ReadConnection, null, "SELECT \"PolicyIds\" FROM sweep_runs WHERE \"Id\" = @id");
        Param(c, "@id", runId);
        return await c.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The connection that streams subjects (the writes have their own).</summary>
    protected abstract DbConnection ReadConnection { get; }

    /// <summary>SQL giving the stored profile as UTF-8 bytes, so that rows are parsed without building strings.</summary>
    protected abstract string ProfileAsUtf8 { get; }

    /// <summary>Writes a batch and the run's counters in one transaction; <paramref name="beforeCommit"/> runs inside it.</summary>
    public abstract Task<BatchWritten> WriteAsync(long runId, DateOnly asOf, DateTimeOffset now, SweepBatch batch,
        Func<BatchWritten, RunCounters> counters, Func<SweepBatch, CancellationToken, Task>? beforeCommit, CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    /// <summary>The ledger entry of a notice enqueued (docs/ledger.md): ids and keys only, not the text.</summary>
    protected static LedgerItem NoticeEntry(long noticeId, long subjectId, string policyId, string grantKey, string kind, long runId) =>
        new(LedgerKinds.NoticeEnqueued, LedgerHash.CanonicalJson(new { noticeId, policyId, grantKey, kind, runId }), null, subjectId);

    protected static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql)
    {
        var c = conn.CreateCommand();
        c.CommandText = sql;
        c.Transaction = tx;
        c.CommandTimeout = 600;
        return c;
    }

    protected static DbParameter Param(DbCommand c, string name, object? value)
    {
        var p = c.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        c.Parameters.Add(p);
        return p;
    }

    /// <summary>The next batch of subjects with their state; <paramref name="utf8Profile"/> is the provider's expression for the
    /// profile as UTF-8 bytes.</summary>
    protected static string ReadSql(string utf8Profile) => $"""
        SELECT s."Id", s."Kind", {utf8Profile}, st."RunId", st."Eligible", st."Nearly"
        FROM subjects s LEFT JOIN sweep_states st ON st."SubjectId" = s."Id"
        WHERE s."Id" > @after ORDER BY s."Id" LIMIT @size
        """;

    protected const string CountersSql = """
        UPDATE sweep_runs SET "SubjectsProcessed" = @processed, "SubjectsSkipped" = @skipped, "NewlyEligible" = @newly,
            "NoLongerEligible" = @nolonger, "RemindersScheduled" = @reminders, "RemindersWithdrawn" = @withdrawn,
            "NoticesEnqueued" = @notices
        WHERE "Id" = @run
        """;

    /// <summary>The end of every batch, on either database: the notices go on the ledger (上链), the run's counters are
    /// updated, and the transaction commits — all or nothing.</summary>
    protected static async Task<BatchWritten> FinishBatchAsync(DbConnection conn, DbTransaction tx, long runId, SweepBatch batch,
        IReadOnlyList<TalentOne.Registry.Ledger.LedgerItem> enqueued, BatchWritten written, DateTimeOffset now,
        Func<BatchWritten, RunCounters> counters, Func<SweepBatch, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        await TalentOne.Registry.Ledger.LedgerStore.AppendAsync(conn, tx, enqueued, now, ct);
        await using (var k = Command(conn, tx, CountersSql))
        {
            CounterParams(k, runId, counters(written));
            await k.ExecuteNonQueryAsync(ct);
        }
        if (beforeCommit != null) await beforeCommit(batch, ct);
        await tx.CommitAsync(ct);
        return written;
    }

    protected static void CounterParams(DbCommand c, long runId, RunCounters k)
    {
        Param(c, "@run", runId);
        Param(c, "@processed", k.Processed);
        Param(c, "@skipped", k.Skipped);
        Param(c, "@newly", k.Newly);
        Param(c, "@nolonger", k.NoLonger);
        Param(c, "@reminders", k.Reminders);
        Param(c, "@withdrawn", k.Withdrawn);
        Param(c, "@notices", k.Notices);
    }

    protected static async Task<List<SubjectRow>> ReadRowsAsync(DbCommand cmd, int size, CancellationToken ct)
    {
        var rows = new List<SubjectRow>(size);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new SubjectRow(r.GetInt64(0), (SubjectKind)r.GetInt32(1), (byte[])r.GetValue(2),
                r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : (byte[])r.GetValue(4), r.IsDBNull(5) ? null : (byte[])r.GetValue(5)));
        return rows;
    }
}
