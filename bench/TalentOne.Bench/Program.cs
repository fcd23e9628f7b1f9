using System.Diagnostics;
using BenchmarkDotNet.Running;
using TalentOne.Bench;

if (args is ["registry-sweep", ..])
{
    // The registry's eligibility sweep end to end on a throwaway PostgreSQL (see RegistrySweep.cs; not part of run.sh's default set).
    await RegistrySweepBench.RunAsync(args);
    return;
}
if (args is ["ledger", ..])
{
    // The tamper-evident ledger: bulk append with the signer running, then full verification (see LedgerBench.cs).
    await LedgerBench.RunAsync(args);
    return;
}
if (args is ["cases-http", ..])
{
    // 一件事 submissions through the HTTP API of the real web host on a throwaway PostgreSQL (see CasesHttp.cs).
    Environment.ExitCode = await CasesHttpBench.RunAsync(args);
    return;
}
if (args is ["registry-sweep-child", ..])
{
    await RegistrySweepBench.ChildRunAsync(args);
    return;
}
if (args is ["peer", ..])
{
    // The peer protocol of peer-workload.md §7: one cold pass, warm-up on the first 10,000, then timed passes.
    string file = args.Length > 1 ? args[1] : "bench/data/persons.bin";
    int n = args.Length > 2 ? int.Parse(args[2]) : 1_000_000;
    int threads = args.Length > 3 ? int.Parse(args[3]) : 1;
    var run = new PeerRun(Paths.PeerCatalog, file, n);
    Report.WaitForQuietMachine($"peer protocol, {threads} thread(s)");
    var sw = Stopwatch.StartNew();
    run.Evaluate(threads);
    Console.WriteLine($"compile {run.CompileMs:F1} ms, prep {run.PrepMs:F1} ms, cold {sw.Elapsed.TotalMilliseconds:F1} ms; {run.Verify()}");
    var times = new List<double>();
    for (int r = 0; r < 9; r++) { sw.Restart(); run.Evaluate(threads); times.Add(sw.Elapsed.TotalMilliseconds); }
    times.Sort();
    double median = times[4];
    Console.WriteLine($"threads {threads}: median {median:F1} ms per pass over {n:N0} → {n * 20.0 / median / 1000:F0} M person×rule/s");
    Report.MeasurementDone();
    return;
}
if (args is ["peer-alternate", ..])
{
    // The batch path and the hand-written loop alternating pass by pass in one process for N seconds (1 thread): their
    // ratio under identical conditions, whatever the shared host is doing.
    double seconds = args.Length > 1 ? double.Parse(args[1]) : 30;
    var run = new PeerRun(Paths.PeerCatalog, Paths.PeerPopulationFile, 1_000_000);
    var hand = new HandLoop(PeerPopulation.Load(Paths.PeerPopulationFile, 1_000_000));
    run.Evaluate(1); hand.Run(1);
    if (run.Verify() != "matches the answer key" || hand.Verify().Length > 0) throw new InvalidOperationException("answer key");
    Report.WaitForQuietMachine("peer alternate");
    var batchMs = new List<double>(); var handMs = new List<double>();
    var total = Stopwatch.StartNew();
    while (total.Elapsed.TotalSeconds < seconds)
    {
        var sw = Stopwatch.StartNew(); run.Evaluate(1); batchMs.Add(sw.Elapsed.TotalMilliseconds);
        sw.Restart(); hand.Run(1); handMs.Add(sw.Elapsed.TotalMilliseconds);
    }
    batchMs.Sort(); handMs.Sort();
    double b = batchMs[batchMs.Count / 2], h = handMs[handMs.Count / 2];
    Report.Line("peer-alternate", $"{batchMs.Count} alternating passes each: batch path median {b:F1} ms ({20_000 / b:F0} M person×rule/s), " +
        $"hand-written loop median {h:F1} ms ({20_000 / h:F0} M/s); batch ÷ hand time {b / h:F2}");
    Report.MeasurementDone();
    return;
}
if (args is ["smoke", ..])
{
    // Runs every benchmark class's GlobalSetup once, without BenchmarkDotNet (fast check of generators and answer keys).
    var only = args.Length > 1 ? args[1] : "";
    var sw = Stopwatch.StartNew();
    if ("peer".Contains(only)) { new PeerWorkload().Setup(); Console.WriteLine($"peer ok {sw.Elapsed.TotalSeconds:F1} s"); }
    if ("single".Contains(only)) { new RealCatalogSingleProfile().Setup(); Console.WriteLine($"single ok {sw.Elapsed.TotalSeconds:F1} s"); }
    if ("rulesengine".Contains(only)) { new RulesEnginePeer().Setup(); Console.WriteLine($"rulesengine ok {sw.Elapsed.TotalSeconds:F1} s"); }
    if ("breakdown".Contains(only)) { new TalentOne.Bench.Experiments.EvaluateBreakdown().Setup(); Console.WriteLine($"breakdown ok {sw.Elapsed.TotalSeconds:F1} s"); }
    if ("sweep".Contains(only)) { var s = new RealCatalogSweep(); s.Setup(); s.Cleanup(); Console.WriteLine($"sweep ok {sw.Elapsed.TotalSeconds:F1} s"); }
    return;
}
if (args is ["sweep-memory", ..])
{
    // Experiment: peak working set of a 1M sweep when the population carries only the columns it has data for and
    // SweepPlan.Run has to materialise the others itself (shared=false), against one shared all-unknown column (true).
    bool shared = args.Length > 1 && bool.Parse(args[1]);
    var f = new RealCatalogFixture();
    var pop = f.Profiles.Columns(RealCatalogSweep.N, shareUnknownColumns: shared);
    double before = Report.WorkingSetMb();
    var sw = Stopwatch.StartNew();
    var persons = new TalentOne.Policies.Batch.SweepPlan(f.Catalog, f.Date, TalentOne.Policies.Catalog.Applicant.Person).Run(pop.Persons, 2);
    var orgs = new TalentOne.Policies.Batch.SweepPlan(f.Catalog, f.Date, TalentOne.Policies.Catalog.Applicant.Enterprise).Run(pop.Organisations, 2);
    int allocated = pop.Persons.Slots.Count(c => c != null) + pop.Organisations.Slots.Count(c => c != null);
    Report.Line("sweep-memory", $"unknown columns shared={shared}: working set {before:F0} MB before the first sweep, peak working set {Report.PeakWorkingSetMb():F0} MB after it " +
        $"({sw.Elapsed.TotalMilliseconds:F0} ms incl. compile; {allocated} non-null column references afterwards; {persons.EligibleCount.Sum() + orgs.EligibleCount.Sum():N0} eligible pairs)");
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
