using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalentOne.Data.Registry;

namespace TalentOne.Data.Codes;

public enum CodeKind { Talent = 1, Enterprise = 2 }

/// <summary>A talent or enterprise code (人才码 · 企业码) handed out to a holder: the row behind the signed token's
/// code id. The token proves who issued it and until when; this row says whether it has been revoked since.</summary>
public sealed class IssuedCode
{
    public long Id { get; set; }
    /// <summary>The token's CodeId: random, unguessable, never reused.</summary>
    public required string CodeId { get; set; }
    public long SubjectId { get; set; }
    public CodeKind Kind { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public required string IssuedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string? RevokeReason { get; set; }
}

public enum ScanOutcome { Valid = 1, Malformed = 2, Tampered = 3, Expired = 4, Revoked = 5, Unknown = 6 }

/// <summary>One scan of a code by a service provider, whatever its outcome: the holder and auditors see who looked.
/// Evidence: never changed or deleted.</summary>
public sealed class ScanRecord : IAppendOnly
{
    public long Id { get; set; }
    /// <summary>Null when the token could not be read or its signature did not verify.</summary>
    public string? CodeId { get; set; }
    public long? SubjectId { get; set; }
    public required string ProviderUserId { get; set; }
    public required string ProviderKind { get; set; }
    public DateTimeOffset At { get; set; }
    public ScanOutcome Outcome { get; set; }
}

internal sealed class IssuedCodeConfig : IEntityTypeConfiguration<IssuedCode>
{
    public void Configure(EntityTypeBuilder<IssuedCode> e)
    {
        e.ToTable("issued_codes");
        e.Property(x => x.CodeId).HasMaxLength(32);
        e.Property(x => x.IssuedBy).HasMaxLength(64);
        e.Property(x => x.RevokedBy).HasMaxLength(64);
        e.Property(x => x.RevokeReason).HasMaxLength(500);
        e.HasIndex(x => x.CodeId).IsUnique();
        e.HasIndex(x => new { x.SubjectId, x.Id });
    }
}

internal sealed class ScanRecordConfig : IEntityTypeConfiguration<ScanRecord>
{
    public void Configure(EntityTypeBuilder<ScanRecord> e)
    {
        e.ToTable("scan_records");
        e.Property(x => x.CodeId).HasMaxLength(32);
        e.Property(x => x.ProviderUserId).HasMaxLength(64);
        e.Property(x => x.ProviderKind).HasMaxLength(64);
        e.HasIndex(x => new { x.SubjectId, x.Id });
        e.HasIndex(x => x.CodeId);
    }
}
