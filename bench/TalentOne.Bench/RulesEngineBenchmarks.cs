using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using RulesEngine.Models;
using TalentOne.Policies.Batch;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;

namespace TalentOne.Bench;

/// <summary>
/// The .NET peer: the same real catalog translated to Microsoft RulesEngine 6.0.1 (RulesEngineTranslator: one rule per
/// policy, one workflow per kind of applicant), one profile per operation through ExecuteAllRulesAsync, against our
/// Evaluator.Evaluate on the same 1,000 synthetic person profiles in the same run (Ratio = time ÷ Evaluate's).
/// GlobalSetup first checks on 1,000 fully-known profiles that both engines find the same policies eligible with the
/// same amounts (and that the batch path agrees with Evaluate), and writes the mismatch counts, RulesEngine's compile
/// time and per-call percentiles to talentone-rulesengine.txt. The batch path over the same profiles is included per
/// profile (eligibility + amounts, like RulesEngine, but no explanations).
/// </summary>
[Config(typeof(BenchConfig))]
public class RulesEnginePeer
{
    private RealCatalogFixture _f = null!;
    private global::RulesEngine.RulesEngine _re = null!;
    private ProfileRow[] _rows = null!;
    private RuleParameter[][] _inputs = null!;
    private SweepPlan _plan = null!;
    private PopulationColumns _columns = null!;
    private SweepResult _result = null!;
    private Decision _decision = null!;
    private int _i;

    private static List<RuleResultTree> Run(global::RulesEngine.RulesEngine re, string workflow, RuleParameter[] input)
    {
        var vt = re.ExecuteAllRulesAsync(workflow, input);
        return vt.IsCompletedSuccessfully ? vt.Result : vt.AsTask().GetAwaiter().GetResult();
    }

    private RuleParameter[] Input(ProfileRow row) =>
        [new RuleParameter("input1", new ReInput(row.Values, _f.Date.DayNumber, _f.Catalog.Parameters.Table.SnapshotAt(_f.Date)))];

