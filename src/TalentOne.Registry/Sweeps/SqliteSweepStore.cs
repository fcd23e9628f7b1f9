using System.Data.Common;
using TalentOne.Registry.Ledger;
using Microsoft.Data.Sqlite;

namespace TalentOne.Registry.Sweeps;

/// <summary>SQLite: prepared statements reused for every row of a batch, in one transaction; "insert if absent"
/// through ON CONFLICT DO NOTHING on the unique indexes.</summary>
internal sealed class SqliteSweepStore(string connectionString) : SweepStore
{
    private readonly SqliteConnection _read = new(connectionString);
    private readonly SqliteConnection _write = new(connectionString);

    public override async Task OpenAsync(CancellationToken ct)
    {
        await _read.OpenAsync(ct);
        await _write.OpenAsync(ct);
        await using var c = Command(_write, null, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;");
        await c.ExecuteNonQueryAsync(ct);
    }

    protected override DbConnection ReadConnection => _read;

    protected override string ProfileAsUtf8 => "CAST(s.\"ProfileJson\" AS BLOB)";

    public override async Task<BatchWritten> WriteAsync(long runId, DateOnly asOf, DateTimeOffset now, SweepBatch batch,
        Func<BatchWritten, RunCounters> counters, Func<SweepBatch, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        await using var tx = (SqliteTransaction)await _write.BeginTransactionAsync(ct);
        if (batch.States.Count > 0)
        {
            await using var c = Command(_write, tx, """
                INSERT INTO sweep_states ("SubjectId", "RunId", "Eligible", "Nearly") VALUES (@s, @run, @e, @n)
                ON CONFLICT ("SubjectId") DO UPDATE SET "RunId" = excluded."RunId", "Eligible" = excluded."Eligible", "Nearly" = excluded."Nearly"
                """);
            var s = Param(c, "@s", 0L); Param(c, "@run", runId); var e = Param(c, "@e", Array.Empty<byte>()); var n = Param(c, "@n", Array.Empty<byte>());
            foreach (var row in batch.States)
            {
                s.Value = row.SubjectId; e.Value = row.Eligible; n.Value = row.Nearly;
                await c.ExecuteNonQueryAsync(ct);
            }
        }

        if (batch.Changes.Count > 0)
        {
            await using var c = Command(_write, tx, """
                INSERT INTO eligibility_changes ("RunId", "SubjectId", "PolicyId", "Kind", "Amount", "EligibleOn")
                VALUES (@run, @s, @p, @k, @a, @on)
                """);
            Param(c, "@run", runId);
            var s = Param(c, "@s", 0L); var p = Param(c, "@p", ""); var k = Param(c, "@k", ""); var a = Param(c, "@a", null); var on = Param(c, "@on", null);
            foreach (var row in batch.Changes)
            {
                s.Value = row.SubjectId; p.Value = row.PolicyId; k.Value = row.Kind;
                a.Value = row.Amount is { } x ? x : DBNull.Value;
                on.Value = row.EligibleOn is { } d ? d : DBNull.Value;
                await c.ExecuteNonQueryAsync(ct);
            }
        }

        int withdrawn = 0;
        if (batch.Withdrawals.Count > 0)
        {
            await using var find = Command(_write, tx, """
                SELECT n."Id" FROM notices n
                WHERE n."SubjectId" = @s AND n."PolicyId" = @p AND n."Kind" = 'reminder' AND n."NotBefore" > @asOf
                  AND NOT EXISTS (SELECT 1 FROM outbox_messages o WHERE o."NoticeId" = n."Id" AND o."Status" = 'sent')
                """);
            var s = Param(find, "@s", 0L); var p = Param(find, "@p", ""); Param(find, "@asOf", asOf);
            await using var delOutbox = Command(_write, tx, "DELETE FROM outbox_messages WHERE \"NoticeId\" = @id");
            var id1 = Param(delOutbox, "@id", 0L);
            await using var delNotice = Command(_write, tx, "DELETE FROM notices WHERE \"Id\" = @id");
            var id2 = Param(delNotice, "@id", 0L);
            foreach (var w in batch.Withdrawals)
            {
                s.Value = w.SubjectId; p.Value = w.PolicyId;
                var ids = new List<long>();
                await using (var r = await find.ExecuteReaderAsync(ct))
                    while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
                foreach (var id in ids)
                {
                    id1.Value = id; await delOutbox.ExecuteNonQueryAsync(ct);
                    id2.Value = id; withdrawn += await delNotice.ExecuteNonQueryAsync(ct);
                }
            }
        }

        int inserted = 0;
        var enqueued = new List<LedgerItem>();
        if (batch.Notices.Count > 0)
        {
            await using var ins = Command(_write, tx, """
                INSERT INTO notices ("SubjectId", "PolicyId", "GrantKey", "Kind", "Title", "Body", "Amount", "CreatedAt", "NotBefore", "RunId")
                SELECT @s, @p, @g, @k, @t, @b, @a, @now, @nb, @run
                WHERE @k = 'reminder' OR NOT EXISTS (SELECT 1 FROM notices r WHERE r."SubjectId" = @s AND r."PolicyId" = @p
                    AND r."GrantKey" = @g AND r."Kind" = 'reminder')
                ON CONFLICT ("SubjectId", "PolicyId", "GrantKey", "Kind") DO NOTHING
                RETURNING "Id"
                """);
            var s = Param(ins, "@s", 0L); var p = Param(ins, "@p", ""); var g = Param(ins, "@g", ""); var k = Param(ins, "@k", "");
            var t = Param(ins, "@t", ""); var b = Param(ins, "@b", ""); var a = Param(ins, "@a", null); var nb = Param(ins, "@nb", null);
            Param(ins, "@now", now.ToUniversalTime()); Param(ins, "@run", runId);
            await using var outbox = Command(_write, tx, """
                INSERT INTO outbox_messages ("NoticeId", "Channel", "Status", "Attempts", "NextAttemptAt")
                VALUES (@id, @ch, 'pending', 0, @next) ON CONFLICT ("NoticeId", "Channel") DO NOTHING
                """);
            var oid = Param(outbox, "@id", 0L); var ch = Param(outbox, "@ch", ""); var next = Param(outbox, "@next", now);
            foreach (var n in batch.Notices)
            {
                s.Value = n.SubjectId; p.Value = n.PolicyId; g.Value = n.GrantKey; k.Value = n.Kind; t.Value = n.Title; b.Value = n.Body;
                a.Value = n.Amount is { } x ? x : DBNull.Value;
                nb.Value = n.NotBefore is { } d ? d : DBNull.Value;
                if (await ins.ExecuteScalarAsync(ct) is not long id) continue; // already there
                inserted++;
                enqueued.Add(NoticeEntry(id, n.SubjectId, n.PolicyId, n.GrantKey, n.Kind, runId));
                foreach (var channel in TalentOne.Data.Sweeps.OutboxChannel.All)
                {
                    oid.Value = id; ch.Value = channel; next.Value = n.NextAttemptAt.ToUniversalTime();
                    await outbox.ExecuteNonQueryAsync(ct);
                }
            }
        }

        return await FinishBatchAsync(_write, tx, runId, batch, enqueued, new BatchWritten(inserted, withdrawn), now, counters, beforeCommit, ct);
    }

    public override async ValueTask DisposeAsync()
    {
        await _read.DisposeAsync();
        await _write.DisposeAsync();
    }
}
