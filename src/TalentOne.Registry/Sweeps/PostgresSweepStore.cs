using System.Data.Common;
using TalentOne.Registry.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace TalentOne.Registry.Sweeps;

/// <summary>PostgreSQL: one connection reads while another writes (so reading the next batch overlaps writing this
/// one); a batch is copied in binary into temporary tables (ON COMMIT DELETE ROWS) and inserted from there with
/// ON CONFLICT, all in one transaction.</summary>
/// <remarks>Rows go into COPY with the synchronous writer (buffered; far cheaper per value than awaiting each).</remarks>
internal sealed class PostgresSweepStore(string connectionString) : SweepStore
{
    private readonly NpgsqlConnection _read = new(connectionString);
    private readonly NpgsqlConnection _write = new(connectionString);

    public override async Task OpenAsync(CancellationToken ct)
    {
        await _read.OpenAsync(ct);
        await _write.OpenAsync(ct);
        await using var c = Command(_write, null, """
            CREATE TEMP TABLE IF NOT EXISTS tmp_sweep_states ("SubjectId" bigint, "Eligible" bytea, "Nearly" bytea) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS tmp_sweep_notices ("SubjectId" bigint, "PolicyId" text, "GrantKey" text, "Kind" text,
                "Title" text, "Body" text, "Amount" double precision, "NotBefore" date, "NextAttemptAt" timestamptz) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS tmp_sweep_withdrawals ("SubjectId" bigint, "PolicyId" text) ON COMMIT DELETE ROWS;
            """);
        await c.ExecuteNonQueryAsync(ct);
    }

    protected override DbConnection ReadConnection => _read;

    protected override string ProfileAsUtf8 => "convert_to(s.\"ProfileJson\", 'UTF8')";