    [GlobalSetup]
    public void Setup()
    {
        _f = new RealCatalogFixture();
        var c = _f.Catalog;
        var tr = new RulesEngineTranslator(c);
        _plan = new SweepPlan(c, _f.Date, Applicant.Person);
        _decision = new Decision((c.Policies.Count + 63) / 64, c.Policies.Count);

        var sw = Stopwatch.StartNew();
        var workflows = tr.Workflows();
        double translateMs = sw.Elapsed.TotalMilliseconds;
        // RulesEngine parses and compiles a workflow's rules on its first execution. Warm its own code up first on
        // the enterprise workflow, then time a fresh engine's first execution of each person workflow.
        var settings = RulesEngineTranslator.Settings();
        var probe = _f.Profiles.Row(_f.PersonIndexes(1)[0]);
        Run(new global::RulesEngine.RulesEngine([workflows[2]], settings), RulesEngineTranslator.EnterpriseWorkflow, Input(probe));
        sw.Restart();
        _re = new global::RulesEngine.RulesEngine(workflows, settings);
        Run(_re, RulesEngineTranslator.PersonWorkflow, Input(probe));
        double compileMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        Run(_re, RulesEngineTranslator.PersonEligibilityWorkflow, Input(probe));
        double compileEligMs = sw.Elapsed.TotalMilliseconds;
        Report.Line("rulesengine", _f.Describe());
        Report.Line("rulesengine", $"translation of {c.Policies.Count} policies to RulesEngine rules {translateMs:F1} ms; RulesEngine compile (first execution) of the " +
            $"{tr.PersonPolicies.Count}-rule person workflow with amount actions {compileMs:F0} ms, then the eligibility-only workflow {compileEligMs:F0} ms " +
            "(same expressions, found in RulesEngine's compiled-expression cache); " +
            $"TalentOne catalog load + compile {_f.LoadMs:F0} ms, person SweepPlan compile {_plan.CompileTime.TotalMilliseconds:F0} ms");

        // ---- agreement: fully-known profiles, then realistic ones where the facts a policy reads are known ----
        var full = new SyntheticProfiles(c, _f.Date, fullyKnown: true);
        var fullRows = full.PersonRows(RealCatalogFixture.SampleSize);
        var (pairs, condMismatch, amountMismatch, exceptions, eligible, details) = Compare(tr, fullRows, requireKnown: false);
        Report.Line("rulesengine", $"agreement on {fullRows.Length} fully-known person profiles × {tr.PersonPolicies.Count} policies = {pairs:N0} pairs " +
            $"({eligible:N0} eligible): eligibility mismatches {condMismatch}, amount mismatches {amountMismatch}, RulesEngine exceptions {exceptions}");
        foreach (var d in details.Take(10)) Report.Line("rulesengine", "  mismatch: " + d);
        if (condMismatch + amountMismatch + exceptions > 0)
            throw new InvalidOperationException($"RulesEngine translation disagrees with Evaluator on fully-known profiles: {condMismatch} eligibility, {amountMismatch} amount mismatches, {exceptions} exceptions");

        var idx = _f.PersonIndexes(RealCatalogFixture.SampleSize);
        _rows = idx.Select(_f.Profiles.Row).ToArray();
        var (rpairs, rcond, ramount, rexc, relig, rdetails) = Compare(tr, _rows, requireKnown: true);
        Report.Line("rulesengine", $"agreement on the {_rows.Length} realistic benchmark profiles, pairs whose facts are all known: {rpairs:N0} ({relig:N0} eligible): " +
            $"eligibility mismatches {rcond}, amount mismatches {ramount}, exceptions {rexc}");
        foreach (var d in rdetails.Take(5)) Report.Line("rulesengine", "  mismatch: " + d);

        _inputs = _rows.Select(Input).ToArray();
        _columns = PopulationColumns.FromRows(c, _rows.Select(r => r.Values).ToList());
        _result = new SweepResult(_rows.Length, c.Policies.Count);
        _plan.Run(_columns, _result, 1);
        for (int k = 0; k < _rows.Length; k++)
        {
            var ourEligible = Evaluator.Evaluate(c, _rows[k], _f.Date).Eligible.Select(r => r.Policy.Index).ToHashSet();
            foreach (var p in _plan.Policies)
                if (_result.IsEligible(k, p.Index) != ourEligible.Contains(p.Index))
                    throw new InvalidOperationException($"batch path and Evaluate disagree on {p.Id} for profile {k}");
        }
        Report.WaitForQuietMachine(nameof(RulesEnginePeer));
    }

    private string _ran = "";

