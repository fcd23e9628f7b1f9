using System.Text;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Policies.Profiles;
using TalentOne.Policies.Schema;

namespace TalentOne.Policies.Evaluation;

/// <summary>evaluate(profile, date) → package: eligible with amounts, nearly eligible with what is missing and
/// when time alone fixes it, needing information, and ineligible with each failed condition in Chinese.</summary>
public static class Evaluator
{
    /// <summary>How far ahead the engine looks for a date on which time alone makes a policy apply.</summary>
    public const int HorizonYears = 5;

    public static Package Evaluate(PolicyCatalog catalog, string profileJson, DateOnly date) =>
        Evaluate(catalog, ProfileReader.Read(catalog, profileJson, date), date);

    public static Package Evaluate(PolicyCatalog catalog, ProfileRow profile, DateOnly date)
    {
        var row = (double[])profile.Values.Clone();
        double today = date.DayNumber;
        var pv = catalog.Parameters.Table.SnapshotAt(date);
        catalog.FillDefinitions(row, today, pv);
        var outv = new double[catalog.OutWidth];
        var results = new List<PolicyResult>();
        foreach (var p in catalog.Policies)
        {
            if (!Applies(p.Applicant, profile.Kind)) continue;
            catalog.Kernels[p.Index](row, today, pv, outv);
            results.Add(Explain(catalog, p, profile.Values, row, outv, date));
        }
        ApplyGroups(results);
        double total = 0, firstYear = 0;
        foreach (var r in results.Where(r => r.Counted))
        {
            total += r.Total ?? r.Amount ?? 0;
            firstYear += FirstYear(r);
        }
        return new Package(date, catalog.Version, profile.Kind, results, Math.Round(total, 2), Math.Round(firstYear, 2));
    }

    private static bool Applies(Applicant policy, Applicant subject) =>
        policy == subject || (policy == Applicant.Enterprise && subject == Applicant.Organisation) || (policy == Applicant.Organisation && subject == Applicant.Enterprise);

    private static double FirstYear(PolicyResult r)
    {
        var a = r.Amount ?? 0;
        return r.Policy.Amount.Schedule switch
        {
            Schedule.PerMonth => a * Math.Min(12, r.Policy.Amount.Periods ?? 12),
            Schedule.PerDay => a * Math.Min(365, r.Policy.Amount.Periods ?? 365),
            _ => a,
        };
    }

    private static Truth T(double v) => v == 1 ? Truth.True : v == 0 ? Truth.False : Truth.Unknown;

    private static PolicyResult Explain(PolicyCatalog catalog, Policy p, double[] facts, double[] row, double[] outv, DateOnly date)
    {
        int off = catalog.Offsets[p.Index], n = p.Conditions.Count;
        var conditions = new ConditionResult[n];
        bool anyFalse = false, anyUnknown = false, placeFails = false;
        int falseCount = 0;
        for (int k = 0; k < n; k++)
        {
            var truth = T(outv[off + k]);
            var clause = p.Conditions[k];
            conditions[k] = new ConditionResult(clause, truth, truth == Truth.True ? "" : Actual(clause, row));
            if (truth == Truth.False) { anyFalse = true; falseCount++; if (clause.Automatic) placeFails = true; }
            else if (truth == Truth.Unknown) anyUnknown = true;
        }
        bool inForce = p.InForceOn(date);
        bool notYet = p.ValidFrom is { } vf && date < vf;

        if (!anyFalse && !anyUnknown)
        {
            double raw = outv[off + n];
            double amount = raw;
            var caps = new List<CapApplied>();
            var missing = new List<FactDef>();
            for (int j = 0; j < p.Caps.Count; j++)
            {
                double limit = outv[off + n + 1 + j];
                if (double.IsNaN(limit)) { Missing(p.Caps[j].Body, row, missing); continue; }
                if (limit < amount) { caps.Add(new CapApplied(p.Caps[j].Label, limit)); amount = limit; }
            }
            if (double.IsNaN(raw) || missing.Count > 0)
            {
                if (double.IsNaN(raw)) Missing(p.Amount.Body!, row, missing);
                return new PolicyResult(p, inForce ? Outcome.NeedsInfo : Outcome.Ineligible, conditions, null, double.IsNaN(raw) ? null : raw, null, caps,
                    missing.Distinct().ToList(), null, null, !inForce, null);
            }
            amount = Math.Round(amount, 2);
            double? total = p.Amount.Periods is int periods ? Math.Round(amount * periods, 2) : amount;
            if (inForce)
                return new PolicyResult(p, Outcome.Eligible, conditions, amount, raw, total, caps, [], null, null, false, null);
            if (notYet)
                return new PolicyResult(p, Outcome.Nearly, conditions, amount, raw, total, caps, [], p.ValidFrom,
                    $"政策自{p.ValidFrom:yyyy年M月d日}起施行", true, null);
            return new PolicyResult(p, Outcome.Ineligible, conditions, amount, raw, total, caps, [], null, null, true, null);
        }

        if (!anyFalse)
        {
            var missing = new List<FactDef>();
            foreach (var c in conditions.Where(c => c.Truth == Truth.Unknown)) Missing(c.Clause.Body!, row, missing);
            return new PolicyResult(p, inForce || notYet ? Outcome.NeedsInfo : Outcome.Ineligible, conditions, null, null, null, [],
                missing.Distinct().ToList(), null, null, !inForce, null);
        }

        // Some condition is false. Will time alone make it apply?
        if (!placeFails && !anyUnknown && (inForce || notYet) && conditions.Where(c => c.Truth == Truth.False).All(c => c.Clause.TimeDependent))
        {
            var on = WhenTimeFixes(catalog, p, facts, date, conditions);
            if (on is { } day)
            {
                var eligibleOn = p.ValidFrom is { } v && v > day ? v : day;
                if (p.EffectiveUntil is not { } until || eligibleOn <= until)
                    return new PolicyResult(p, Outcome.Nearly, conditions, null, null, null, [], [], eligibleOn,
                        $"{string.Join("；", conditions.Where(c => c.Truth == Truth.False).Select(c => c.Clause.Label))}：到{eligibleOn:yyyy年M月d日}即满足", !inForce, null);
            }
        }
        // "nearly": the person meets every condition but one, and the policy has at least two of its own
        // (a policy with a single condition that fails is simply not met).
        // A failing condition that depends on time but that time does not fix (an age limit passed) is final,
        // and so is one on a conferred fact (an honour, a certified category): nobody can simply supply it.
        var outcome = !placeFails && falseCount == 1 && !anyUnknown && inForce && conditions.Count(c => !c.Clause.Automatic) >= 2
            && conditions.Single(c => c.Truth == Truth.False).Clause is { TimeDependent: false } lacking && lacking.Facts.All(f => f.Suggest)
            ? Outcome.Nearly : Outcome.Ineligible;
        return new PolicyResult(p, outcome, conditions, null, null, null, [], [], null, null, !inForce, null);
    }

