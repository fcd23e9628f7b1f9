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
        var results = new List<PolicyResult>(catalog.Policies.Count);
        var texts = new Texts(catalog, row);
        foreach (var p in catalog.Policies)
        {
            if (!Applies(p.Applicant, profile.Kind)) continue;
            catalog.Kernels[p.Index](row, today, pv, outv);
            results.Add(Explain(catalog, p, profile.Values, row, outv, date, texts));
        }
        ApplyGroups(results);
        double total = 0, firstYear = 0;
        foreach (var r in results)
        {
            if (!r.Counted) continue;
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

    private static PolicyResult Explain(PolicyCatalog catalog, Policy p, double[] facts, double[] row, double[] outv, DateOnly date, Texts texts)
    {
        int off = catalog.Offsets[p.Index], n = p.Conditions.Count;
        // Working in another place decides it: the other conditions are not assessed (and not listed).
        if (n > 0 && p.Conditions[0].Automatic && outv[off] == 0)
        {
            var actual = texts.Actual(p.Conditions[0]);
            bool notInForce = !p.InForceOn(date);
            if (p.Elsewhere.TryGetValue((actual, notInForce), out var cached)) return cached;
            var result = new PolicyResult(p, Outcome.Ineligible, [new ConditionResult(p.Conditions[0], Truth.False, actual)],
                null, null, null, [], [], null, null, notInForce, null) { Shared = true };
            return p.Elsewhere.GetOrAdd((actual, notInForce), result);
        }
        var conditions = new ConditionResult[n];
        bool anyFalse = false, anyUnknown = false, placeFails = false;
        int falseCount = 0;
        for (int k = 0; k < n; k++)
        {
            var truth = T(outv[off + k]);
            var clause = p.Conditions[k];
            conditions[k] = new ConditionResult(clause, truth, truth == Truth.True ? "" : texts.Actual(clause));
            if (truth == Truth.False) { anyFalse = true; falseCount++; if (clause.Automatic) placeFails = true; }
            else if (truth == Truth.Unknown) anyUnknown = true;
        }
        bool inForce = p.InForceOn(date);
        bool notYet = p.ValidFrom is { } vf && date < vf;

        if (!anyFalse && !anyUnknown)
        {
            double raw = outv[off + n];
            double amount = raw;
            List<CapApplied> caps = [];
            List<FactDef>? missing = null;
            for (int j = 0; j < p.Caps.Count; j++)
            {
                double limit = outv[off + n + 1 + j];
                if (double.IsNaN(limit)) { Missing(p.Caps[j].Body, row, missing ??= []); continue; }
                if (limit < amount) { caps.Add(new CapApplied(p.Caps[j].Label, limit)); amount = limit; }
            }
            if (double.IsNaN(raw) || missing != null)
            {
                missing ??= [];
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
        bool allFailingTimed = true;
        int own = 0, lastFalse = -1;
        for (int k = 0; k < n; k++)
        {
            if (!conditions[k].Clause.Automatic) own++;
            if (conditions[k].Truth != Truth.False) continue;
            lastFalse = k;
            if (!conditions[k].Clause.TimeDependent) allFailingTimed = false;
        }
        if (!placeFails && !anyUnknown && (inForce || notYet) && allFailingTimed)
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
        var outcome = !placeFails && falseCount == 1 && !anyUnknown && inForce && own >= 2
            && conditions[lastFalse].Clause is { TimeDependent: false } lacking && lacking.Facts.All(f => f.Suggest)
            ? Outcome.Nearly : Outcome.Ineligible;
        double? potential = null;
        if (outcome == Outcome.Nearly)
        {
            double raw = outv[off + n];
            for (int j = 0; j < p.Caps.Count; j++) raw = Math.Min(raw, outv[off + n + 1 + j]);
            if (!double.IsNaN(raw)) potential = Math.Round(raw, 2);
        }
        return new PolicyResult(p, outcome, conditions, null, potential, null, [], [], null, null, !inForce, null);
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
        int lo = date.DayNumber;
        int hi = date.Year <= DateOnly.MaxValue.Year - HorizonYears ? date.AddYears(HorizonYears).DayNumber : DateOnly.MaxValue.DayNumber;
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
            if (double.IsNaN(row[f.Slot])) missing.Add(f); // a set fact is unknown when its first member slot is
        }
    }

    /// <summary>Per evaluation: the text of each fact's value and of each set of facts, each built at most once.</summary>
    private sealed class Texts(PolicyCatalog catalog, double[] row)
    {
        private readonly string?[] _bySet = new string?[catalog.FactSetCount];
        private readonly string?[] _byFact = new string?[catalog.Schema.SlotCount];

        /// <summary>"最高学历：本科；毕业时间：2019年7月1日" — the profile's values of the facts a condition reads.</summary>
        public string Actual(Clause c) => _bySet[c.FactSetId] ??= c.Facts.Count switch
        {
            0 => "",
            1 => Fact(c.Facts[0]),
            _ => string.Join("；", c.Facts.Select(Fact)),
        };

        private string Fact(FactDef f)
        {
            if (_byFact[f.Slot] is { } t) return t;
            string v;
            if (f.Type.Base == BaseType.Set)
            {
                if (double.IsNaN(row[f.Slot])) v = "未知";
                else
                {
                    var names = f.Type.Enum!.Members.Where(m => row[f.Slot + m.Index] == 1).Select(m => m.Label).ToList();
                    v = names.Count == 0 ? "无" : string.Join("、", names);
                }
            }
            else v = Renderer.Value(f.Type, row[f.Slot]);
            return _byFact[f.Slot] = f.Label + "：" + v;
        }
    }

    /// <summary>就高不重复: in each group only the highest eligible amount counts; the others are kept, marked and explained.</summary>
    private static void ApplyGroups(List<PolicyResult> results)
    {
        // A lower tier of a group whose higher tier is already held is not "nearly eligible": it would add nothing.
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            if (r is not { Outcome: Outcome.Nearly, EligibleOn: null, Policy.Group: { } group }) continue;
            PolicyResult? held = null;
            foreach (var x in results)
                if (x.Outcome == Outcome.Eligible && x.Policy.Group == group && (held == null || (x.Amount ?? 0) > (held.Amount ?? 0))) held = x;
            if (held != null && (r.UncappedAmount ?? 0) <= (held.Amount ?? 0))
                results[i] = r with
                {
                    Outcome = Outcome.Ineligible,
                    ExcludedByGroupNote = $"已符合同属“{group.Title}”的“{held.Policy.Title}”（{Package.Money(held.Amount ?? 0)}），就高不重复，本项不再提示",
                };
        }
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
