using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalentOne.Data.Certification;
using TalentOne.Data.Registry;

namespace TalentOne.Data.Cases;

public static class CaseStatus
{
    public const string Open = "open", Completed = "completed", PartlyRejected = "partly_rejected", Withdrawn = "withdrawn";
}

public static class CaseTaskStatus
{
    /// <summary>Prerequisites not yet approved.</summary>
    public const string Waiting = "waiting";
    public const string Queued = "queued", Claimed = "claimed";
    /// <summary>Returned to the applicant for supplement (补正); the clock is suspended.</summary>
    public const string Supplement = "supplement";
    public const string Approved = "approved", Rejected = "rejected";
    /// <summary>A prerequisite was rejected.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>The applicant withdrew the case before the task was decided (撤回).</summary>
    public const string Withdrawn = "withdrawn";
    /// <summary>A deferred (容缺) material was not supplied by its promised date: the task ends (终止).</summary>
    public const string Terminated = "terminated";

    public static bool IsClosed(string s) => s is Approved or Rejected or Cancelled or Withdrawn or Terminated;
}

/// <summary>A case (案件, 一件事): one application for several items of a bundle, routed to their departments in
/// parallel and in series. The client key makes submission idempotent per subject.</summary>
public sealed class CaseFile
{
    public long Id { get; set; }
    public long SubjectId { get; set; }
    public required string BundleId { get; set; }
    public required string ClientKey { get; set; }
    public required string Status { get; set; }
    /// <summary>The application: the combined form's values and the delivery, encrypted ("enc1:…", see
    /// CaseApplication in TalentOne.Registry) because they carry personal data.</summary>
    public required string FormJson { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public required string SubmittedBy { get; set; }
    /// <summary>China date of acceptance.</summary>
    public DateOnly AcceptedOn { get; set; }
    public int Version { get; set; }
    public List<CaseTask> Tasks { get; set; } = [];
}

/// <summary>One item of a case in its department (事项办理).</summary>
public sealed class CaseTask
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string ItemId { get; set; }
    public required string DepartmentId { get; set; }
    public required string Status { get; set; }
    /// <summary>The China date the task reached its department (null while waiting).</summary>
    public DateOnly? AcceptedOn { get; set; }
    public int LimitWorkingDays { get; set; }
    /// <summary>JSON list of {from, to?, reason}: when the clock stood still.</summary>
    public string SuspensionsJson { get; set; } = "[]";
    /// <summary>JSON list of {workingDays, reason, on}: approved extensions of the limit (延长办理期限).</summary>
    public string ExtensionsJson { get; set; } = "[]";
    public string? ClaimedBy { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? Reason { get; set; }
    public int Version { get; set; }
}

/// <summary>A material of a case: a file from the applicant's vault, a commitment (承诺免提交), a deferral (容缺) with
/// a due date, or the result of a prerequisite item.</summary>
public sealed class CaseMaterial : IAppendOnly
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string MaterialId { get; set; }
    public long? EvidenceFileId { get; set; }
    public string? Commitment { get; set; }
    public string? Deferred { get; set; }
    public DateOnly? DeferredUntil { get; set; }
    /// <summary>For result:&lt;item&gt; materials: the approved task whose result it is.</summary>
    public long? ResultOfTaskId { get; set; }
    /// <summary>For a file supplied after 容缺受理: the deferral row (same case and material) it fulfils.</summary>
    public long? SuppliesId { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>The case's full history (append-only).</summary>
public sealed class CaseEvent : IAppendOnly
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public long? TaskId { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset At { get; set; }
    public required string By { get; set; }
    public string DetailJson { get; set; } = "{}";
}

/// <summary>A material file kept in the applicant's vault under a material id (once-only: reused by later cases).</summary>
public sealed class MaterialFile : IAppendOnly
{
    public long Id { get; set; }
    public long SubjectId { get; set; }
    public required string MaterialId { get; set; }
    public long EvidenceFileId { get; set; }
    public EvidenceFile? File { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class CaseFileConfig : IEntityTypeConfiguration<CaseFile>
{
    public void Configure(EntityTypeBuilder<CaseFile> e)
    {
        e.ToTable("cases");
        e.Property(x => x.BundleId).HasMaxLength(100);
        e.Property(x => x.ClientKey).HasMaxLength(64);
        e.Property(x => x.Status).HasMaxLength(24);
        e.Property(x => x.FormJson).HasMaxLength(100_000);
        e.Property(x => x.SubmittedBy).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<Subject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Tasks).WithOne().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.SubjectId, x.ClientKey }).IsUnique();
    }
}

internal sealed class CaseTaskConfig : IEntityTypeConfiguration<CaseTask>
{
    public void Configure(EntityTypeBuilder<CaseTask> e)
    {
        e.ToTable("case_tasks");
        e.Property(x => x.ItemId).HasMaxLength(100);
        e.Property(x => x.DepartmentId).HasMaxLength(64);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.SuspensionsJson).HasMaxLength(10_000);
        e.Property(x => x.ExtensionsJson).HasMaxLength(10_000);
        e.Property(x => x.ClaimedBy).HasMaxLength(64);
        e.Property(x => x.DecidedBy).HasMaxLength(64);
        e.Property(x => x.Reason).HasMaxLength(1_000);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.DepartmentId, x.Status });
    }
}

internal sealed class CaseMaterialConfig : IEntityTypeConfiguration<CaseMaterial>
{
    public void Configure(EntityTypeBuilder<CaseMaterial> e)
    {
        e.ToTable("case_materials");
        e.Property(x => x.MaterialId).HasMaxLength(120);
        e.Property(x => x.Commitment).HasMaxLength(1_000);
        e.Property(x => x.Deferred).HasMaxLength(1_000);
        e.HasOne<CaseFile>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<EvidenceFile>().WithMany().HasForeignKey(x => x.EvidenceFileId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<CaseMaterial>().WithMany().HasForeignKey(x => x.SuppliesId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.CaseId);
        e.HasIndex(x => x.SuppliesId).IsUnique();
    }
}

internal sealed class CaseEventConfig : IEntityTypeConfiguration<CaseEvent>
{
    public void Configure(EntityTypeBuilder<CaseEvent> e)
    {
        e.ToTable("case_events");
        e.Property(x => x.Kind).HasMaxLength(24);
        e.Property(x => x.By).HasMaxLength(64);
        e.Property(x => x.DetailJson).HasMaxLength(10_000);
        e.HasOne<CaseFile>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.CaseId);
    }
}

internal sealed class MaterialFileConfig : IEntityTypeConfiguration<MaterialFile>
{
    public void Configure(EntityTypeBuilder<MaterialFile> e)
    {
        e.ToTable("material_files");
        e.Property(x => x.MaterialId).HasMaxLength(120);
        e.HasOne<Subject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne(x => x.File).WithMany().HasForeignKey(x => x.EvidenceFileId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.SubjectId, x.MaterialId });
    }
}
