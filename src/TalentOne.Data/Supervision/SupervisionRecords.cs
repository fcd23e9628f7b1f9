using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalentOne.Data.Cases;
using TalentOne.Data.Registry;

namespace TalentOne.Data.Supervision;

public static class CardColour
{
    public const string Yellow = "yellow", Red = "red";
}

/// <summary>A yellow or red card (黄牌 / 红牌, 电子监察) issued by the daily card job to a task, for the item as a whole
/// (<see cref="StepNo"/> 0, <see cref="Step"/> "item") or for one of its steps (环节 1 受理认领, 2 审查办结). Recorded once
/// per task, step and colour, on the first day the clock showed that colour; never changed. The monthly supervision
/// report counts these rows.</summary>
public sealed class SupervisionCard : IAppendOnly
{
    public const string ItemStep = "item";

    public long Id { get; set; }
    public long TaskId { get; set; }
    public long CaseId { get; set; }
    public required string DepartmentId { get; set; }
    public required string ItemId { get; set; }
    /// <summary>0 for the item, 1.. for the steps in order.</summary>
    public int StepNo { get; set; }
    /// <summary>"item", or the step's name as it was when the card was issued.</summary>
    public required string Step { get; set; }
    public required string Colour { get; set; }
    /// <summary>The China date the card was issued (the daily job's date).</summary>
    public DateOnly IssuedOn { get; set; }
    /// <summary>The due date of the item or step on that day.</summary>
    public DateOnly Due { get; set; }
    /// <summary>Working days left on that day (≥ 0 for yellow); negative: working days overdue (red).</summary>
    public int Remaining { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class SupervisionCardConfig : IEntityTypeConfiguration<SupervisionCard>
{
    public void Configure(EntityTypeBuilder<SupervisionCard> e)
    {
        e.ToTable("supervision_cards");
        e.Property(x => x.DepartmentId).HasMaxLength(64);
        e.Property(x => x.ItemId).HasMaxLength(100);
        e.Property(x => x.Step).HasMaxLength(40);
        e.Property(x => x.Colour).HasMaxLength(8);
        e.HasOne<CaseTask>().WithMany().HasForeignKey(x => x.TaskId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<CaseFile>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
        // Once per task, step and colour: a second run of the job on the same day (or a concurrent one) adds nothing.
        e.HasIndex(x => new { x.TaskId, x.StepNo, x.Colour }).IsUnique();
        e.HasIndex(x => new { x.DepartmentId, x.IssuedOn });
    }
}