    public override async Task<BatchWritten> WriteAsync(long runId, DateOnly asOf, DateTimeOffset now, SweepBatch batch,
        Func<BatchWritten, RunCounters> counters, Func<SweepBatch, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        await using var tx = await _write.BeginTransactionAsync(ct);
        if (batch.States.Count > 0)
        {
            await using (var copy = await _write.BeginBinaryImportAsync("COPY tmp_sweep_states (\"SubjectId\", \"Eligible\", \"Nearly\") FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var s in batch.States)
                {
                    copy.StartRow();
                    copy.Write(s.SubjectId, NpgsqlDbType.Bigint);
                    copy.Write(s.Eligible, NpgsqlDbType.Bytea);
                    copy.Write(s.Nearly, NpgsqlDbType.Bytea);
                }
                await copy.CompleteAsync(ct);
            }
            await using var up = Command(_write, tx, """
                INSERT INTO sweep_states ("SubjectId", "RunId", "Eligible", "Nearly")
                SELECT "SubjectId", @run, "Eligible", "Nearly" FROM tmp_sweep_states
                ON CONFLICT ("SubjectId") DO UPDATE SET "RunId" = EXCLUDED."RunId", "Eligible" = EXCLUDED."Eligible", "Nearly" = EXCLUDED."Nearly"
                """);
            Param(up, "run", runId);
            await up.ExecuteNonQueryAsync(ct);
        }

        if (batch.Changes.Count > 0)
        {
            // append-only rows: straight into the table
            await using var copy = await _write.BeginBinaryImportAsync(
                "COPY eligibility_changes (\"RunId\", \"SubjectId\", \"PolicyId\", \"Kind\", \"Amount\", \"EligibleOn\") FROM STDIN (FORMAT BINARY)", ct);
            foreach (var c in batch.Changes)
            {
                copy.StartRow();
                copy.Write(runId, NpgsqlDbType.Bigint);
                copy.Write(c.SubjectId, NpgsqlDbType.Bigint);
                copy.Write(c.PolicyId, NpgsqlDbType.Varchar);
                copy.Write(c.Kind, NpgsqlDbType.Varchar);
                if (c.Amount is { } a) copy.Write(a, NpgsqlDbType.Double); else copy.WriteNull();
                if (c.EligibleOn is { } d) copy.Write(d, NpgsqlDbType.Date); else copy.WriteNull();
            }
            await copy.CompleteAsync(ct);
        }

        int withdrawn = 0;
        if (batch.Withdrawals.Count > 0)
        {
            await using (var copy = await _write.BeginBinaryImportAsync("COPY tmp_sweep_withdrawals (\"SubjectId\", \"PolicyId\") FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var w in batch.Withdrawals)
                {
                    copy.StartRow();
                    copy.Write(w.SubjectId, NpgsqlDbType.Bigint);
                    copy.Write(w.PolicyId, NpgsqlDbType.Text);
                }
                await copy.CompleteAsync(ct);
            }
            // a reminder not yet sent anywhere is withdrawn (its outbox rows go with it: ON DELETE CASCADE)
            await using var del = Command(_write, tx, """
                DELETE FROM notices n USING tmp_sweep_withdrawals w
                WHERE n."SubjectId" = w."SubjectId" AND n."PolicyId" = w."PolicyId" AND n."Kind" = 'reminder' AND n."NotBefore" > @asOf
                  AND NOT EXISTS (SELECT 1 FROM outbox_messages o WHERE o."NoticeId" = n."Id" AND o."Status" = 'sent')
                """);
            Param(del, "asOf", asOf);
            withdrawn = await del.ExecuteNonQueryAsync(ct);
        }

        int inserted = 0;
        var enqueued = new List<LedgerItem>();
        if (batch.Notices.Count > 0)
        {
            await using (var copy = await _write.BeginBinaryImportAsync(
                "COPY tmp_sweep_notices (\"SubjectId\", \"PolicyId\", \"GrantKey\", \"Kind\", \"Title\", \"Body\", \"Amount\", \"NotBefore\", \"NextAttemptAt\") FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var n in batch.Notices)
                {
                    copy.StartRow();
                    copy.Write(n.SubjectId, NpgsqlDbType.Bigint);
                    copy.Write(n.PolicyId, NpgsqlDbType.Text);
                    copy.Write(n.GrantKey, NpgsqlDbType.Text);
                    copy.Write(n.Kind, NpgsqlDbType.Text);
                    copy.Write(n.Title, NpgsqlDbType.Text);
                    copy.Write(n.Body, NpgsqlDbType.Text);
                    if (n.Amount is { } a) copy.Write(a, NpgsqlDbType.Double); else copy.WriteNull();
                    if (n.NotBefore is { } d) copy.Write(d, NpgsqlDbType.Date); else copy.WriteNull();
                    copy.Write(n.NextAttemptAt, NpgsqlDbType.TimestampTz);
                }
                await copy.CompleteAsync(ct);
            }
            // Insert if absent (the unique index decides), and the outbox rows of exactly the notices inserted. An
            // eligible notice is not added where a reminder already announced the same grant.
            await using var ins = Command(_write, tx, """
                WITH ins AS (
                    INSERT INTO notices ("SubjectId", "PolicyId", "GrantKey", "Kind", "Title", "Body", "Amount", "CreatedAt", "NotBefore", "RunId")
                    SELECT t."SubjectId", t."PolicyId", t."GrantKey", t."Kind", t."Title", t."Body", t."Amount", @now, t."NotBefore", @run
                    FROM tmp_sweep_notices t
                    WHERE t."Kind" = 'reminder' OR NOT EXISTS (SELECT 1 FROM notices r WHERE r."SubjectId" = t."SubjectId"
                        AND r."PolicyId" = t."PolicyId" AND r."GrantKey" = t."GrantKey" AND r."Kind" = 'reminder')
                    ON CONFLICT ("SubjectId", "PolicyId", "GrantKey", "Kind") DO NOTHING
                    RETURNING "Id", "SubjectId", "PolicyId", "GrantKey", "Kind"
                ), outbox AS (
                    INSERT INTO outbox_messages ("NoticeId", "Channel", "Status", "Attempts", "NextAttemptAt")
                    SELECT ins."Id", c.channel, 'pending', 0, t."NextAttemptAt"
                    FROM ins JOIN tmp_sweep_notices t ON t."SubjectId" = ins."SubjectId" AND t."PolicyId" = ins."PolicyId"
                        AND t."GrantKey" = ins."GrantKey" AND t."Kind" = ins."Kind"
                    CROSS JOIN (VALUES ('sms'), ('inapp')) AS c(channel)
                    ON CONFLICT ("NoticeId", "Channel") DO NOTHING
                )
                SELECT "Id", "SubjectId", "PolicyId", "GrantKey", "Kind" FROM ins ORDER BY "Id"
                """);
            Param(ins, "now", now.ToUniversalTime());
            Param(ins, "run", runId);
            await using (var r = await ins.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                    enqueued.Add(NoticeEntry(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), runId));
            inserted = enqueued.Count;
        }
        return await FinishBatchAsync(_write, tx, runId, batch, enqueued, new BatchWritten(inserted, withdrawn), now, counters, beforeCommit, ct);
    }

    public override async ValueTask DisposeAsync()
    {
        await _read.DisposeAsync();
        await _write.DisposeAsync();
    }
}
