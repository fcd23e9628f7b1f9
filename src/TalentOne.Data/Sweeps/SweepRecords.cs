using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalentOne.Data.Registry;

namespace TalentOne.Data.Sweeps;

/// <summary>One eligibility sweep (数据巡检 / 成熟激活): every registered subject evaluated as of <see cref="AsOf"/>,
/// compared with what the previous sweeps found, what changed recorded and notices enqueued.</summary>
public sealed class SweepRun
{
    public long Id { get; set; }
    /// <summary>The evaluation date.</summary>
    public DateOnly AsOf { get; set; }
    public required string CatalogVersion { get; set; }
    /// <summary>The catalog's policy ids in order, one per line: bit <c>i</c> of the masks of <see cref="SweepState"/>
    /// rows written by this run means policy line <c>i</c>.</summary>
    public required string PolicyIds { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>running | completed | failed (<see cref="SweepStatus"/>).</summary>
    public required string Status { get; set; }
    /// <summary>schedule | cli | admin (<see cref="SweepTrigger"/>).</summary>
    public required string Trigger { get; set; }
    /// <summary>Account that started it (admin trigger), else null.</summary>
    public string? StartedBy { get; set; }
    public int SubjectsTotal { get; set; }
    public int SubjectsProcessed { get; set; }
    /// <summary>Subjects whose stored profile no longer reads (left as they were).</summary>
    public int SubjectsSkipped { get; set; }
    public int NewlyEligible { get; set; }
    public int NoLongerEligible { get; set; }
    public int RemindersScheduled { get; set; }
    public int RemindersWithdrawn { get; set; }
    public int NoticesEnqueued { get; set; }
    /// <summary>Per policy id: {"eligible": n, "newly": n, "noLonger": n, "reminders": n} (policies with any non-zero count).</summary>
    public string PerPolicyJson { get; set; } = "{}";
    public string? Error { get; set; }

    public static IReadOnlyList<string> SplitPolicyIds(string ids) => ids.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

public static class SweepStatus
{
    public const string Running = "running", Completed = "completed", Failed = "failed";
}

public static class SweepTrigger
{
    public const string Schedule = "schedule", Cli = "cli", Admin = "admin";
}

/// <summary>What the last sweep that changed anything found for one subject: eligible and nearly-eligible-with-a-date
/// policies as bit masks over the policy order of run <see cref="RunId"/>. No row = nothing found yet.</summary>
public sealed class SweepState
{
    public long SubjectId { get; set; }
    public long RunId { get; set; }
    /// <summary>Entitled policies (eligible and not set aside by 就高不重复), little-endian bits.</summary>
    public byte[] Eligible { get; set; } = [];
    /// <summary>Policies time alone will make apply on a known date (a reminder is scheduled for each).</summary>
    public byte[] Nearly { get; set; } = [];
}

public static class ChangeKind
{
    public const string NewlyEligible = "newly_eligible", NoLongerEligible = "no_longer_eligible", NearlyEligible = "nearly_eligible";
}

/// <summary>One change found by a sweep (append-only): a subject became eligible for a policy, stopped being
/// eligible, or became nearly eligible with the date time alone makes it apply.</summary>
public sealed class EligibilityChange : IAppendOnly
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public long SubjectId { get; set; }
    public required string PolicyId { get; set; }
    public required string Kind { get; set; }
    /// <summary>Amount per period (newly eligible), or what it will grant (nearly eligible).</summary>
    public double? Amount { get; set; }
    public DateOnly? EligibleOn { get; set; }
}

public static class NoticeKind
{
    /// <summary>Case is a message about a 一件事 application (受理, 办结, 退回补正 …); its PolicyId is "case:{id}".</summary>
    public const string Eligible = "eligible", Reminder = "reminder", Case = "case";
}

/// <summary>A message to a subject (消息): "you are now eligible for …" or a reminder on the day time makes a policy
/// apply. At most one per subject, policy, grant and kind — the unique index guarantees it whatever runs twice.</summary>
public sealed class Notice
{
    public long Id { get; set; }
    public long SubjectId { get; set; }
    public required string PolicyId { get; set; }
    /// <summary>Which grant of the policy the notice is about: "once" for one-off grants, the year ("2021") for
    /// yearly ones, the month ("2021-07") for monthly ones, the day for daily ones — of the sweep date (eligible) or
    /// of the date it becomes eligible (reminder). A re-run for the same date gives the same key.</summary>
    public required string GrantKey { get; set; }
    /// <summary>eligible | reminder (<see cref="NoticeKind"/>).</summary>
    public required string Kind { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public double? Amount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Reminders: the date from which the notice is sent.</summary>
    public DateOnly? NotBefore { get; set; }
    /// <summary>When the in-app message became visible to the subject.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
    public long RunId { get; set; }
}

public static class OutboxChannel
{
    public const string Sms = "sms", InApp = "inapp";
    public static readonly IReadOnlyList<string> All = [Sms, InApp];
}

public static class OutboxStatus
{
    /// <summary>Waiting for its first attempt (or its date).</summary>
    public const string Pending = "pending";
    /// <summary>The last attempt failed; retried at NextAttemptAt.</summary>
    public const string Failed = "failed";
    public const string Sent = "sent";
    /// <summary>Gave up after the maximum number of attempts (or a permanent failure).</summary>
    public const string Dead = "dead";
}

/// <summary>One delivery of a notice on one channel, written in the same transaction as the notice (transactional
/// outbox) and sent by the dispatcher with retries.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public long NoticeId { get; set; }
    public Notice? Notice { get; set; }
    public required string Channel { get; set; }
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class SweepRunConfig : IEntityTypeConfiguration<SweepRun>
{
    public void Configure(EntityTypeBuilder<SweepRun> e)
    {
        e.ToTable("sweep_runs");
        e.Property(x => x.CatalogVersion).HasMaxLength(64);
        e.Property(x => x.PolicyIds).HasMaxLength(200_000);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Trigger).HasMaxLength(16);
        e.Property(x => x.StartedBy).HasMaxLength(64);
        e.Property(x => x.PerPolicyJson).HasMaxLength(200_000);
        e.Property(x => x.Error).HasMaxLength(4_000);
    }
}

internal sealed class SweepStateConfig : IEntityTypeConfiguration<SweepState>
{
    public void Configure(EntityTypeBuilder<SweepState> e)
    {
        e.ToTable("sweep_states");
        e.HasKey(x => x.SubjectId);
        e.Property(x => x.SubjectId).ValueGeneratedNever();
    }
}

internal sealed class EligibilityChangeConfig : IEntityTypeConfiguration<EligibilityChange>
{
    public void Configure(EntityTypeBuilder<EligibilityChange> e)
    {
        e.ToTable("eligibility_changes");
        e.Property(x => x.PolicyId).HasMaxLength(100);
        e.Property(x => x.Kind).HasMaxLength(24);
        e.HasIndex(x => new { x.RunId, x.PolicyId });
        e.HasIndex(x => x.SubjectId);
    }
}

internal sealed class NoticeConfig : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> e)
    {
        e.ToTable("notices");
        e.Property(x => x.PolicyId).HasMaxLength(100);
        e.Property(x => x.GrantKey).HasMaxLength(32);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Title).HasMaxLength(300);
        e.Property(x => x.Body).HasMaxLength(2_000);
        e.HasIndex(x => new { x.SubjectId, x.PolicyId, x.GrantKey, x.Kind }).IsUnique();
        e.HasIndex(x => x.RunId);
    }
}

internal sealed class OutboxMessageConfig : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> e)
    {
        e.ToTable("outbox_messages");
        e.Property(x => x.Channel).HasMaxLength(16);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.LastError).HasMaxLength(1_000);
        e.HasOne(x => x.Notice).WithMany().HasForeignKey(x => x.NoticeId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(x => new { x.NoticeId, x.Channel }).IsUnique();
        e.HasIndex(x => new { x.Status, x.NextAttemptAt });
    }
}
