using System.Diagnostics;
using BenchmarkDotNet.Running;
using TalentOne.Bench;

if (args is ["peer", ..])
{
    // The peer protocol of peer-workload.md §7: one cold pass, warm-up on the first 10,000, then timed passes.
    string file = args.Length > 1 ? args[1] : "bench/data/persons.bin";
    int n = args.Length > 2 ? int.Parse(args[2]) : 1_000_000;
    int threads = args.Length > 3 ? int.Parse(args[3]) : 1;
    var run = new PeerRun(Paths.PeerCatalog, file, n);
    var sw = Stopwatch.StartNew();
    run.Evaluate(threads);
    Console.WriteLine($"compile {run.CompileMs:F1} ms, prep {run.PrepMs:F1} ms, cold {sw.Elapsed.TotalMilliseconds:F1} ms; {run.Verify()}");
    var times = new List<double>();
    for (int r = 0; r < 9; r++) { sw.Restart(); run.Evaluate(threads); times.Add(sw.Elapsed.TotalMilliseconds); }
    times.Sort();
    double median = times[4];
    Console.WriteLine($"threads {threads}: median {median:F1} ms per pass over {n:N0} → {n * 20.0 / median / 1000:F0} M person×rule/s");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Paths).Assembly).Run(args);

namespace TalentOne.Bench
{
    public static class Paths
    {
        public static string Root { get; } = FindRoot();
        public static string PeerCatalog => Path.Combine(Root, "bench", "peer-catalog");
        public static string Catalog => Path.Combine(Root, "catalog");
        public static string PeerPopulationFile => Path.Combine(Root, "bench", "data", "persons.bin");

        private static string FindRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "TalentOne.sln"))) return d.FullName;
            for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "TalentOne.sln"))) return d.FullName;
            throw new InvalidOperationException("run from inside the TalentOne repository");
        }
    }
}
