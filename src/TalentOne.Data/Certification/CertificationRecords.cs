using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalentOne.Data.Registry;

namespace TalentOne.Data.Certification;

/// <summary>An uploaded evidence file, addressed by its content (SHA-256): the same bytes uploaded again by the same
/// record holder are the same file. The bytes are kept in the database; the name the browser sent is display text
/// only and never names anything on disk. Evidence is never changed or deleted.</summary>
public sealed class EvidenceFile : IAppendOnly
{
    public long Id { get; set; }
    /// <summary>The record (person or enterprise) that submitted it.</summary>
    public long SubjectId { get; set; }
    /// <summary>Lower-case hex SHA-256 of <see cref="Content"/>.</summary>
    public required string Sha256 { get; set; }
    public long Size { get; set; }
    /// <summary>application/pdf, image/jpeg or image/png, as recognised from the bytes.</summary>
    public required string ContentType { get; set; }
    public required string DisplayName { get; set; }
    public required byte[] Content { get; set; }
    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

public enum CertificationStatus { Submitted = 1, Approved = 2, Rejected = 3, Withdrawn = 4, Expired = 5 }

/// <summary>An application for a certification route (认定申请): who applies for what, reviewed by which department, and
/// the decision — approved (the category's facts were certified, valid from … until …), rejected with a reason,
/// withdrawn by the applicant, or expired when its validity ran out. Every step is also an event.</summary>
public sealed class CertificationApplication
{
    public long Id { get; set; }
    public long SubjectId { get; set; }
    /// <summary>Route id of catalog/certification, e.g. quzhou.tier3.</summary>
    public required string RouteId { get; set; }
    /// <summary>The reviewing department, "{city}.{kind}", fixed when the application is made.</summary>
    public required string DepartmentId { get; set; }
    public CertificationStatus Status { get; set; }
    public required string SubmittedBy { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public string? ApplicantNote { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    /// <summary>Why it was rejected (required), or the reviewer's remark on an approval.</summary>
    public string? Reason { get; set; }
    /// <summary>The facts the approval set, as a JSON object, e.g. {"person.quzhouTalentTier": 3}.</summary>
    public string? GrantedJson { get; set; }
    public DateOnly? ValidFrom { get; set; }
    /// <summary>Last day the certification holds.</summary>
    public DateOnly? ValidUntil { get; set; }
    public DateTimeOffset? ExpiredAt { get; set; }
    /// <summary>Optimistic concurrency: two reviewers cannot both decide.</summary>
    public int Version { get; set; }
    public List<CertificationEvidence> Evidence { get; set; } = [];
}

/// <summary>A file attached to an application as one kind of evidence.</summary>
public sealed class CertificationEvidence : IAppendOnly
{
    public long Id { get; set; }
    public long ApplicationId { get; set; }
    /// <summary>Evidence kind id of the route (e.g. tax_certificate).</summary>
    public required string KindId { get; set; }
    public long EvidenceFileId { get; set; }
    public EvidenceFile? File { get; set; }
}

/// <summary>The application's history: submitted, approved, rejected, withdrawn, expired — who, when, why.</summary>
public sealed class CertificationEvent : IAppendOnly
{
    public long Id { get; set; }
    public long ApplicationId { get; set; }
    /// <summary>submitted | approved | rejected | withdrawn | expired</summary>
    public required string Kind { get; set; }
    public required string ByUserId { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Note { get; set; }
}

internal sealed class EvidenceFileConfig : IEntityTypeConfiguration<EvidenceFile>
{
    public void Configure(EntityTypeBuilder<EvidenceFile> e)
    {
        e.ToTable("evidence_files");
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.ContentType).HasMaxLength(32);
        e.Property(x => x.DisplayName).HasMaxLength(120);
        e.Property(x => x.UploadedBy).HasMaxLength(64);
        e.HasOne<Subject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.SubjectId, x.Sha256 }).IsUnique();
    }
}

internal sealed class CertificationApplicationConfig : IEntityTypeConfiguration<CertificationApplication>
{
    public void Configure(EntityTypeBuilder<CertificationApplication> e)
    {
        e.ToTable("certification_applications");
        e.Property(x => x.RouteId).HasMaxLength(100);
        e.Property(x => x.DepartmentId).HasMaxLength(64);
        e.Property(x => x.SubmittedBy).HasMaxLength(64);
        e.Property(x => x.ApplicantNote).HasMaxLength(1_000);
        e.Property(x => x.DecidedBy).HasMaxLength(64);
        e.Property(x => x.Reason).HasMaxLength(1_000);
        e.Property(x => x.GrantedJson).HasMaxLength(2_000);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<Subject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Evidence).WithOne().HasForeignKey(x => x.ApplicationId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.SubjectId, x.RouteId, x.Status });
        e.HasIndex(x => new { x.DepartmentId, x.Status });
        e.HasIndex(x => new { x.Status, x.ValidUntil });
    }
}

internal sealed class CertificationEvidenceConfig : IEntityTypeConfiguration<CertificationEvidence>
{
    public void Configure(EntityTypeBuilder<CertificationEvidence> e)
    {
        e.ToTable("certification_evidence");
        e.Property(x => x.KindId).HasMaxLength(64);
        e.HasOne(x => x.File).WithMany().HasForeignKey(x => x.EvidenceFileId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.EvidenceFileId);
    }
}

internal sealed class CertificationEventConfig : IEntityTypeConfiguration<CertificationEvent>
{
    public void Configure(EntityTypeBuilder<CertificationEvent> e)
    {
        e.ToTable("certification_events");
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.ByUserId).HasMaxLength(64);
        e.Property(x => x.Note).HasMaxLength(1_000);
        e.HasOne<CertificationApplication>().WithMany().HasForeignKey(x => x.ApplicationId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.ApplicationId);
    }
}
