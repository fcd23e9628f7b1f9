using System.Globalization;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;

namespace TalentOne.Registry.Sweeps;

/// <summary>Which grant of a policy a notice is about, so that one grant is announced once however often a sweep
/// runs: "once" for one-off (and per-head) grants, else the period of <paramref name="date"/> the grant is paid for —
/// the year for yearly grants ("2021"), the month for monthly ones ("2021-07"), the day for daily ones. A re-run, or
/// a run after a crash, for the same date gives the same key; a yearly allowance regained in a later year is a new grant.</summary>
public static class GrantKeys
{
    public const string Once = "once";

    public static string For(Policy policy, DateOnly date) => policy.Amount.Schedule switch
    {
        Schedule.PerYear => date.Year.ToString(CultureInfo.InvariantCulture),
        Schedule.PerMonth => date.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        Schedule.PerDay => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Once,
    };
}

/// <summary>The Chinese wording of notices (in-app message and SMS): the policy, its source and what it grants.</summary>
public static class NoticeText
{
    public static string EligibleTitle(Policy p) => $"您已符合：{p.Title}";

    public static string ReminderTitle(Policy p) => $"今日起可申请：{p.Title}";

    /// <summary>“您已符合《…》（衢委发〔2020〕7号 第19条第（7）项），可享受每年 3 万元。……”</summary>
    public static string EligibleBody(Policy p, SubjectKind kind, double? amount) =>
        $"{Who(kind)}已符合《{p.Title}》（{Source(p)}），{Grant(p, amount)}。请登录“人才一件事”平台或到综合窗口申请。";

    public static string ReminderBody(Policy p, SubjectKind kind, DateOnly on, double? amount) =>
        $"自{on.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}起，{Who(kind)}已符合《{p.Title}》（{Source(p)}），{Grant(p, amount)}。请登录“人才一件事”平台或到综合窗口申请。";

    private static string Who(SubjectKind kind) => kind == SubjectKind.Enterprise ? "贵单位" : "您";

    private static string Source(Policy p) => $"{p.Document.Number} {p.Article}";

    /// <summary>“可享受每年 3 万元（共 3 年）”, “可享受一次性 75.6 万元”, or for other units “可享受 3 人（…）”.</summary>
    public static string Grant(Policy p, double? amount)
    {
        if (amount is not { } a || double.IsNaN(a)) return "可按政策享受相应待遇";
        var spec = p.Amount;
        if (spec.Unit != "元")
            return $"可享受 {Number(a)} {spec.Unit}" + (spec.Note is { Length: > 0 } n ? $"（{n}）" : "");
        var per = spec.Schedule switch
        {
            Schedule.PerYear => "每年 ",
            Schedule.PerMonth => "每月 ",
            Schedule.PerDay => "每天 ",
            Schedule.PerHead => "每人 ",
            _ => "一次性 ",
        };
        var periods = spec.Periods is int k && spec.Schedule is Schedule.PerYear or Schedule.PerMonth or Schedule.PerDay
            ? $"（共 {k} {spec.Schedule switch { Schedule.PerYear => "年", Schedule.PerMonth => "个月", _ => "天" }}）" : "";
        return $"可享受{per}{Money(a)}{periods}";
    }

    /// <summary>30000 → “3 万元”, 756000 → “75.6 万元”, 14904 → “14904 元”.</summary>
    public static string Money(double v) =>
        Math.Abs(v) >= 10_000 && Math.Round(v) % 100 == 0
            ? (v / 10_000).ToString("0.##", CultureInfo.InvariantCulture) + " 万元"
            : Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture) + " 元";

    private static string Number(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
