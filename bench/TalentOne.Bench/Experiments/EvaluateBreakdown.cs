using BenchmarkDotNet.Attributes;
using TalentOne.Policies.Batch;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;

namespace TalentOne.Bench.Experiments;

/// <summary>
/// EXPERIMENT (evidence for docs/performance.md, not a target figure): where a single-profile evaluation spends its
/// time, on the same 1,000 synthetic person profiles as RealCatalogSingleProfile.
/// <list type="bullet">
/// <item>Evaluate — the whole call (baseline), and Evaluate + PackageDto.From;</item>
/// <item>Evaluate + PackageDto.From over the SAME profiles sorted by work city: consecutive profiles then share the
/// engine's single-entry "works elsewhere" cache (Policy.ElsewhereCache), which mixed traffic keeps evicting;</item>
/// <item>rule kernels only — what Evaluate computes before explaining: clone the row, FillDefinitions, one compiled
/// kernel per person policy (engine internals, visible to this assembly);</item>
/// <item>PackageDto.From of an already computed package, with and without the ineligible policies;</item>
/// <item>the fused row kernel prototype (FusedRowKernel): eligibility + amounts of all policies in a few delegates;</item>
/// <item>SweepPlan.Run on a one-row population (the batch path used for one profile).</item>
/// </list>
/// GlobalSetup checks that the prototype finds exactly the policies Evaluate finds eligible, with the same amounts.
/// </summary>
[Config(typeof(BenchConfig))]
public class EvaluateBreakdown
{
    private RealCatalogFixture _f = null!;
    private ProfileRow[] _rows = null!, _byCity = null!;
    private Package[] _packages = null!;
    private Policy[] _persons = null!;
    private double[] _outv = null!, _pv = null!, _scratch = null!;
    private FusedRowKernel _fused = null!;
    private ulong[] _eligible = null!, _unknown = null!;
    private double[] _amounts = null!;
    private SweepPlan _plan = null!;
    private PopulationColumns _one = null!;
    private SweepResult _oneResult = null!;
    private int[] _usedSlots = null!;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _f = new RealCatalogFixture();
        var c = _f.Catalog;
        _rows = _f.Profiles.PersonRows(RealCatalogFixture.SampleSize);
        _packages = _rows.Select(r => Evaluator.Evaluate(c, r, _f.Date)).ToArray();
        int citySlot = c.Schema.Facts.TryGetValue("work.city", out var city) ? city.Slot : 0;
        _byCity = [.. _rows.OrderBy(r => double.IsNaN(r.Values[citySlot]) ? double.MaxValue : r.Values[citySlot])];
        _persons = c.Policies.Where(p => p.Applicant == Applicant.Person).ToArray();
        _outv = new double[c.OutWidth];
        _pv = c.Parameters.Table.SnapshotAt(_f.Date);
        _scratch = new double[c.RowWidth];
        _fused = new FusedRowKernel(c, _f.Date, Applicant.Person);
        int words = (c.Policies.Count + 63) / 64;
        _eligible = new ulong[words]; _unknown = new ulong[words]; _amounts = new double[c.Policies.Count];
        _plan = new SweepPlan(c, _f.Date, Applicant.Person);
        _usedSlots = [.. SweepPlan.UsedSlots(c)];
        _one = PopulationColumns.FromRows(c, [_rows[0].Values]);
        _oneResult = new SweepResult(1, c.Policies.Count);

        int checkedPairs = 0;
        for (int k = 0; k < _rows.Length; k++)
        {
            _fused.Evaluate(_rows[k].Values, _eligible, _unknown, _amounts);
            var ours = _packages[k].Results.ToDictionary(r => r.Policy.Index);
            foreach (var p in _fused.Policies)
            {
                var r = ours[p.Index];
                bool fusedEligible = (_eligible[p.Index >> 6] & (1UL << (p.Index & 63))) != 0;
                if (fusedEligible != (r.Outcome == Outcome.Eligible))
                    throw new InvalidOperationException($"fused kernel: {p.Id} eligible={fusedEligible}, Evaluate says {r.Outcome} (profile {k})");
                if (fusedEligible && Math.Round(_amounts[p.Index], 2) != r.Amount)
                    throw new InvalidOperationException($"fused kernel: {p.Id} amount {_amounts[p.Index]}, Evaluate {r.Amount} (profile {k})");
                checkedPairs++;
            }
        }
        Report.Line("breakdown", $"fused row kernel prototype agrees with Evaluate on {checkedPairs:N0} (profile, in-force policy) pairs; " +
            $"Evaluate per profile: {_packages.Average(p => p.Results.Count):F0} policy results, " +
            $"{_packages.Average(p => p.Results.Sum(r => r.Conditions.Count)):F1} condition results, " +
            $"{_packages.Average(p => p.Results.Sum(r => r.Conditions.Count(x => x.Actual.Length > 0))):F1} 'actual value' strings, " +
            $"{_packages.Average(p => p.Ineligible.Count()):F1} ineligible policies explained");
        Report.WaitForQuietMachine(nameof(EvaluateBreakdown));
    }

    [GlobalCleanup]
    public void Cleanup() => Report.MeasurementDone();

    private int Next() { int k = _i; _i = k + 1 == _rows.Length ? 0 : k + 1; return k; }

    [Benchmark(Baseline = true, Description = "Evaluate (whole call)")]
    public Package Evaluate() => Evaluator.Evaluate(_f.Catalog, _rows[Next()], _f.Date);

    [Benchmark(Description = "Evaluate + PackageDto.From")]
    public PackageDto EvaluateDto() => PackageDto.From(Evaluator.Evaluate(_f.Catalog, _rows[Next()], _f.Date));

    [Benchmark(Description = "Evaluate + PackageDto.From, same profiles sorted by work city")]
    public PackageDto EvaluateDtoSortedByCity() => PackageDto.From(Evaluator.Evaluate(_f.Catalog, _byCity[Next()], _f.Date));

    [Benchmark(Description = "rule kernels only (FillDefinitions + 88 per-policy kernels)")]
    public double Kernels()
    {
        var c = _f.Catalog;
        var src = _rows[Next()].Values;
        Array.Copy(src, _scratch, src.Length);
        double today = _f.Date.DayNumber;
        c.FillDefinitions(_scratch, today, _pv);
        foreach (var p in _persons) c.Kernels[p.Index](_scratch, today, _pv, _outv);
        return _outv[0];
    }

    [Benchmark(Description = "PackageDto.From (package already computed)")]
    public PackageDto Dto() => PackageDto.From(_packages[Next()]);

    [Benchmark(Description = "PackageDto.From, includeIneligible: false")]
    public PackageDto DtoWithoutIneligible() => PackageDto.From(_packages[Next()], includeIneligible: false);

    [Benchmark(Description = "fused row kernel prototype (eligibility + amounts)")]
    public double Fused()
    {
        _fused.Evaluate(_rows[Next()].Values, _eligible, _unknown, _amounts);
        return _amounts[0];
    }

    [Benchmark(Description = "SweepPlan.Run on a one-row population")]
    public void SweepOneRow()
    {
        var src = _rows[Next()].Values;
        foreach (var s in _usedSlots) _one.Set(s, 0, src[s]);
        _plan.Run(_one, _oneResult, 1);
    }
}
