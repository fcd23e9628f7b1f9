using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Policies.Schema;

namespace TalentOne.Policies.Evaluation;

public enum Outcome { Eligible, Nearly, NeedsInfo, Ineligible }

public enum Truth { False, True, Unknown }

/// <summary>How one condition of a policy came out for this profile.</summary>
public readonly record struct ConditionResult(Clause Clause, Truth Truth, string Actual);

/// <summary>A cap that lowered the amount.</summary>
public sealed record CapApplied(string Label, double Limit);

/// <summary>The answer for one policy: outcome, amount and the reasons, each traceable to the source.</summary>
public sealed record PolicyResult(
    Policy Policy,
    Outcome Outcome,
    IReadOnlyList<ConditionResult> Conditions,
    double? Amount,
    /// <summary>For an eligible result the amount before caps; for a nearly-eligible one, what it would grant.</summary>
    double? UncappedAmount,
    double? Total,
    IReadOnlyList<CapApplied> CapsApplied,
    IReadOnlyList<FactDef> Missing,
    DateOnly? EligibleOn,
    string? EligibleOnReason,
    bool NotInForce,
    string? ExcludedByGroupNote)
{
    /// <summary>Shared by every profile from the same place (see <see cref="Policy"/>): never modified.</summary>
    internal bool Shared { get; init; }
    /// <summary>The DTO of a shared result, built once.</summary>
    internal object? SharedDto { get; set; }

    public IEnumerable<ConditionResult> Failed => Conditions.Where(c => c.Truth == Truth.False);
    public IEnumerable<ConditionResult> Unknown => Conditions.Where(c => c.Truth == Truth.Unknown);
    /// <summary>Counts toward the package total (eligible, money, not excluded by a 就高不重复 group).</summary>
    public bool Counted => Outcome == Outcome.Eligible && ExcludedByGroupNote == null && Policy.Amount.Unit == "元";
}

/// <summary>Everything a talent or enterprise is entitled to on a date, and why not the rest.</summary>
public sealed record Package(
    DateOnly Date,
    string CatalogVersion,
    Applicant Kind,
    IReadOnlyList<PolicyResult> Results,
    double Total,
    double FirstYearTotal)
{
    public IEnumerable<PolicyResult> Eligible => Results.Where(r => r.Outcome == Outcome.Eligible);
    public IEnumerable<PolicyResult> Nearly => Results.Where(r => r.Outcome == Outcome.Nearly);
    public IEnumerable<PolicyResult> NeedsInfo => Results.Where(r => r.Outcome == Outcome.NeedsInfo);
    public IEnumerable<PolicyResult> Ineligible => Results.Where(r => r.Outcome == Outcome.Ineligible);

    public static string ScheduleText(AmountSpec a) => a.Schedule switch
    {
        Schedule.Once => "一次性",
        Schedule.PerMonth => a.Periods is int m ? $"每月，共 {m} 个月" : "每月",
        Schedule.PerYear => a.Periods is int y ? $"每年，共 {y} 年" : "每年",
        Schedule.PerDay => a.Periods is int d ? $"每天，共 {d} 天" : "每天",
        Schedule.PerHead => "每人",
        _ => "",
    };

    public static string OutcomeText(Outcome o) => o switch
    {
        Outcome.Eligible => "符合",
        Outcome.Nearly => "接近符合",
        Outcome.NeedsInfo => "需补充信息",
        Outcome.Ineligible => "不符合",
        _ => "",
    };

    public static string Money(double v) => Renderer.Number(Math.Round(v, 2));
}