    /// <summary>The first day within the horizon on which every condition holds, found by bisection on the
    /// conditions that fail today (they only depend on time), then checked on all conditions.</summary>
    private static DateOnly? WhenTimeFixes(PolicyCatalog catalog, Policy p, double[] facts, DateOnly date, ConditionResult[] now)
    {
        int off = catalog.Offsets[p.Index], n = p.Conditions.Count;
        var failing = Enumerable.Range(0, n).Where(k => now[k].Truth == Truth.False).ToArray();
        var row = new double[facts.Length];
        var outv = new double[catalog.OutWidth];
        bool At(int day, bool all)
        {
            Array.Copy(facts, row, facts.Length);
            var pv = catalog.Parameters.Table.SnapshotAt(day);
            catalog.FillDefinitions(row, day, pv);
            catalog.Kernels[p.Index](row, day, pv, outv);
            if (all) { for (int k = 0; k < n; k++) if (outv[off + k] != 1) return false; return true; }
            foreach (var k in failing) if (outv[off + k] != 1) return false;
            return true;
        }
        int lo = date.DayNumber, hi = date.AddYears(HorizonYears).DayNumber;
        if (!At(hi, false)) return null;
        while (hi - lo > 1)
        {
            int mid = lo + (hi - lo) / 2;
            if (At(mid, false)) hi = mid; else lo = mid;
        }
        return At(hi, true) ? DateOnly.FromDayNumber(hi) : null;
    }

    private static void Missing(Bound b, double[] row, List<FactDef> missing)
    {
        var facts = new HashSet<FactDef>();
        BoundWalk.CollectFacts(b, facts);
        foreach (var f in facts)
        {
            bool unknown = f.Type.Base == BaseType.Set ? double.IsNaN(row[f.Slot]) : double.IsNaN(row[f.Slot]);
            if (unknown) missing.Add(f);
        }
    }

    /// <summary>"学历：本科；毕业时间：2019年7月1日" — the profile's values of the facts a condition reads.</summary>
    private static string Actual(Clause c, double[] row)
    {
        var sb = new StringBuilder();
        foreach (var f in c.Facts)
        {
            if (sb.Length > 0) sb.Append('；');
            sb.Append(f.Label).Append('：');
            if (f.Type.Base == BaseType.Set)
            {
                if (double.IsNaN(row[f.Slot])) sb.Append("未知");
                else
                {
                    var names = f.Type.Enum!.Members.Where(m => row[f.Slot + m.Index] == 1).Select(m => m.Label).ToList();
                    sb.Append(names.Count == 0 ? "无" : string.Join("、", names));
                }
            }
            else sb.Append(Renderer.Value(f.Type, row[f.Slot]));
        }
        return sb.ToString();
    }

    /// <summary>就高不重复: in each group only the highest eligible amount counts; the others are kept, marked and explained.</summary>
    private static void ApplyGroups(List<PolicyResult> results)
    {
        foreach (var g in results.Where(r => r.Outcome == Outcome.Eligible && r.Policy.Group != null).GroupBy(r => r.Policy.Group!.Id).ToList())
        {
            var members = g.ToList();
            if (members.Count < 2) continue;
            var winner = members.OrderByDescending(r => r.Total ?? r.Amount ?? 0).ThenBy(r => r.Policy.Index).First();
            foreach (var r in members.Where(r => r != winner))
            {
                int i = results.IndexOf(r);
                results[i] = r with { ExcludedByGroupNote = $"与“{winner.Policy.Title}”属于“{r.Policy.Group!.Title}”，就高不重复，按较高的 {Package.Money(winner.Total ?? winner.Amount ?? 0)} 元享受，本项不计入" };
            }
        }
    }
}
