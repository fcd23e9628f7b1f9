using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Ledger;

namespace TalentOne.Registry.Ledger;

/// <summary>A proof file (docs/ledger.md §Proofs): a case's (or record's) entries, each linked by the chain to a head
/// the platform signed. Other entries in between appear only as their content hash.</summary>
public sealed class LedgerProof
{
    public const string CurrentFormat = "talentone-ledger-proof/1";
    public string Format { get; set; } = CurrentFormat;
    public long? CaseId { get; set; }
    public long? SubjectId { get; set; }
    public DateTimeOffset ExportedAt { get; set; }
    /// <summary>Hex of the SM2 public key (uncompressed point) that signed the heads.</summary>
    public string PublicKey { get; set; } = "";
    public string KeyId { get; set; } = "";
    public List<ProofSegment> Segments { get; set; } = [];
}

/// <summary>Consecutive entries from a proven entry up to a signed head.</summary>
public sealed class ProofSegment
{
    /// <summary>Hex PrevHash of the first entry.</summary>
    public string PrevHash { get; set; } = "";
    public List<ProofEntry> Entries { get; set; } = [];
    public ProofSignature Signature { get; set; } = new();
}

/// <summary>A proven entry (all fields) or another entry (<see cref="ContentHash"/> only).</summary>
public sealed class ProofEntry
{
    public long Seq { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Kind { get; set; }
    /// <summary>UTC, ISO 8601 with six fraction digits (the hashed microseconds).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? At { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? CaseId { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? SubjectId { get; set; }
    /// <summary>The canonical JSON text exactly as hashed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Payload { get; set; }
    /// <summary>Hex SM3 of the canonical encoding, for entries shown without content.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ContentHash { get; set; }
    /// <summary>Hex entry hash as stored (informative; the verifier recomputes it).</summary>
    public string Hash { get; set; } = "";
}

public sealed class ProofSignature
{
    public long UpToSeq { get; set; }
    public string HeadHash { get; set; } = "";
    /// <summary>Hex DER SM2 signature over UpToSeq ‖ HeadHash.</summary>
    public string Signature { get; set; } = "";
    public string KeyId { get; set; } = "";
    public DateTimeOffset SignedAt { get; set; }
}

public sealed record ProofCheck(bool Ok, int ProvenEntries, int Segments, string KeyId, string? Problem);

public sealed class LedgerProofException(string message, bool notFound = false) : Exception(message)
{
    /// <summary>The case or record has no entries (rather than: not signed yet, or the chain is damaged).</summary>
    public bool NotFound { get; } = notFound;
}

public sealed class LedgerProofs(TalentOneDb db, TimeProvider clock)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The proof of every entry of a case (or of a record); throws <see cref="LedgerProofException"/> when
    /// there are none, or the newest is not signed yet (the signer covers it within a second or so).</summary>
    public async Task<LedgerProof> ExportAsync(long? caseId, long? subjectId, CancellationToken ct)
    {
        if (caseId == null == (subjectId == null)) throw new ArgumentException("Give a case or a subject.");
        var entries = db.Set<LedgerEntry>().AsNoTracking();
        var proven = await (caseId != null ? entries.Where(e => e.CaseId == caseId) : entries.Where(e => e.SubjectId == subjectId))
            .OrderBy(e => e.Seq).Select(e => e.Seq).ToListAsync(ct);
        if (proven.Count == 0) throw new LedgerProofException(caseId != null ? $"案件 {caseId} 在账本中没有条目" : $"主体 {subjectId} 在账本中没有条目", notFound: true);
        var wanted = proven.ToHashSet();
        var proof = new LedgerProof { CaseId = caseId, SubjectId = subjectId, ExportedAt = clock.GetUtcNow() };
        var hasher = new LedgerHash();
        var content = new byte[LedgerHash.Size];
        int i = 0;
        while (i < proven.Count)
        {
            var first = proven[i];
            var sig = await db.Set<LedgerSignature>().AsNoTracking().Where(s => s.UpToSeq >= first).OrderBy(s => s.UpToSeq).FirstOrDefaultAsync(ct)
                ?? throw new LedgerProofException($"账本条目 {first} 尚未签名，请稍后（约一秒）再导出");
            if (proof.PublicKey.Length == 0) { proof.PublicKey = Convert.ToHexStringLower(sig.PublicKey); proof.KeyId = sig.KeyId; }
            else if (proof.KeyId != sig.KeyId) throw new LedgerProofException("证明跨越了签名密钥的更换，请分别导出");
            var segment = new ProofSegment
            {
                Signature = new ProofSignature
                {
                    UpToSeq = sig.UpToSeq, HeadHash = Convert.ToHexStringLower(sig.HeadHash), Signature = Convert.ToHexStringLower(sig.Signature),
                    KeyId = sig.KeyId, SignedAt = sig.SignedAt,
                },
            };
            long after = first - 1;
            while (after < sig.UpToSeq)
            {
                var batch = await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.Seq > after && e.Seq <= sig.UpToSeq)
                    .OrderBy(e => e.Seq).Take(10_000).ToListAsync(ct);
                if (batch.Count == 0) throw new LedgerProofException($"账本条目 {after + 1} 缺失，无法导出证明（请运行 ledger verify）");
                foreach (var e in batch)
                {
                    if (segment.Entries.Count == 0) segment.PrevHash = Convert.ToHexStringLower(e.PrevHash);
                    var hash = Convert.ToHexStringLower(e.Hash);
                    if (wanted.Contains(e.Seq))
                        segment.Entries.Add(new ProofEntry
                        {
                            Seq = e.Seq, Kind = e.Kind, At = FormatAt(e.At), CaseId = e.CaseId, SubjectId = e.SubjectId, Payload = e.Payload, Hash = hash,
                        });
                    else
                    {
                        hasher.ContentHash(e.Seq, e.Kind, e.At, e.CaseId, e.SubjectId, e.Payload, content);
                        segment.Entries.Add(new ProofEntry { Seq = e.Seq, ContentHash = Convert.ToHexStringLower(content), Hash = hash });
                    }
                }
                after = batch[^1].Seq;
            }
            proof.Segments.Add(segment);
            while (i < proven.Count && proven[i] <= sig.UpToSeq) i++;
        }
        return proof;
    }

    public static string FormatAt(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Checks a proof file offline (no database): every segment's chain from its first entry to its signed
    /// head, and the SM2 signature with the proof's key (compared with <paramref name="trustedKeyId"/> when given).</summary>
    public static ProofCheck Verify(string json, string? trustedKeyId = null)
    {
        LedgerProof? proof;
        try { proof = JsonSerializer.Deserialize<LedgerProof>(json, Json); }
        catch (JsonException e) { return new(false, 0, 0, "", "not a proof file: " + e.Message); }
        if (proof == null || proof.Format != LedgerProof.CurrentFormat) return new(false, 0, 0, "", $"not a {LedgerProof.CurrentFormat} file");
        if (proof.PublicKey == null || proof.KeyId == null) return new(false, 0, 0, "", "the proof carries no public key");
        var keyId = proof.KeyId;
        try
        {
            var publicKey = Convert.FromHexString(proof.PublicKey);
            var key = LedgerKey.FromPublic(publicKey);
            if (key.KeyId != proof.KeyId) return new(false, 0, 0, keyId, "the key id does not match the public key");
            if (trustedKeyId != null && !string.Equals(trustedKeyId, key.KeyId, StringComparison.OrdinalIgnoreCase))
                return new(false, 0, 0, keyId, $"signed by key {key.KeyId}, not the trusted key {trustedKeyId}");
            if (proof.Segments is not { Count: > 0 } || proof.Segments.Any(g => g?.Entries is not { Count: > 0 } || g.Signature == null || g.Entries.Any(e => e == null)))
                return new(false, 0, 0, keyId, "the proof has no segments, or a segment without entries or signature");
            var hasher = new LedgerHash();
            var content = new byte[LedgerHash.Size];
            int provenCount = 0;
            foreach (var segment in proof.Segments)
            {
                var prev = Convert.FromHexString(segment.PrevHash);
                if (prev.Length != LedgerHash.Size) return new(false, provenCount, proof.Segments.Count, keyId, "a segment's PrevHash is not 32 bytes");
                long? last = null;
                foreach (var e in segment.Entries)
                {
                    if (last != null && e.Seq != last + 1) return new(false, provenCount, proof.Segments.Count, keyId, $"entry {last + 1}: missing from the segment");
                    last = e.Seq;
                    if (e.Payload != null)
                    {
                        if (e.Kind == null || e.At == null) return new(false, provenCount, proof.Segments.Count, keyId, $"entry {e.Seq}: kind or time missing");
                        var at = DateTimeOffset.Parse(e.At, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                        hasher.ContentHash(e.Seq, e.Kind, at, e.CaseId, e.SubjectId, e.Payload, content);
                        provenCount++;
                        if (proof.CaseId is long c && e.CaseId != c || proof.SubjectId is long s && e.SubjectId != s)
                            return new(false, provenCount, proof.Segments.Count, keyId, $"entry {e.Seq}: not of the proof's case or record");
                    }
                    else if (e.ContentHash != null && Convert.FromHexString(e.ContentHash) is { Length: LedgerHash.Size } ch) ch.CopyTo(content, 0);
                    else return new(false, provenCount, proof.Segments.Count, keyId, $"entry {e.Seq}: neither content nor a 32-byte content hash");
                    var hash = new byte[LedgerHash.Size];
                    hasher.Link(prev, content, hash);
                    prev = hash;
                }
                var sig = segment.Signature;
                if (last != sig.UpToSeq) return new(false, provenCount, proof.Segments.Count, keyId, $"the segment ends at {last}, its signature covers {sig.UpToSeq}");
                if (!Convert.FromHexString(sig.HeadHash).AsSpan().SequenceEqual(prev))
                    return new(false, provenCount, proof.Segments.Count, keyId, $"entry {last}: the chain does not lead to the signed head (an entry was changed)");
                if (!key.Verify(LedgerKey.HeadMessage(sig.UpToSeq, prev), Convert.FromHexString(sig.Signature)))
                    return new(false, provenCount, proof.Segments.Count, keyId, $"entry {last}: the SM2 signature over the head does not verify");
            }
            return new(true, provenCount, proof.Segments.Count, keyId, null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return new(false, 0, proof.Segments?.Count ?? 0, keyId, "malformed proof: " + e.Message);
        }
    }
}
