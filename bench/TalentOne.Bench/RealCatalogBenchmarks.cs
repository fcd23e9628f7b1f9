using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using TalentOne.Policies.Batch;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;
using TalentOne.Policies.Schema;

namespace TalentOne.Bench;

/// <summary>The real catalog (catalog/) and synthetic profiles for it, as every real-catalog benchmark uses them.</summary>
public sealed class RealCatalogFixture
{
    public const int SampleSize = 1000;
    public PolicyCatalog Catalog { get; }
    public double LoadMs { get; }
    public DateOnly Date { get; } = SyntheticProfiles.DefaultDate;
    public SyntheticProfiles Profiles { get; }

    public RealCatalogFixture(bool fullyKnown = false)
    {
        var sw = Stopwatch.StartNew();
        Catalog = CatalogLoader.Load(Paths.Catalog);
        LoadMs = sw.Elapsed.TotalMilliseconds;
        Profiles = new SyntheticProfiles(Catalog, Date, fullyKnown: fullyKnown);
    }

    /// <summary>Indexes of the first <paramref name="count"/> person profiles of the stream.</summary>
    public long[] PersonIndexes(int count, long start = 0) => Profiles.PersonIndexes(count, start);

    public string Describe() =>
        $"catalog: {Catalog.Policies.Count} policies ({Catalog.Policies.Count(p => p.Applicant == Applicant.Person)} for persons, " +
        $"{Catalog.Policies.Count(p => p.InForceOn(Date))} in force on {Date:yyyy-MM-dd}), {Catalog.Schema.FactList.Count} facts, " +
        $"{Catalog.Schema.SlotCount} slots, {Catalog.Definitions.Count} definitions; version {Catalog.Version[..Math.Min(12, Catalog.Version.Length)]}; load+compile {LoadMs:F0} ms; " +
        $"generator: {(Profiles.GenericFacts.Count == 0 ? "every fact modelled by name" : $"{Profiles.GenericFacts.Count} facts filled generically by type ({string.Join(", ", Profiles.GenericFacts)})")}";
}

/// <summary>
/// One profile, real catalog, full explanations: Evaluator.Evaluate from a parsed ProfileRow ("evaluate"), plus the
/// explanation DTO (PackageDto.From, "evaluate + DTO"), ProfileReader.Read (JSON → ProfileRow) on its own, and the
/// whole request path JSON → DTO. Each operation takes the next of 1,000 synthetic person profiles (cycled).
/// BenchmarkDotNet's Median is the median over iterations of the mean per call; the per-call p50/p90/p99 across
/// profiles is measured after the iterations (GlobalCleanup) and written to talentone-single-profile.txt.
/// </summary>
[Config(typeof(BenchConfig))]
public class RealCatalogSingleProfile
{
    private RealCatalogFixture _f = null!;
    private ProfileRow[] _rows = null!;
    private string[] _json = null!;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _f = new RealCatalogFixture();
        var idx = _f.PersonIndexes(RealCatalogFixture.SampleSize);
        _rows = idx.Select(_f.Profiles.Row).ToArray();
        _json = idx.Select(_f.Profiles.Json).ToArray();
        var c = _f.Catalog;

        // the JSON an applicant would send reads back to exactly the generated row
        for (int k = 0; k < _rows.Length; k++)
        {
            var back = ProfileReader.Read(c, _json[k], _f.Date);
            for (int s = 0; s < c.Schema.SlotCount; s++)
                if (!back.Values[s].Equals(_rows[k].Values[s]))
                    throw new InvalidOperationException($"profile {idx[k]}: slot {s} reads back as {back.Values[s]}, generated {_rows[k].Values[s]}\n{_json[k]}");
        }

