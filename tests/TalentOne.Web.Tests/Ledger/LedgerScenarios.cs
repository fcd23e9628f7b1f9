using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TalentOne.Data;
using TalentOne.Data.Ledger;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Ledger;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Ledger;

/// <summary>The tamper-evident ledger (上链) on a real database, run on SQLite and on PostgreSQL. Each scenario has a
/// database of its own, since several of them damage the chain on purpose (with SQL that bypasses the append-only guard).</summary>
public abstract class LedgerScenarios
{
    protected abstract Task<TalentOneApp> NewAppAsync();

    private static async Task<IReadOnlyList<AppendedEntry>> AppendAsync(TalentOneApp app, int count, long? subjectId = null, long? caseId = null, string kind = "test.event")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<TalentOne.Registry.Ledger.Ledger>();
        var items = Enumerable.Range(0, count).Select(i => new LedgerItem(kind,
            LedgerHash.CanonicalJson(new { n = i, note = "认定材料 SHA-256 " + new string('a', 64), at = Guid.NewGuid() }), caseId, subjectId)).ToList();
        return await ledger.AppendManyAsync(items);
    }

    private static async Task<long?> SignAsync(TalentOneApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerSigner>().SignOnceAsync(CancellationToken.None);
    }

    private static async Task<LedgerVerification> VerifyAsync(TalentOneApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerVerifier>().VerifyAsync(null, CancellationToken.None);
    }

    /// <summary>Runs SQL directly, as someone with database access would — not through the context's append-only guard.</summary>
    private static async Task SqlAsync(TalentOneApp app, string sql, params object[] parameters)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var n = await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Database.ExecuteSqlRawAsync(sql, parameters);
        Assert.True(n >= 1, $"the tampering SQL changed nothing: {sql}");
    }

    [Fact]
    public async Task Appended_entries_verify_and_entries_after_the_last_signature_are_a_warning()
    {
        await using var app = await NewAppAsync();
        var first = await AppendAsync(app, 40);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), first.Select(e => e.Seq));
        Assert.Equal(40, await SignAsync(app));
        Assert.Null(await SignAsync(app)); // nothing moved
        await AppendAsync(app, 1, subjectId: 5);
        await AppendAsync(app, 2, caseId: 9);

        var v = await VerifyAsync(app);
        Assert.True(v.Ok, v.FirstProblem?.ToString());
        Assert.Equal((43L, 43L, 1, 40L, 3L), (v.Entries, v.HeadSeq, v.Signatures, v.LastSignedSeq, v.NotYetSigned));

        var auditor = await app.ClientAsync(Roles.Auditor);
        var body = await (await auditor.GetAsync("/api/v1/ledger/verify")).ExpectJsonAsync(HttpStatusCode.OK, "verifying the ledger");
        Http.That(body["ok"]!.GetValue<bool>() && body["entries"]!.GetValue<long>() == 43 && body["notYetSigned"]!.GetValue<long>() == 3, "ledger OK, 3 unsigned", body);
        var status = await (await auditor.GetAsync("/api/v1/ledger/status")).ExpectJsonAsync(HttpStatusCode.OK, "ledger status");
        Http.That(status["headSeq"]!.GetValue<long>() == 43 && status["lastSignedSeq"]!.GetValue<long>() == 40, "head 43, signed 40", status);
        Http.That(status["keyId"]!.GetValue<string>() == status["platformKeyId"]!.GetValue<string>(), "signed by the platform key", status);
    }

    [Fact]
    public async Task A_payload_changed_in_the_database_is_named()
    {
        await using var app = await NewAppAsync();
        await AppendAsync(app, 30);
        await SignAsync(app);
        await SqlAsync(app, """UPDATE ledger_entries SET "Payload" = {0} WHERE "Seq" = 7""", """{"n":6,"note":"改过"}""");
        var v = await VerifyAsync(app);
        Assert.Equal(new LedgerProblem(7, LedgerFault.HashMismatch, "the stored hash is not the hash of the entry's content"), v.FirstProblem);
        Assert.Equal(6, v.Entries);

        var admin = await app.ClientAsync(Roles.Admin);
        var body = await (await admin.GetAsync("/api/v1/ledger/verify")).ExpectJsonAsync(HttpStatusCode.OK, "verifying a damaged ledger");
        Http.That(!body["ok"]!.GetValue<bool>() && body["firstProblem"]!["seq"]!.GetValue<long>() == 7
            && body["summary"]!.GetValue<string>().Contains("第 7 条", StringComparison.Ordinal), "entry 7 named", body);
    }

    [Fact]
    public async Task A_changed_hash_a_changed_link_and_a_deleted_row_are_each_named()
    {
        await using var app = await NewAppAsync();
        await AppendAsync(app, 30);
        await SignAsync(app);
        await SqlAsync(app, """UPDATE ledger_entries SET "Hash" = "PrevHash" WHERE "Seq" = 25""");
        Assert.Equal((25L, LedgerFault.HashMismatch), Problem(await VerifyAsync(app)));
        await SqlAsync(app, """UPDATE ledger_entries SET "PrevHash" = "Hash" WHERE "Seq" = 12""");
        Assert.Equal((12L, LedgerFault.BrokenLink), Problem(await VerifyAsync(app)));
        await SqlAsync(app, """DELETE FROM ledger_entries WHERE "Seq" = 9""");
        Assert.Equal((9L, LedgerFault.Gap), Problem(await VerifyAsync(app)));
    }

    [Fact]
    public async Task Removing_the_newest_signed_entries_or_rewriting_the_chain_is_caught_by_the_signature()
    {
        await using var app = await NewAppAsync();
        await AppendAsync(app, 20);
        await SignAsync(app);
        await SqlAsync(app, """DELETE FROM ledger_entries WHERE "Seq" >= 18""");
        Assert.Equal((18L, LedgerFault.Gap), Problem(await VerifyAsync(app)));

        await using var app2 = await NewAppAsync();
        await AppendAsync(app2, 20);
        await SignAsync(app2);
        await AppendAsync(app2, 5);
        await SignAsync(app2);
        // Someone with database access changes entry 10 and recomputes every later hash: the chain itself is consistent,
        // but the head the platform signed at 20 no longer matches.
        await using (var scope = app2.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
            var rows = await db.Set<LedgerEntry>().AsNoTracking().OrderBy(e => e.Seq).ToListAsync();
            var hasher = new LedgerHash();
            var prev = rows[8].Hash;
            foreach (var e in rows.Skip(9))
            {
                var payload = e.Seq == 10 ? """{"forged":true}""" : e.Payload;
                var hash = hasher.EntryHash(prev, e.Seq, e.Kind, e.At, e.CaseId, e.SubjectId, payload);
                await db.Database.ExecuteSqlRawAsync("""UPDATE ledger_entries SET "Payload" = {0}, "PrevHash" = {1}, "Hash" = {2} WHERE "Seq" = {3}""", payload, prev, hash, e.Seq);
                prev = hash;
            }
        }
        Assert.Equal((20L, LedgerFault.SignatureHeadMismatch), Problem(await VerifyAsync(app2)));
        await SqlAsync(app2, """UPDATE ledger_signatures SET "HeadHash" = (SELECT "Hash" FROM ledger_entries WHERE "Seq" = 20) WHERE "UpToSeq" = 20""");
        Assert.Equal((20L, LedgerFault.SignatureInvalid), Problem(await VerifyAsync(app2)));
    }

    private static (long, string) Problem(LedgerVerification v) =>
        v.FirstProblem is { } p ? (p.Seq, p.What) : throw new Xunit.Sdk.XunitException("the verification found nothing wrong");

    [Fact]
    public async Task An_entry_rolls_back_with_its_transaction_and_leaves_no_gap()
    {
        await using var app = await NewAppAsync();
        await AppendAsync(app, 3);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
            var ledger = scope.ServiceProvider.GetRequiredService<TalentOne.Registry.Ledger.Ledger>();
            await using (var tx = await db.Database.BeginTransactionAsync())
            {
                var e = await ledger.AppendAsync("test.rolled_back", new { x = 1 }, subjectId: 1);
                Assert.Equal(4, e.Seq);
                await tx.RollbackAsync();
            }
            await using (var tx = await db.Database.BeginTransactionAsync())
            {
                var a = await ledger.AppendAsync("test.kept", new { x = 2 }, subjectId: 1);
                var b = await ledger.AppendAsync("test.kept", new { x = 3 }, subjectId: 1);
                Assert.Equal((4L, 5L), (a.Seq, b.Seq));
                await tx.CommitAsync();
            }
        }
        await SignAsync(app);
        var v = await VerifyAsync(app);
        Assert.True(v.Ok, v.FirstProblem?.ToString());
        Assert.Equal(5, v.Entries);
    }

    [Fact]
    public async Task Concurrent_appenders_produce_one_gap_free_valid_chain()
    {
        await using var app = await NewAppAsync();
        const int tasks = 6, rounds = 15;
        _ = app.Services; // start the host once, before the tasks
        var seqs = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            for (int r = 0; r < rounds; r++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
                var ledger = scope.ServiceProvider.GetRequiredService<TalentOne.Registry.Ledger.Ledger>();
                await using var tx = await db.Database.BeginTransactionAsync();
                var a = await ledger.AppendAsync("test.concurrent", new { t, r, part = 1 }, subjectId: t);
                var b = await ledger.AppendAsync("test.concurrent", new { t, r, part = 2 }, subjectId: t);
                Assert.Equal(a.Seq + 1, b.Seq); // one transaction's entries are consecutive
                await tx.CommitAsync();
                seqs.Add(a.Seq); seqs.Add(b.Seq);
            }
        })));
        Assert.Equal(Enumerable.Range(1, tasks * rounds * 2).Select(i => (long)i), seqs.Order());
        await SignAsync(app);
        var v = await VerifyAsync(app);
        Assert.True(v.Ok, v.FirstProblem?.ToString());
        Assert.Equal(tasks * rounds * 2, v.Entries);
    }

    [Fact]
    public async Task The_background_signer_covers_many_entries_with_few_signatures()
    {
        await using var app = await NewAppAsync();
        var signing = new LedgerSigningService(app.Services.GetRequiredService<IServiceScopeFactory>(), new LedgerOptions(0.2),
            NullLogger<LedgerSigningService>.Instance);
        await signing.StartAsync(CancellationToken.None);
        var until = DateTime.UtcNow.AddSeconds(1.5);
        int appended = 0;
        while (DateTime.UtcNow < until) appended += (await AppendAsync(app, 50)).Count;
        await Task.Delay(600); // one more tick after the last append
        await signing.StopAsync(CancellationToken.None);

        await using var scope = app.Services.CreateAsyncScope();
        var signatures = await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Set<LedgerSignature>().AsNoTracking().OrderBy(s => s.UpToSeq).ToListAsync();
        Assert.InRange(signatures.Count, 2, 12); // about one per 0.2 s tick, not one per entry
        Assert.True(appended > signatures.Count * 10, $"{appended} entries, {signatures.Count} signatures");
        Assert.Equal(1, signatures[0].FromSeq);
        for (int i = 1; i < signatures.Count; i++) Assert.Equal(signatures[i - 1].UpToSeq + 1, signatures[i].FromSeq);
        var v = await VerifyAsync(app);
        Assert.True(v.Ok, v.FirstProblem?.ToString());
        Assert.Equal((appended, (long)appended, 0L), (v.Entries, v.LastSignedSeq, v.NotYetSigned));
    }

    [Fact]
    public async Task A_record_proof_verifies_offline_and_a_tampered_proof_is_refused()
    {
        await using var app = await NewAppAsync();
        var holder = await app.RegisteredTalentAsync();
        var other = await app.RegisteredTalentAsync();
        await AppendAsync(app, 5, subjectId: other.SubjectId);
        await AppendAsync(app, 2, subjectId: holder.SubjectId, caseId: 700);
        await AppendAsync(app, 10, subjectId: other.SubjectId);
        await SignAsync(app);
        await AppendAsync(app, 3, subjectId: other.SubjectId);
        await AppendAsync(app, 1, subjectId: holder.SubjectId, kind: "test.decision");
        // Not signed yet: the export says to wait rather than hand out an unprovable file.
        var early = await holder.Client.GetAsync($"/api/v1/ledger/proof?subject={holder.SubjectId}");
        await early.ExpectProblemAsync(HttpStatusCode.Conflict, "proof before signing");
        await AppendAsync(app, 4, subjectId: other.SubjectId);
        await SignAsync(app);

        var response = await holder.Client.GetAsync($"/api/v1/ledger/proof?subject={holder.SubjectId}");
        var json = await response.ExpectAsync(HttpStatusCode.OK, "the holder's own proof");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var check = LedgerProofs.Verify(json);
        Assert.True(check.Ok, check.Problem);
        Assert.Equal((3, 2), (check.ProvenEntries, check.Segments));
        var proof = JsonNode.Parse(json)!;
        // Other records' entries appear only as content hashes.
        Assert.DoesNotContain(proof["segments"]!.AsArray().SelectMany(s => s!["entries"]!.AsArray()),
            e => e!["payload"] != null && e["subjectId"]!.GetValue<long>() != holder.SubjectId);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True(LedgerProofs.Verify(json, scope.ServiceProvider.GetRequiredService<LedgerKey>().KeyId).Ok);

        // Someone else's record: as far as this holder can tell there is none; oversight may export it.
        await (await holder.Client.GetAsync($"/api/v1/ledger/proof?subject={other.SubjectId}")).ExpectProblemAsync(HttpStatusCode.NotFound, "another's proof");
        var auditor = await app.ClientAsync(Roles.Auditor);
        var byCase = await (await auditor.GetAsync("/api/v1/ledger/proof?case=700")).ExpectAsync(HttpStatusCode.OK, "a case proof");
        Assert.Equal((2, 1), (LedgerProofs.Verify(byCase).ProvenEntries, LedgerProofs.Verify(byCase).Segments));
        await (await auditor.GetAsync("/api/v1/ledger/proof?case=701")).ExpectProblemAsync(HttpStatusCode.NotFound, "a case without entries");

        // Tampered copies are refused: a payload, a hidden entry's content hash, the signature, the trusted key.
        var changedPayload = JsonNode.Parse(json)!;
        var proven = changedPayload["segments"]![0]!["entries"]!.AsArray().First(e => e!["payload"] != null)!;
        proven["payload"] = proven["payload"]!.GetValue<string>().Replace("认定", "伪造", StringComparison.Ordinal);
        Assert.False(LedgerProofs.Verify(changedPayload.ToJsonString()).Ok);
        var changedHidden = JsonNode.Parse(json)!;
        var hidden = changedHidden["segments"]![0]!["entries"]!.AsArray().First(e => e!["contentHash"] != null)!;
        hidden["contentHash"] = new string('0', 64);
        Assert.Contains("does not lead to the signed head", LedgerProofs.Verify(changedHidden.ToJsonString()).Problem);
        var changedSignature = JsonNode.Parse(json)!;
        var sig = changedSignature["segments"]![1]!["signature"]!;
        var hex = sig["signature"]!.GetValue<string>();
        sig["signature"] = hex[..^4] + (hex[^4] == '0' ? '1' : '0') + hex[^3..];
        Assert.False(LedgerProofs.Verify(changedSignature.ToJsonString()).Ok);
        Assert.False(LedgerProofs.Verify(json, LedgerKey.Generate().KeyId).Ok);
        Assert.False(LedgerProofs.Verify("{\"format\": \"something else\"}").Ok);
        Assert.False(LedgerProofs.Verify("not json").Ok);
        var noSegments = JsonNode.Parse(json)!;
        noSegments["segments"] = null;
        Assert.False(LedgerProofs.Verify(noSegments.ToJsonString()).Ok);
        var badHex = JsonNode.Parse(json)!;
        badHex["segments"]![0]!["prevHash"] = "zz";
        Assert.Contains("malformed", LedgerProofs.Verify(badHex.ToJsonString()).Problem);
    }
}

public sealed class LedgerScenariosOnSqlite : LedgerScenarios
{
    protected override Task<TalentOneApp> NewAppAsync() => Task.FromResult<TalentOneApp>(new SqliteApp());
}

[Collection(PostgresCollection.Name)]
public sealed class LedgerScenariosOnPostgres(PostgresServer server) : LedgerScenarios
{
    protected override async Task<TalentOneApp> NewAppAsync() => await server.AppFor(nameof(LedgerScenariosOnPostgres) + Guid.NewGuid().ToString("N"));
}
