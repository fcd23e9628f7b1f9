using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalentOne.Data.Registry;

namespace TalentOne.Data.Calendar;

/// <summary>holiday | workday | normal (back to the weekday rule: Monday–Friday working, weekends off).</summary>
public static class CalendarOverrideKind
{
    public const string Holiday = "holiday", Workday = "workday", Normal = "normal";
    public static readonly IReadOnlyList<string> All = [Holiday, Workday, Normal];
}

/// <summary>An administrator's correction of one day of the working-day calendar (e.g. a local 调休 or a late State
/// Council notice), merged over catalog/calendar. Append-only: the newest row per date (highest id) wins; a row of
/// kind "normal" undoes earlier ones.</summary>
public sealed class CalendarOverride : IAppendOnly
{
    public long Id { get; set; }
    public DateOnly Date { get; set; }
    public required string Kind { get; set; }
    /// <summary>Why, and on what authority (a notice number).</summary>
    public required string Reason { get; set; }
    /// <summary>The administrator's user id.</summary>
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class CalendarOverrideConfig : IEntityTypeConfiguration<CalendarOverride>
{
    public void Configure(EntityTypeBuilder<CalendarOverride> e)
    {
        e.ToTable("calendar_overrides");
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Reason).HasMaxLength(200);
        e.Property(x => x.CreatedBy).HasMaxLength(64);
        e.HasIndex(x => x.Date);
    }
}