        // what the sample looks like
        var outcomes = new Dictionary<Outcome, long>();
        int withEligible = 0, policies = 0;
        foreach (var row in _rows)
        {
            var p = Evaluator.Evaluate(c, row, _f.Date);
            policies += p.Results.Count;
            foreach (var r in p.Results) outcomes[r.Outcome] = outcomes.GetValueOrDefault(r.Outcome) + 1;
            if (p.Eligible.Any()) withEligible++;
        }
        Report.Line("single-profile", _f.Describe());
        Report.Line("single-profile", $"sample: {_rows.Length} person profiles, avg JSON {_json.Average(j => j.Length):F0} chars, " +
            $"{_rows.Average(r => r.Values.Take(c.Schema.SlotCount).Count(v => !double.IsNaN(v))):F1} known slots of {c.Schema.SlotCount}; " +
            $"{policies / _rows.Length} policies evaluated per profile; outcomes per profile: " +
            string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value / (double)_rows.Length:F2}")) +
            $"; {withEligible} of {_rows.Length} profiles have at least one eligible policy");
        Report.WaitForQuietMachine(nameof(RealCatalogSingleProfile));
    }

    private string _ran = "";
    private Dictionary<string, Action<int>> Calls() => new()
    {
        [nameof(Read)] = k => ProfileReader.Read(_f.Catalog, _json[k], _f.Date),
        [nameof(Evaluate)] = k => Evaluator.Evaluate(_f.Catalog, _rows[k], _f.Date),
        [nameof(EvaluateDto)] = k => PackageDto.From(Evaluator.Evaluate(_f.Catalog, _rows[k], _f.Date)),
        [nameof(JsonToDto)] = k => PackageDto.From(Evaluator.Evaluate(_f.Catalog, ProfileReader.Read(_f.Catalog, _json[k], _f.Date), _f.Date)),
    };

    /// <summary>After BenchmarkDotNet's iterations (everything hot): the per-call latency distribution across the
    /// 1,000 profiles of the operation this process measured, call by call.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Report.MeasurementDone();
        if (!Calls().TryGetValue(_ran, out var call)) return;
        Report.Line("single-profile", $"per-call latency across profiles, {_ran}: {Report.PerCall(call, _rows.Length)}");
    }

    private int Next() { int k = _i; _i = k + 1 == _rows.Length ? 0 : k + 1; return k; }

    [Benchmark(Description = "ProfileReader.Read (JSON → ProfileRow)")]
    public ProfileRow Read() { _ran = nameof(Read); return ProfileReader.Read(_f.Catalog, _json[Next()], _f.Date); }

    [Benchmark(Baseline = true, Description = "Evaluate (ProfileRow → Package)")]
    public Package Evaluate() { _ran = nameof(Evaluate); return Evaluator.Evaluate(_f.Catalog, _rows[Next()], _f.Date); }

    [Benchmark(Description = "Evaluate + PackageDto.From")]
    public PackageDto EvaluateDto() { _ran = nameof(EvaluateDto); return PackageDto.From(Evaluator.Evaluate(_f.Catalog, _rows[Next()], _f.Date)); }

    [Benchmark(Description = "JSON → Read → Evaluate → DTO")]
    public PackageDto JsonToDto()
    {
        _ran = nameof(JsonToDto);
        int k = Next();
        return PackageDto.From(Evaluator.Evaluate(_f.Catalog, ProfileReader.Read(_f.Catalog, _json[k], _f.Date), _f.Date));
    }
}

/// <summary>
/// 1,000,000 synthetic profiles (90 % persons, 10 % enterprises/organisations) against the whole catalog: the person
/// plan over the persons and the enterprise plan over the enterprises and organisations, SweepPlan.Run on 2 threads
/// (and 1 for reference). Generation and column building happen in GlobalSetup, outside the timed region; SweepPlan
/// compile times, the population's size and the process peak working set go to talentone-sweep.txt.
/// </summary>
[Config(typeof(BenchConfig))]
[WorkPerOp(N, "profiles")]
public class RealCatalogSweep
{
    public const int N = 1_000_000;
    private RealCatalogFixture _f = null!;
    private SyntheticProfiles.Population _pop = null!;
    private SweepPlan _personPlan = null!, _orgPlan = null!;
    private SweepResult _personResult = null!, _orgResult = null!;

