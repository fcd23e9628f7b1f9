using TalentOne.Policies.Batch;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;

namespace TalentOne.Policies.Tests;

/// <summary>The batch path must give every person exactly what the single-profile path gives.</summary>
public class BatchTests
{
    /// <summary>Random profiles drawn from the schema: every fact known or unknown, any enum value, dates around the sweep date.</summary>
    private static List<double[]> RandomRows(PolicyCatalog c, int n, int seed, DateOnly around)
    {
        var rng = new Random(seed);
        var rows = new List<double[]>();
        for (int i = 0; i < n; i++)
        {
            var row = new double[c.RowWidth];
            Array.Fill(row, double.NaN);
            foreach (var f in c.Schema.FactList)
            {
                if (rng.NextDouble() < 0.1) continue; // unknown
                switch (f.Type.Base)
                {
                    case Schema.BaseType.Bool: row[f.Slot] = rng.Next(2); break;
                    case Schema.BaseType.Number: row[f.Slot] = rng.Next(4) switch { 0 => rng.Next(0, 13), 1 => rng.Next(0, 120), 2 => rng.Next(0, 50) * 10000, _ => rng.Next(0, 4_000_000) }; break;
                    case Schema.BaseType.Date: row[f.Slot] = around.DayNumber - rng.Next(-400, 365 * 40); break;
                    case Schema.BaseType.Enum: row[f.Slot] = rng.Next(f.Type.Enum!.Members.Count); break;
                    case Schema.BaseType.Set:
                        for (int k = 0; k < f.Type.Enum!.Members.Count; k++) row[f.Slot + k] = rng.NextDouble() < 0.05 ? 1 : 0;
                        break;
                }
            }
            // make places consistent and frequent: pick a county and its city
            var county = c.Schema.Facts["work.county"];
            var cityFact = c.Schema.Facts["work.city"];
            var m = county.Type.Enum!.Members[rng.Next(county.Type.Enum.Members.Count)];
            row[county.Slot] = m.Index;
            row[cityFact.Slot] = cityFact.Type.Enum!.Find(m.Parent!)!.Index;
            if (rng.NextDouble() < 0.1) { row[county.Slot] = double.NaN; row[cityFact.Slot] = double.NaN; } // place unknown
            if (c.Schema.Facts.TryGetValue("subject.kind", out var kind)) row[kind.Slot] = 0;
            rows.Add(row);
        }
        return rows;
    }

    [Theory]
    [InlineData("2020-06-01")]
    [InlineData("2021-09-01")]
    public void Sweep_agrees_with_single_profile_evaluation(string day)
    {
        var c = Repo.Real;
        var date = DateOnly.Parse(day);
        var rows = RandomRows(c, 3000, 42, date);
        var plan = new SweepPlan(c, date, Applicant.Person);
        var result = plan.Run(PopulationColumns.FromRows(c, rows), 2);
        int eligibleSeen = 0;
        var decision = new Decision(result.Words, c.Policies.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var pkg = Evaluator.Evaluate(c, new ProfileRow(rows[i], Applicant.Person), date);
            plan.Decide(rows[i], decision);
            Assert.True(Math.Abs(pkg.Total - decision.Total) < 0.05, $"person {i}: total {pkg.Total} vs Decide {decision.Total}");
            foreach (var r in pkg.Results)
            {
                bool rowEligible = r.Outcome == Outcome.Eligible;
                Assert.True(rowEligible == result.IsEligible(i, r.Policy.Index), $"person {i}, {r.Policy.Id}: row says {r.Outcome}, sweep says eligible={result.IsEligible(i, r.Policy.Index)}");
                Assert.True(rowEligible == decision.IsEligible(r.Policy.Index), $"person {i}, {r.Policy.Id}: row says {r.Outcome}, Decide says eligible={decision.IsEligible(r.Policy.Index)}");
                if (rowEligible) Assert.True(Math.Abs((r.Amount ?? 0) - decision.Amounts[r.Policy.Index]) < 0.005, $"person {i}, {r.Policy.Id}: amount {r.Amount} vs Decide {decision.Amounts[r.Policy.Index]}");
                // unknown in the sweep exactly when no condition is false and some is unknown (or the amount is unknown)
                bool rowUnknown = r.Outcome == Outcome.NeedsInfo || (r.Outcome == Outcome.Ineligible && !r.Failed.Any() && r.Policy.InForceOn(date));
                if (r.Policy.InForceOn(date))
                    Assert.True(rowUnknown == result.IsUnknown(i, r.Policy.Index), $"person {i}, {r.Policy.Id}: row says {r.Outcome}, sweep says unknown={result.IsUnknown(i, r.Policy.Index)}");
                if (rowEligible) eligibleSeen++;
            }
            Assert.True(Math.Abs(pkg.Total - result.Total[i]) < 0.05, $"person {i}: total {pkg.Total} vs sweep {result.Total[i]}");
        }
        Assert.True(eligibleSeen > 100, $"too few eligible results ({eligibleSeen}) for the comparison to mean anything");
    }

    [Fact]
    public void Sweep_counts_and_sums_per_policy()
    {
        var c = Repo.MiniCatalog;
        var json = new[]
        {
            """{"education": {"level": "doctorate", "fullTime": true}, "work": {"county": "kecheng"}}""",
            """{"education": {"level": "master", "fullTime": true}, "work": {"county": "xihu"}}""",
            """{"work": {"county": "kecheng"}}""",
        };
        var date = new DateOnly(2021, 9, 1);
        var rows = json.Select(j => ProfileReader.Read(c, j, date).Values).ToList();
        var result = new SweepPlan(c, date, Applicant.Person).Run(PopulationColumns.FromRows(c, rows), 1);
        int phd = c.ById["mini.allowance.phd"].Index, rent = c.ById["mini.rent"].Index;
        Assert.Equal(1, result.EligibleCount[phd]);
        Assert.Equal(2, result.EligibleCount[rent]);
        Assert.Equal(0.6 * 12 * 1840 + 0.6 * 12 * 2280, result.AmountSum[rent], 6);
        Assert.True(result.IsUnknown(2, phd));
        Assert.Equal(3 * 20000 + 3 * 0.6 * 12 * 1840, result.Total[0], 6);
    }
}
