using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TalentOne.Bench;

/// <summary>How many evaluations one benchmark operation performs (e.g. 20 rules × 1,000,000 persons), and of what.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class WorkPerOpAttribute(double evaluations, string unit) : Attribute
{
    public double Evaluations { get; } = evaluations;
    public string Unit { get; } = unit;
}

/// <summary>Throughput from the median: evaluations per op ÷ median time per op, in millions per second.</summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "M evals/s (median)";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Millions of evaluations (person×rule, or profiles for sweeps) per second, from the median time per operation";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var attr = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<WorkPerOpAttribute>()
                   ?? benchmarkCase.Descriptor.Type.GetCustomAttribute<WorkPerOpAttribute>();
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (attr == null || stats == null) return "-";
        return $"{attr.Evaluations / stats.Median * 1e3:N1} M {attr.Unit}/s";
    }
}

/// <summary>Few iterations (the machine has 2 cores and the whole suite must stay well under 15 minutes),
/// median and percentiles, memory, and the throughput column.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(9).WithId("1x3x9"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.P90, StatisticColumn.Min, StatisticColumn.Max, new ThroughputColumn());
        WithOption(ConfigOptions.JoinSummary, false);
    }
}

/// <summary>Figures computed outside BenchmarkDotNet's timed region (compile times, agreement checks, per-profile
/// latency percentiles, peak working set), written next to BenchmarkDotNet's own results and echoed to the log.</summary>
public static class Report
{
    public static string Directory
    {
        get
        {
            var dir = Path.Combine(Paths.Root, "BenchmarkDotNet.Artifacts", "results");
            System.IO.Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static void Line(string file, string text)
    {
        Console.WriteLine("// TalentOne: " + text);
        File.AppendAllText(Path.Combine(Directory, $"talentone-{file}.txt"), text + Environment.NewLine);
    }

    private static (long Busy, long Total)? CpuTicks()
    {
        try
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            long idle = f[3] + (f.Length > 4 ? f[4] : 0), total = f.Take(8).Sum();
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException) { return null; }
    }

    /// <summary>Share of the machine's CPU time (0–1) that was busy over <paramref name="ms"/> milliseconds, from
    /// /proc/stat (Linux; NaN elsewhere). Called while this process is idle, it measures everybody else.</summary>
    public static double BusyFraction(int ms = 1000)
    {
        var a = CpuTicks();
        Thread.Sleep(ms);
        var b = CpuTicks();
        if (a is not { } x || b is not { } y || y.Total == x.Total) return double.NaN;
        return (double)(y.Busy - x.Busy) / (y.Total - x.Total);
    }

    /// <summary>The benchmark this BenchmarkDotNet child process runs (from its --benchmarkName argument).</summary>
    public static string BenchmarkName(string fallback)
    {
        var a = Environment.GetCommandLineArgs();
        int i = Array.IndexOf(a, "--benchmarkName");
        return i >= 0 && i + 1 < a.Length ? a[i + 1].Replace("TalentOne.Bench.", "") : fallback;
    }

    private static (long Busy, long Total, TimeSpan Own, string Name)? _probe;

    /// <summary>Other work on this 2-core machine (builds, tests of other sessions) distorts every figure, the 2-thread
    /// ones most. Before a benchmark process starts measuring, wait (up to <paramref name="maxSeconds"/>) until the
    /// machine has been quiet for a second, record what the background load was, and start watching it.</summary>
    public static void WaitForQuietMachine(string benchmark, double threshold = 0.10, int maxSeconds = 120)
    {
        benchmark = BenchmarkName(benchmark);
        var sw = Stopwatch.StartNew();
        double busy;
        while ((busy = BusyFraction()) > threshold && sw.Elapsed.TotalSeconds < maxSeconds) { }
        var text = $"{benchmark}: background CPU {(double.IsNaN(busy) ? "n/a" : $"{busy:P0}")} of the machine when measurement started" +
                   (sw.Elapsed.TotalSeconds > 1.5 ? $" (waited {sw.Elapsed.TotalSeconds:F0} s for other processes)" : "") +
                   (busy > threshold ? " — STILL BUSY, figures may be pessimistic" : "");
        Line("load", text);
        using var me = Process.GetCurrentProcess();
        _probe = CpuTicks() is { } t ? (t.Busy, t.Total, me.TotalProcessorTime, benchmark) : null;
    }

    /// <summary>At the end of a benchmark process: how much CPU other processes used while it measured
    /// (machine busy time minus this process's own CPU time).</summary>
    public static void MeasurementDone()
    {
        if (_probe is not { } p || CpuTicks() is not { } t || t.Total == p.Total) return;
        using var me = Process.GetCurrentProcess();
        double machineSeconds = (t.Total - p.Total) / 100.0, busySeconds = (t.Busy - p.Busy) / 100.0; // USER_HZ = 100
        double own = (me.TotalProcessorTime - p.Own).TotalSeconds;
        double others = Math.Max(0, busySeconds - own) / machineSeconds;
        Line("load", $"{p.Name}: other processes used {others:P0} of the machine while it measured" + (others > 0.10 ? " — DISTURBED, rerun for clean figures" : ""));
        _probe = null;
    }

    public static double PeakWorkingSetMb()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.PeakWorkingSet64 / 1048576.0;
    }

    public static double WorkingSetMb() => Environment.WorkingSet / 1048576.0;

    /// <summary>p50/p90/p99 of per-call latencies (µs), measured call by call with the Stopwatch.</summary>
    public static string Percentiles(List<double> microseconds)
    {
        microseconds.Sort();
        double P(double q) => microseconds[Math.Min(microseconds.Count - 1, (int)(q * microseconds.Count))];
        return $"p50 {P(0.50):F2} µs, p90 {P(0.90):F2} µs, p99 {P(0.99):F2} µs, mean {microseconds.Average():F2} µs over {microseconds.Count:N0} calls";
    }

    /// <summary>Calls <paramref name="call"/>(0..n−1) ten times over, timing each call: the distribution across inputs.</summary>
    public static string PerCall(Action<int> call, int n, int rounds = 10)
    {
        for (int k = 0; k < n; k++) call(k);
        var lat = new List<double>(n * rounds);
        for (int round = 0; round < rounds; round++)
            for (int k = 0; k < n; k++)
            {
                long t0 = Stopwatch.GetTimestamp();
                call(k);
                lat.Add(TicksToMicroseconds(Stopwatch.GetTimestamp() - t0));
            }
        return Percentiles(lat);
    }

    public static double TicksToMicroseconds(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
