using System.Diagnostics;
using TalentOne.Policies.Batch;
using TalentOne.Policies.Catalog;

namespace TalentOne.Bench;

/// <summary>One evaluation of the peer workload through TalentOne's batch path, with the output contract of
/// peer-workload.md §4: masks, totals, per-rule counts and sums, and the mask checksum.</summary>
public sealed class PeerRun
{
    public PolicyCatalog Catalog { get; }
    public SweepPlan Plan { get; }
    public PopulationColumns Columns { get; }
    public SweepResult Result { get; }
    public double CompileMs { get; }
    public double PrepMs { get; }

    public PeerRun(string catalogDir, string populationFile, int n)
    {
        var sw = Stopwatch.StartNew();
        Catalog = CatalogLoader.Load(catalogDir);
        Plan = new SweepPlan(Catalog, new DateOnly(2024, 6, 1), Applicant.Person);
        CompileMs = sw.Elapsed.TotalMilliseconds;
        var pop = PeerPopulation.Load(populationFile, n);
        sw.Restart();
        Columns = pop.ToColumns(Catalog);
        PrepMs = sw.Elapsed.TotalMilliseconds;
        Result = new SweepResult(n, Catalog.Policies.Count);
    }

    public long Evaluate(int threads)
    {
        Plan.Run(Columns, Result, threads);
        return Checksum(Result, threads);
    }

    /// <summary>Σ mask[i] × ((i mod 997) + 1); rules are policies 0..19, so the mask is the first word.</summary>
    public static long Checksum(SweepResult r, int threads)
    {
        if (threads <= 1) return Sum(r, 0, r.Count);
        int parts = threads;
        var partial = new long[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
            partial[k] = Sum(r, (int)((long)r.Count * k / parts), (int)((long)r.Count * (k + 1) / parts)));
        return partial.Sum();
    }

    private static long Sum(SweepResult r, int from, int to)
    {
        long s = 0;
        var e = r.Eligible; int w = r.Words;
        for (int i = from; i < to; i++) s += (long)(e[(long)i * w] & 0xFFFFF) * ((i % 997) + 1);
        return s;
    }

    public string Verify()
    {
        var problems = new List<string>();
        for (int k = 0; k < 20; k++)
            if (Result.EligibleCount[k] != PeerPopulation.AnswerCounts[k]) problems.Add($"rule {k + 1}: {Result.EligibleCount[k]} ≠ {PeerPopulation.AnswerCounts[k]}");
        var cs = Checksum(Result, 1);
        if (cs != PeerPopulation.AnswerChecksum) problems.Add($"checksum {cs} ≠ {PeerPopulation.AnswerChecksum}");
        var total = Result.AmountSum.Sum();
        if (Math.Abs(total - PeerPopulation.AnswerTotal) / PeerPopulation.AnswerTotal > 1e-6) problems.Add($"total {total:F3} ≠ {PeerPopulation.AnswerTotal:F3}");
        var personTotal = Result.Total.Sum();
        if (Math.Abs(personTotal - PeerPopulation.AnswerTotal) / PeerPopulation.AnswerTotal > 1e-6) problems.Add($"Σ person totals {personTotal:F3} ≠ {PeerPopulation.AnswerTotal:F3}");
        return problems.Count == 0 ? "matches the answer key" : string.Join("; ", problems);
    }
}