    /// <summary>After BenchmarkDotNet's iterations: the per-call latency distribution across the 1,000 profiles.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Report.MeasurementDone();
        var c = _f.Catalog;
        Action<int>? call = _ran switch
        {
            nameof(TalentOne_Evaluate) => k => Evaluator.Evaluate(c, _rows[k], _f.Date),
            nameof(TalentOne_EvaluateDto) => k => PackageDto.From(Evaluator.Evaluate(c, _rows[k], _f.Date)),
            nameof(TalentOne_Decide) => k => _plan.Decide(_rows[k].Values, _decision),
            nameof(RulesEngine_Amounts) => k => Run(_re, RulesEngineTranslator.PersonWorkflow, _inputs[k]),
            nameof(RulesEngine_EligibilityOnly) => k => Run(_re, RulesEngineTranslator.PersonEligibilityWorkflow, _inputs[k]),
            _ => null,
        };
        if (call != null) Report.Line("rulesengine", $"per-call latency across profiles, {_ran}: {Report.PerCall(call, _rows.Length)}");
    }

    private (long Pairs, int Cond, int Amount, int Exceptions, long Eligible, List<string> Details) Compare(RulesEngineTranslator tr, ProfileRow[] rows, bool requireKnown)
    {
        var c = _f.Catalog;
        var reads = tr.PersonPolicies.ToDictionary(p => p.Id, p => SyntheticProfiles.SlotsReadBy(c, [p]).ToArray());
        long pairs = 0, eligible = 0; int cond = 0, amount = 0, exceptions = 0;
        var details = new List<string>();
        foreach (var row in rows)
        {
            var ours = Evaluator.Evaluate(c, row, _f.Date).Results.ToDictionary(r => r.Policy.Id);
            var theirs = Run(_re, RulesEngineTranslator.PersonWorkflow, Input(row));
            foreach (var t in theirs)
            {
                var id = t.Rule.RuleName;
                if (requireKnown && reads[id].Any(s => double.IsNaN(row.Values[s]))) continue;
                pairs++;
                if (!string.IsNullOrEmpty(t.ExceptionMessage) || t.ActionResult?.Exception != null)
                {
                    exceptions++;
                    details.Add($"{id}: {t.ExceptionMessage}{t.ActionResult?.Exception?.Message}");
                    continue;
                }
                var o = ours[id];
                bool ourEligible = !o.NotInForce && o.Conditions.All(x => x.Truth == Truth.True);
                if (ourEligible != t.IsSuccess)
                {
                    cond++;
                    details.Add($"{id}: TalentOne {o.Outcome} (conditions {string.Join(",", o.Conditions.Select(x => x.Truth))}), RulesEngine {(t.IsSuccess ? "success" : "failure")}");
                    continue;
                }
                if (!ourEligible) continue;
                eligible++;
                double re = Convert.ToDouble(t.ActionResult?.Output ?? double.NaN);
                bool same = o.Amount is double a ? Math.Round(re, 2) == a : double.IsNaN(re);
                if (!same) { amount++; details.Add($"{id}: amount TalentOne {o.Amount?.ToString() ?? "unknown"}, RulesEngine {re}"); }
            }
        }
        return (pairs, cond, amount, exceptions, eligible, details);
    }

    private int Next() { int k = _i; _i = k + 1 == _rows.Length ? 0 : k + 1; return k; }

    [Benchmark(Baseline = true, Description = "TalentOne Evaluate (full explanations)")]
    public Package TalentOne_Evaluate() { _ran = nameof(TalentOne_Evaluate); return Evaluator.Evaluate(_f.Catalog, _rows[Next()], _f.Date); }

    [Benchmark(Description = "TalentOne Evaluate + PackageDto.From")]
    public PackageDto TalentOne_EvaluateDto() { _ran = nameof(TalentOne_EvaluateDto); return PackageDto.From(Evaluator.Evaluate(_f.Catalog, _rows[Next()], _f.Date)); }

    /// <summary>Per profile: the batch path over the same 1,000 profiles (eligibility + amounts, no explanations).</summary>
    [Benchmark(OperationsPerInvoke = RealCatalogFixture.SampleSize, Description = "TalentOne batch path, per profile (1,000 per call)")]
    public void TalentOne_BatchPerProfile() => _plan.Run(_columns, _result, 1);

    [Benchmark(Description = "TalentOne SweepPlan.Decide, one profile (eligibility + amounts)")]
    public Decision TalentOne_Decide() { _ran = nameof(TalentOne_Decide); _plan.Decide(_rows[Next()].Values, _decision); return _decision; }

    [Benchmark(Description = "RulesEngine 6.0.1, eligibility + amounts")]
    public List<RuleResultTree> RulesEngine_Amounts() { _ran = nameof(RulesEngine_Amounts); return Run(_re, RulesEngineTranslator.PersonWorkflow, _inputs[Next()]); }

    [Benchmark(Description = "RulesEngine 6.0.1, eligibility only")]
    public List<RuleResultTree> RulesEngine_EligibilityOnly() { _ran = nameof(RulesEngine_EligibilityOnly); return Run(_re, RulesEngineTranslator.PersonEligibilityWorkflow, _inputs[Next()]); }
}
