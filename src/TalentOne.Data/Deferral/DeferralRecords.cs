using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalentOne.Data.Cases;
using TalentOne.Data.Registry;

namespace TalentOne.Data.Deferral;

public static class CreditFlagSource
{
    /// <summary>Set or cleared by the talent office (人才办), with a reason.</summary>
    public const string Manual = "manual";
    /// <summary>Set by the platform when a 容缺 promise was not kept (the deferred material was not supplied in time).</summary>
    public const string Automatic = "automatic";
}

/// <summary>An event of a subject's bad-credit flag (失信标记): set or cleared, why, by whom, when. Append-only: the
/// subject's current state is its latest event (none: not flagged). A flagged applicant may not use 容缺受理.</summary>
public sealed class CreditFlagEvent : IAppendOnly
{
    public long Id { get; set; }
    public long SubjectId { get; set; }
    /// <summary>True: the flag is set by this event; false: cleared.</summary>
    public bool Flagged { get; set; }
    public required string Reason { get; set; }
    public required string Source { get; set; }
    /// <summary>The user id of the administrator, or "system:deferrals" for the daily job.</summary>
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>For an automatic flag: the case and the material whose promise was broken.</summary>
    public long? CaseId { get; set; }
    public string? MaterialId { get; set; }
}

public static class DeferralStepKind
{
    /// <summary>Reminder N working days before the promised date.</summary>
    public const string RemindBefore = "remind_before";
    /// <summary>Reminder on the promised date.</summary>
    public const string RemindDue = "remind_due";
    /// <summary>Not supplied by the first working day after the promised date: the tasks needing it were terminated.</summary>
    public const string Terminated = "terminated";
}

/// <summary>What the daily job did about a deferred (容缺) material. Unique per deferral and kind, so each reminder and
/// the termination happen once however often the job runs.</summary>
public sealed class DeferralStep : IAppendOnly
{
    public long Id { get; set; }
    /// <summary>The deferral: a <see cref="CaseMaterial"/> row with <c>Deferred</c> set.</summary>
    public long CaseMaterialId { get; set; }
    public long CaseId { get; set; }
    public required string Kind { get; set; }
    /// <summary>The China date the job ran for.</summary>
    public DateOnly On { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class CreditFlagEventConfig : IEntityTypeConfiguration<CreditFlagEvent>
{
    public void Configure(EntityTypeBuilder<CreditFlagEvent> e)
    {
        e.ToTable("credit_flags");
        e.Property(x => x.Reason).HasMaxLength(1_000);
        e.Property(x => x.Source).HasMaxLength(16);
        e.Property(x => x.By).HasMaxLength(64);
        e.Property(x => x.MaterialId).HasMaxLength(120);
        e.HasOne<Subject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<CaseFile>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.SubjectId, x.Id });
    }
}

internal sealed class DeferralStepConfig : IEntityTypeConfiguration<DeferralStep>
{
    public void Configure(EntityTypeBuilder<DeferralStep> e)
    {
        e.ToTable("deferral_steps");
        e.Property(x => x.Kind).HasMaxLength(24);
        e.HasOne<CaseMaterial>().WithMany().HasForeignKey(x => x.CaseMaterialId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<CaseFile>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.CaseMaterialId, x.Kind }).IsUnique();
    }
}
