using BenchmarkDotNet.Attributes;

namespace TalentOne.Bench;

/// <summary>
/// The standard peer workload (../shared/bench/peer-workload.md): 20 rules × 1,000,000 persons per operation, through
/// our batch path (bench/peer-catalog compiled by SweepPlan) at 1 and 2 threads, and the hand-written C# loop over the
/// raw arrays (the "practical limit" the peers are compared with), re-measured in the same run. Every variant is checked
/// against the answer key in GlobalSetup and the run stops if one does not match.
/// </summary>
[Config(typeof(BenchConfig))]
[WorkPerOp(20.0 * N, "person×rule")]
public class PeerWorkload
{
    public const int N = 1_000_000;
    private PeerRun _run = null!;
    private HandLoop _hand = null!;

    [GlobalSetup]
    public void Setup()
    {
        var file = Paths.PeerPopulationFile;
        if (!File.Exists(file)) throw new FileNotFoundException($"{file} is missing: run bench/run.sh (it generates it with ../shared/bench/peer-population)");
        _run = new PeerRun(Paths.PeerCatalog, file, N);
        foreach (var threads in new[] { 1, 2 })
        {
            _run.Evaluate(threads);
            var v = _run.Verify();
            if (v != "matches the answer key") throw new InvalidOperationException($"batch path, {threads} thread(s): {v}");
        }
        _hand = new HandLoop(PeerPopulation.Load(file, N));
        foreach (var threads in new[] { 1, 2 })
        {
            _hand.Run(threads);
            var v = _hand.Verify();
            if (v.Length > 0) throw new InvalidOperationException($"hand-written loop, {threads} thread(s): {v}");
        }
        Report.Line("peer", $"peer workload: batch path and hand-written loop match the answer key at 1 and 2 threads; " +
                            $"SweepPlan compile (catalog load + plan) {_run.CompileMs:F1} ms, prep (columns) {_run.PrepMs:F1} ms");
        Report.WaitForQuietMachine(nameof(PeerWorkload));
    }

    [GlobalCleanup]
    public void Cleanup() => Report.MeasurementDone();

    [Benchmark(Baseline = true, Description = "Hand-written C# loop, 1 thread")]
    public long HandLoop_1Thread() => _hand.Run(1);

    [Benchmark(Description = "TalentOne batch path, 1 thread")]
    public long Batch_1Thread() => _run.Evaluate(1);

    [Benchmark(Description = "TalentOne batch path, 2 threads")]
    public long Batch_2Threads() => _run.Evaluate(2);

    [Benchmark(Description = "Hand-written C# loop, 2 threads")]
    public long HandLoop_2Threads() => _hand.Run(2);
}
