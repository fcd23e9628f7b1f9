using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalentOne.Data.Registry;

namespace TalentOne.Data.Ledger;

/// <summary>One entry of the tamper-evident ledger (上链): what happened (<see cref="Kind"/>, <see cref="Payload"/>), for
/// which case or record, and when. <see cref="Hash"/> = SM3(<see cref="PrevHash"/> ‖ canonical encoding of the entry)
/// (docs/ledger.md), so changing any stored entry breaks every later link. Seq starts at 1 and has no gaps.</summary>
public sealed class LedgerEntry : IAppendOnly
{
    public long Seq { get; set; }
    /// <summary>What happened, e.g. certification.approved, notice.enqueued (at most 64 characters).</summary>
    public required string Kind { get; set; }
    /// <summary>The case (application) it belongs to, for proofs.</summary>
    public long? CaseId { get; set; }
    /// <summary>The record (person or enterprise) it concerns, for proofs.</summary>
    public long? SubjectId { get; set; }
    /// <summary>Canonical JSON text (sorted keys, no whitespace); hashed byte for byte as stored.</summary>
    public required string Payload { get; set; }
    /// <summary>UTC, whole microseconds (what both databases keep exactly).</summary>
    public DateTimeOffset At { get; set; }
    public required byte[] PrevHash { get; set; }
    public required byte[] Hash { get; set; }
}

/// <summary>The platform's SM2 signature over the chain head at <see cref="UpToSeq"/>: it covers every entry from 1 to
/// UpToSeq (the chain links them); <see cref="FromSeq"/> is the first entry not covered by the previous signature.</summary>
public sealed class LedgerSignature : IAppendOnly
{
    public long Id { get; set; }
    public long FromSeq { get; set; }
    public long UpToSeq { get; set; }
    /// <summary>The hash of entry UpToSeq, as signed.</summary>
    public required byte[] HeadHash { get; set; }
    /// <summary>DER-encoded SM2 signature (SM3, user id 1234567812345678) over the signed message of docs/ledger.md.</summary>
    public required byte[] Signature { get; set; }
    /// <summary>Hex of the first 16 bytes of SM3(public key, uncompressed point).</summary>
    public required string KeyId { get; set; }
    /// <summary>The signing public key (uncompressed point, 65 bytes), so a proof carries what it needs.</summary>
    public required byte[] PublicKey { get; set; }
    public DateTimeOffset SignedAt { get; set; }
}

internal sealed class LedgerEntryConfig : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> e)
    {
        e.ToTable("ledger_entries");
        e.HasKey(x => x.Seq);
        e.Property(x => x.Seq).ValueGeneratedNever();
        e.Property(x => x.Kind).HasMaxLength(64);
        e.Property(x => x.PrevHash).HasMaxLength(32);
        e.Property(x => x.Hash).HasMaxLength(32);
        e.HasIndex(x => x.CaseId);
        e.HasIndex(x => x.SubjectId);
    }
}

internal sealed class LedgerSignatureConfig : IEntityTypeConfiguration<LedgerSignature>
{
    public void Configure(EntityTypeBuilder<LedgerSignature> e)
    {
        e.ToTable("ledger_signatures");
        e.Property(x => x.HeadHash).HasMaxLength(32);
        e.Property(x => x.Signature).HasMaxLength(80);
        e.Property(x => x.KeyId).HasMaxLength(32);
        e.Property(x => x.PublicKey).HasMaxLength(65);
        e.HasIndex(x => x.UpToSeq).IsUnique();
    }
}