    [GlobalSetup]
    public void Setup()
    {
        _f = new RealCatalogFixture();
        var sw = Stopwatch.StartNew();
        _pop = _f.Profiles.Columns(N);
        double genMs = sw.Elapsed.TotalMilliseconds;
        double wsAfterGen = Report.WorkingSetMb();
        sw.Restart();
        _personPlan = new SweepPlan(_f.Catalog, _f.Date, Applicant.Person);
        double personCompile = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        _orgPlan = new SweepPlan(_f.Catalog, _f.Date, Applicant.Enterprise);
        double orgCompile = sw.Elapsed.TotalMilliseconds;
        _personResult = new SweepResult(_pop.Persons.Count, _f.Catalog.Policies.Count);
        _orgResult = new SweepResult(_pop.Organisations.Count, _f.Catalog.Policies.Count);
        Sweep(2);
        var r1 = Snapshot();
        Sweep(1);
        if (Snapshot() != r1) throw new InvalidOperationException("1-thread and 2-thread sweeps disagree");

        Report.Line("sweep", _f.Describe());
        Report.Line("sweep", $"population: {_pop.Persons.Count:N0} persons × {_pop.PersonSlots.Length} columns, {_pop.Organisations.Count:N0} enterprises/organisations × " +
            $"{_pop.OrganisationSlots.Length} columns = {_pop.ColumnBytes / 1048576.0:F0} MB of columns (yes/no, enum and set-member slots as bytes, numbers and dates as doubles); generated in {genMs:F0} ms (outside the timed region); " +
            $"working set after generation {wsAfterGen:F0} MB");
        var types = SyntheticProfiles.SlotTypes(_f.Catalog.Schema, _pop.PersonSlots);
        int narrow = types.Where(t => t.Key is BaseType.Bool or BaseType.Enum or BaseType.Set).Sum(t => t.Value);
        int wide = _pop.PersonSlots.Length - narrow;
        var ot = SyntheticProfiles.SlotTypes(_f.Catalog.Schema, _pop.OrganisationSlots);
        int oNarrow = ot.Where(t => t.Key is BaseType.Bool or BaseType.Enum or BaseType.Set).Sum(t => t.Value);
        long narrowBytes = (long)_pop.Persons.Count * (narrow + 4L * wide) + (long)_pop.Organisations.Count * (oNarrow + 4L * (_pop.OrganisationSlots.Length - oNarrow));
        Report.Line("sweep", $"person columns by type: {string.Join(", ", types.OrderBy(t => t.Key).Select(t => $"{t.Key} {t.Value}"))}; " +
            $"with 1-byte bool/enum/set-member columns and 4-byte number/date columns the same population would take {narrowBytes / 1048576.0:F0} MB instead of {_pop.ColumnBytes / 1048576.0:F0} MB");
        Report.Line("sweep", $"SweepPlan compile: persons {personCompile:F0} ms ({_personPlan.Policies.Count} policies, CompileTime {_personPlan.CompileTime.TotalMilliseconds:F0} ms), " +
            $"enterprises {orgCompile:F0} ms ({_orgPlan.Policies.Count} policies)");
        Report.Line("sweep", $"result: {r1}");
        Report.WaitForQuietMachine(nameof(RealCatalogSweep));
    }

    private string Snapshot()
    {
        long pe = _personResult.EligibleCount.Sum(), oe = _orgResult.EligibleCount.Sum();
        double total = _personResult.Total.Sum() + _orgResult.Total.Sum();
        long unknown = 0;
        foreach (var u in _personResult.Unknown) unknown += System.Numerics.BitOperations.PopCount(u);
        foreach (var u in _orgResult.Unknown) unknown += System.Numerics.BitOperations.PopCount(u);
        return $"{pe:N0} eligible (person, policy) pairs, {oe:N0} eligible (enterprise, policy) pairs, {unknown:N0} unknown pairs, total {total:N0} 元";
    }

    private void Sweep(int threads)
    {
        _personPlan.Run(_pop.Persons, _personResult, threads);
        _orgPlan.Run(_pop.Organisations, _orgResult, threads);
    }

    [Benchmark(Description = "SweepPlan.Run, 1M profiles, 2 threads")]
    public void Sweep_2Threads() => Sweep(2);

    [Benchmark(Baseline = true, Description = "SweepPlan.Run, 1M profiles, 1 thread")]
    public void Sweep_1Thread() => Sweep(1);

    [GlobalCleanup]
    public void Cleanup()
    {
        Report.MeasurementDone();
        Report.Line("sweep", $"process {Environment.ProcessId}: peak working set {Report.PeakWorkingSetMb():F0} MB, working set {Report.WorkingSetMb():F0} MB, " +
            $"GC heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB, allocated over the process lifetime {GC.GetTotalAllocatedBytes() / 1048576.0:F0} MB");
    }
}
