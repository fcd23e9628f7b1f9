namespace TalentOne.Bench;

/// <summary>
/// The "practical limit" reference of peer-workload.md: the 20 rules written by hand in C# straight from the spec
/// (§2 tier, §3 rules, §4 output contract) over the raw arrays of the population. Same outputs as our batch path:
/// per-person mask and total, per-rule counts and sums, and the mask checksum, all inside the timed region.
/// </summary>
public sealed class HandLoop(PeerPopulation pop)
{
    public const int Rules = 20;
    public uint[] Mask { get; } = new uint[pop.N];
    public double[] Total { get; } = new double[pop.N];
    public long[] Counts { get; } = new long[Rules];
    public double[] Sums { get; } = new double[Rules];
    public long Checksum { get; private set; }

    public long Run(int threads)
    {
        int n = pop.N;
        if (threads <= 1)
        {
            Array.Clear(Counts); Array.Clear(Sums);
            Checksum = Range(0, n, Counts, Sums);
            return Checksum;
        }
        var counts = new long[threads][];
        var sums = new double[threads][];
        var cs = new long[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            counts[t] = new long[Rules]; sums[t] = new double[Rules];
            cs[t] = Range((int)((long)n * t / threads), (int)((long)n * (t + 1) / threads), counts[t], sums[t]);
        });
        Array.Clear(Counts); Array.Clear(Sums);
        for (int t = 0; t < threads; t++)
            for (int r = 0; r < Rules; r++) { Counts[r] += counts[t][r]; Sums[r] += sums[t][r]; }
        Checksum = cs.Sum();
        return Checksum;
    }

    private long Range(int from, int to, long[] counts, double[] sums)
    {
        var ageA = pop.Age; var eduA = pop.Education; var titleA = pop.TitleLevel; var ysgA = pop.YearsSinceGraduation;
        var simA = pop.SocialInsuranceMonths; var cityA = pop.CityCode; var originA = pop.OriginRegion; var salA = pop.AnnualSalary;
        var ftA = pop.FullTime; var dfcA = pop.DoubleFirstClass; var mtnA = pop.CountyInMountainList; var tdA = pop.IsTeacherOrDoctor; var ownsA = pop.OwnsHome;
        var maskA = Mask; var totalA = Total;
        long checksum = 0;
        int w = from % 997 + 1; // (i mod 997) + 1, kept incrementally
        for (int i = from; i < to; i++)
        {
            int age = ageA[i], edu = eduA[i], title = titleA[i], ysg = ysgA[i], sim = simA[i], city = cityA[i], origin = originA[i];
            double sal = salA[i];
            bool ft = ftA[i] != 0, dfc = dfcA[i] != 0, mountain = mtnA[i] != 0, td = tdA[i] != 0, owns = ownsA[i] != 0;

            int tier = (edu == 4 && title == 4) || sal >= 1000000 ? 1
                : edu == 4 || (edu == 3 && title >= 3) || sal >= 500000 ? 2
                : edu == 3 || (edu == 2 && dfc) || title >= 3 ? 3
                : 0;

            uint mask = 0;
            double total = 0, a;
            if (city == 3 && edu == 4 && ft) { a = 20000; mask |= 1u << 0; counts[0]++; sums[0] += a; total += a; }
            if (tier != 0 && !owns && sim >= 6)
            {
                a = (tier == 1 ? 60 : tier == 2 ? 30 : 15) * 9500.0 * (td ? 1.2 : 1.0);
                mask |= 1u << 1; counts[1]++; sums[1] += a; total += a;
            }
            if (edu >= 3 && !owns) { a = 0.6 * 1660 * 12; mask |= 1u << 2; counts[2]++; sums[2] += a; total += a; }
            if (ysg <= 2 && sim >= 1) { a = origin == 0 ? 360 : origin == 1 ? 600 : 960; mask |= 1u << 3; counts[3]++; sums[3] += a; total += a; }
            if (sal >= 200000) { a = sal >= 1000000 ? 30000 : sal >= 500000 ? 20000 : 10000; mask |= 1u << 4; counts[4]++; sums[4] += a; total += a; }
            if (sal >= 800000 && sim >= 12) { a = Math.Min(sal * 0.3, 1000000); mask |= 1u << 5; counts[5]++; sums[5] += a; total += a; }
            if (mountain && edu >= 2 && ft && ysg <= 5)
            {
                a = (edu == 4 ? 100000 : edu == 3 ? 50000 : 30000) * (dfc ? 1.5 : 1.0);
                mask |= 1u << 6; counts[6]++; sums[6] += a; total += a;
            }
            if (dfc && edu >= 2 && age <= 35 && sim >= 1) { a = edu == 4 ? 30000 : edu == 3 ? 20000 : 10000; mask |= 1u << 7; counts[7]++; sums[7] += a; total += a; }
            if (title >= 3 && sim >= 12) { a = title == 4 ? 2000 * 12 : 1000 * 12; mask |= 1u << 8; counts[8]++; sums[8] += a; total += a; }
            if (edu == 4 && age <= 40 && ft) { a = 50000 + (mountain ? 50000 : 0); mask |= 1u << 9; counts[9]++; sums[9] += a; total += a; }
            if (td && mountain) { a = (500 + 100 * title) * 12; mask |= 1u << 10; counts[10]++; sums[10] += a; total += a; }
            if (edu == 1 && title >= 2) { a = 6000 + 3000 * (title - 2); mask |= 1u << 11; counts[11]++; sums[11] += a; total += a; }
            if (!ft && age <= 35 && ysg <= 5) { a = Math.Min(sal * 0.1, 30000); mask |= 1u << 12; counts[12]++; sums[12] += a; total += a; }
            if (ysg <= 2 && edu >= 2 && sim >= 3) { a = Math.Min(sim, 24) * 300; mask |= 1u << 13; counts[13]++; sums[13] += a; total += a; }
            if (tier != 0 && ft && sim >= 12) { a = tier == 1 ? 100000 : tier == 2 ? 50000 : 10000; mask |= 1u << 14; counts[14]++; sums[14] += a; total += a; }
            if (origin != 0 && edu >= 3 && ysg <= 3) { a = origin == 2 ? 20000 : 15000; mask |= 1u << 15; counts[15]++; sums[15] += a; total += a; }
            if (ysg <= 1 && age <= 30 && sim >= 6 && edu >= 1) { a = edu == 1 ? 3000 : 5000; mask |= 1u << 16; counts[16]++; sums[16] += a; total += a; }
            if (city == 10 && edu >= 2 && age <= 35) { a = 12000 * (edu == 4 ? 3 : edu == 3 ? 2 : 1); mask |= 1u << 17; counts[17]++; sums[17] += a; total += a; }
            if ((tier == 1 || tier == 2) && sal >= 300000) { a = Math.Min((sal - 300000) * 0.15, 200000); mask |= 1u << 18; counts[18]++; sums[18] += a; total += a; }
            if (age >= 55 && title == 4 && edu >= 2) { a = 60000; mask |= 1u << 19; counts[19]++; sums[19] += a; total += a; }

            maskA[i] = mask;
            totalA[i] = total;
            checksum += mask * (long)w;
            if (++w == 998) w = 1;
        }
        return checksum;
    }

    /// <summary>"" when the outputs match peer-workload.md §6, else what differs.</summary>
    public string Verify()
    {
        var problems = new List<string>();
        for (int r = 0; r < Rules; r++)
            if (Counts[r] != PeerPopulation.AnswerCounts[r]) problems.Add($"rule {r + 1}: {Counts[r]} ≠ {PeerPopulation.AnswerCounts[r]}");
        if (Checksum != PeerPopulation.AnswerChecksum) problems.Add($"checksum {Checksum} ≠ {PeerPopulation.AnswerChecksum}");
        double total = Sums.Sum();
        if (Math.Abs(total - PeerPopulation.AnswerTotal) / PeerPopulation.AnswerTotal > 1e-6) problems.Add($"total {total:F3} ≠ {PeerPopulation.AnswerTotal:F3}");
        double persons = Total.Sum();
        if (Math.Abs(persons - PeerPopulation.AnswerTotal) / PeerPopulation.AnswerTotal > 1e-6) problems.Add($"Σ person totals {persons:F3}");
        return string.Join("; ", problems);
    }
}
