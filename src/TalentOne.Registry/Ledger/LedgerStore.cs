using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace TalentOne.Registry.Ledger;

/// <summary>What to append: the payload is canonical JSON text (<see cref="LedgerHash.CanonicalJson(object?)"/>).</summary>
public sealed record LedgerItem(string Kind, string Payload, long? CaseId = null, long? SubjectId = null);

/// <summary>A stored entry as appended.</summary>
public sealed record AppendedEntry(long Seq, byte[] Hash);

/// <summary>Appends entries on an open connection inside the caller's transaction, so they commit or roll back with
/// what they record. Appenders are serialised per database: on PostgreSQL by a transaction-scoped advisory lock taken
/// before the head is read (held until the caller commits); on SQLite by the database's single writer (the transaction
/// must be a write transaction — Microsoft.Data.Sqlite begins them IMMEDIATE). Entries of one call get consecutive Seq.</summary>
public static class LedgerStore
{
    /// <summary>The advisory lock key of the ledger head ("TLEDGER1").</summary>
    public const long AdvisoryLockKey = 0x544C454447455231;
    private const int CopyThreshold = 16;
    private const string HeadSql = "SELECT \"Seq\", \"Hash\" FROM ledger_entries ORDER BY \"Seq\" DESC LIMIT 1";

    public static async Task<IReadOnlyList<AppendedEntry>> AppendAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<LedgerItem> items,
        DateTimeOffset now, CancellationToken ct)
    {
        if (items.Count == 0) return [];
        foreach (var i in items)
            if (string.IsNullOrEmpty(i.Kind) || i.Kind.Length > 64) throw new ArgumentException("A ledger entry's kind has 1 to 64 characters.");
        bool pg = conn is NpgsqlConnection;
        long seq = 0;
        byte[] prev = LedgerHash.Genesis;
        if (pg)
        {
            // The lock and the head read in one round trip (every round trip while the lock is held delays every other
            // appender): under READ COMMITTED the second statement takes its snapshot after the lock is granted, so it
            // sees the previous holder's committed head.
            await using var batch = conn.CreateBatch();
            batch.Transaction = tx;
            batch.Timeout = 300;
            foreach (var sql in new[] { $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", HeadSql })
            {
                var c = batch.CreateBatchCommand();
                c.CommandText = sql;
                batch.BatchCommands.Add(c);
            }
            await using var r = await batch.ExecuteReaderAsync(ct);
            await r.NextResultAsync(ct);
            if (await r.ReadAsync(ct)) { seq = r.GetInt64(0); prev = r.GetFieldValue<byte[]>(1); }
        }
        else
        {
            await using var h = Command(conn, tx, HeadSql);
            await using var r = await h.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) { seq = r.GetInt64(0); prev = r.GetFieldValue<byte[]>(1); }
        }

        var at = LedgerHash.Truncate(now);
        var hasher = new LedgerHash();
        var rows = new (long Seq, LedgerItem Item, byte[] Prev, byte[] Hash)[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var it = items[i];
            var hash = hasher.EntryHash(prev, ++seq, it.Kind, at, it.CaseId, it.SubjectId, it.Payload);
            rows[i] = (seq, it, prev, hash);
            prev = hash;
        }

        if (pg && rows.Length >= CopyThreshold)
        {
            await using var w = await ((NpgsqlConnection)conn).BeginBinaryImportAsync(
                "COPY ledger_entries (\"Seq\", \"Kind\", \"CaseId\", \"SubjectId\", \"Payload\", \"At\", \"PrevHash\", \"Hash\") FROM STDIN (FORMAT BINARY)", ct);
            var utc = at.UtcDateTime;
            // Synchronous field writes: they only fill the importer's buffer (flushed as it fills); per-field awaits cost more than the I/O.
            foreach (var (s, it, p, hash) in rows)
            {
                w.StartRow();
                w.Write(s, NpgsqlDbType.Bigint);
                w.Write(it.Kind, NpgsqlDbType.Varchar);
                if (it.CaseId is long c) w.Write(c, NpgsqlDbType.Bigint); else w.WriteNull();
                if (it.SubjectId is long sub) w.Write(sub, NpgsqlDbType.Bigint); else w.WriteNull();
                w.Write(it.Payload, NpgsqlDbType.Text);
                w.Write(utc, NpgsqlDbType.TimestampTz);
                w.Write(p, NpgsqlDbType.Bytea);
                w.Write(hash, NpgsqlDbType.Bytea);
            }
            await w.CompleteAsync(ct);
        }
        else if (pg)
        {
            // One multi-row INSERT: the entries of a request cost one round trip while the head is held.
            var sql = new System.Text.StringBuilder("INSERT INTO ledger_entries (\"Seq\", \"Kind\", \"CaseId\", \"SubjectId\", \"Payload\", \"At\", \"PrevHash\", \"Hash\") VALUES ");
            await using var ins = new NpgsqlCommand { Connection = (NpgsqlConnection)conn, Transaction = (NpgsqlTransaction)tx, CommandTimeout = 300 };
            var utc = at.UtcDateTime;
            for (int i = 0; i < rows.Length; i++)
            {
                var (s, it, p, hash) = rows[i];
                int b = i * 8;
                sql.Append(i == 0 ? "(" : ", (");
                for (int k = 1; k <= 8; k++) sql.Append('$').Append(b + k).Append(k < 8 ? ", " : ")");
                ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = s });
                ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = it.Kind });
                ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)it.CaseId ?? DBNull.Value });
                ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)it.SubjectId ?? DBNull.Value });
                ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = it.Payload });
                ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = utc });
                ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = p });
                ins.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = hash });
            }
            ins.CommandText = sql.ToString();
            await ins.ExecuteNonQueryAsync(ct);
        }
        else
        {
            await using var ins = Command(conn, tx, """
                INSERT INTO ledger_entries ("Seq", "Kind", "CaseId", "SubjectId", "Payload", "At", "PrevHash", "Hash")
                VALUES (@seq, @kind, @case, @subject, @payload, @at, @prev, @hash)
                """);
            var pSeq = Param(ins, "@seq"); var pKind = Param(ins, "@kind"); var pCase = Param(ins, "@case"); var pSubject = Param(ins, "@subject");
            var pPayload = Param(ins, "@payload"); var pAt = Param(ins, "@at"); var pPrev = Param(ins, "@prev"); var pHash = Param(ins, "@hash");
            pAt.Value = pg ? at.UtcDateTime : at;
            foreach (var (s, it, p, hash) in rows)
            {
                pSeq.Value = s; pKind.Value = it.Kind; pCase.Value = (object?)it.CaseId ?? DBNull.Value; pSubject.Value = (object?)it.SubjectId ?? DBNull.Value;
                pPayload.Value = it.Payload; pPrev.Value = p; pHash.Value = hash;
                await ins.ExecuteNonQueryAsync(ct);
            }
        }
        return rows.Select(r => new AppendedEntry(r.Seq, r.Hash)).ToArray();
    }

    internal static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql)
    {
        var c = conn.CreateCommand();
        c.CommandText = sql;
        c.Transaction = tx;
        c.CommandTimeout = 300;
        return c;
    }

    internal static DbParameter Param(DbCommand c, string name, object? value = null)
    {
        var p = c.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        c.Parameters.Add(p);
        return p;
    }
}
