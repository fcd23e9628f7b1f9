using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Registry.Ledger;

namespace TalentOne.Cli;

/// <summary>`ledger verify | sign | proof | verify-proof`: the tamper-evident ledger (上链) from the command line.
/// verify-proof needs no database: it checks a proof file with the key it carries (or --key KEYID to pin it).</summary>
public static class LedgerCommands
{
    public static async Task<int> VerifyAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        await using var platform = await PlatformHost.StartAsync(o);
        await using var scope = platform.Services.CreateAsyncScope();
        var verifier = scope.ServiceProvider.GetRequiredService<LedgerVerifier>();
        long lastShown = 0;
        var v = await verifier.VerifyAsync(new Progress(n =>
        {
            if (n - lastShown < 100_000) return;
            lastShown = n;
            stderr.WriteLine($"verified {n:N0} entries…");
        }), CancellationToken.None);
        if (v.FirstProblem is { } p)
        {
            await stdout.WriteLineAsync($"ledger BROKEN at entry {p.Seq}: {p.What} — {p.Detail}（{LedgerFault.Chinese(p.What)}）");
            await stdout.WriteLineAsync($"{v.Entries:N0} entries before it are intact; {v.Signatures} signatures checked");
            return 1;
        }
        await stdout.WriteLineAsync($"ledger OK: {v.Entries:N0} entries, {v.Signatures} signatures valid, head {v.HeadSeq}, last signed {v.LastSignedSeq} ({v.Elapsed.TotalSeconds:F1} s)");
        if (v.NotYetSigned > 0)
            await stdout.WriteLineAsync($"warning: the newest {v.NotYetSigned} entries ({v.LastSignedSeq + 1}…{v.HeadSeq}) are not yet signed (run `ledger sign` or start the web host)");
        return 0;
    }

    public static async Task<int> SignAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        await using var platform = await PlatformHost.StartAsync(o);
        await using var scope = platform.Services.CreateAsyncScope();
        var signed = await scope.ServiceProvider.GetRequiredService<LedgerSigner>().SignOnceAsync(CancellationToken.None);
        var key = platform.Services.GetRequiredService<LedgerKey>();
        await stdout.WriteLineAsync(signed is long s ? $"signed the head at entry {s} with key {key.KeyId}" : $"nothing to sign (key {key.KeyId})");
        return 0;
    }

    public static async Task<int> ProofAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        long? caseId = null, subjectId = null;
        if (o.TryGetValue("case", out var c) && long.TryParse(c, out var cv)) caseId = cv;
        if (o.TryGetValue("subject", out var s) && long.TryParse(s, out var sv)) subjectId = sv;
        if (caseId == null == (subjectId == null) || !o.TryGetValue("out", out var file))
        {
            await stderr.WriteLineAsync("usage: talentone ledger proof (--case N | --subject N) --out FILE");
            return 2;
        }
        await using var platform = await PlatformHost.StartAsync(o);
        await using var scope = platform.Services.CreateAsyncScope();
        LedgerProof proof;
        try { proof = await scope.ServiceProvider.GetRequiredService<LedgerProofs>().ExportAsync(caseId, subjectId, CancellationToken.None); }
        catch (LedgerProofException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }
        await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(proof, LedgerProofs.Json));
        await stdout.WriteLineAsync($"wrote {file}: {proof.Segments.Sum(x => x.Entries.Count(e => e.Payload != null))} entries in {proof.Segments.Count} segment(s), key {proof.KeyId}");
        return 0;
    }

    public static async Task<int> VerifyProofAsync(string file, Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(file))
        {
            await stderr.WriteLineAsync($"{file}: no such file");
            return 2;
        }
        var check = LedgerProofs.Verify(await File.ReadAllTextAsync(file), o.GetValueOrDefault("key"));
        if (!check.Ok)
        {
            await stdout.WriteLineAsync($"proof REFUSED: {check.Problem}");
            return 1;
        }
        await stdout.WriteLineAsync($"proof OK: {check.ProvenEntries} entries linked to {check.Segments} signed head(s), SM2 key {check.KeyId}" +
            (o.ContainsKey("key") ? " (the trusted key)" : " — compare this key id with the platform's published one (or pass --key)"));
        return 0;
    }

    private sealed class Progress(Action<long> action) : IProgress<long>
    {
        public void Report(long value) => action(value);
    }
}
