using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;

namespace TalentOne.Policies.Evaluation;

/// <summary>The package as plain data for JSON (API, CLI --json): every amount with its source.</summary>
public sealed record PackageDto(
    string Date, string CatalogVersion, string Kind, double Total, double FirstYearTotal,
    int EligibleCount, int NearlyCount, int NeedsInfoCount, int IneligibleCount,
    IReadOnlyList<PolicyResultDto> Eligible, IReadOnlyList<PolicyResultDto> Nearly,
    IReadOnlyList<PolicyResultDto> NeedsInfo, IReadOnlyList<PolicyResultDto> Ineligible)
{
    public static PackageDto From(Package p, bool includeIneligible = true) => new(
        p.Date.ToString("yyyy-MM-dd"), p.CatalogVersion, p.Kind.ToString().ToLowerInvariant(), p.Total, p.FirstYearTotal,
        p.Eligible.Count(), p.Nearly.Count(), p.NeedsInfo.Count(), p.Ineligible.Count(),
        p.Eligible.Select(PolicyResultDto.From).ToList(), p.Nearly.Select(PolicyResultDto.From).ToList(),
        p.NeedsInfo.Select(PolicyResultDto.From).ToList(),
        includeIneligible ? p.Ineligible.Select(PolicyResultDto.From).ToList() : []);
}

public sealed record SourceDto(string DocumentId, string Document, string Title, string? Issuer, string? Date, string Article, string Quote, string File, int Line);

public sealed record ConditionDto(string Label, string Rule, string Truth, string? Actual);

public sealed record PolicyResultDto(
    string Id, string Title, string Outcome, string OutcomeText,
    double? Amount, double? Total, string Unit, string Schedule, string? AmountNote, string? Payer, string? Department,
    string? Group, string? ExcludedByGroup, IReadOnlyList<string> CapsApplied,
    IReadOnlyList<ConditionDto> Failed, IReadOnlyList<ConditionDto> Unknown, IReadOnlyList<string> MissingFacts,
    string? EligibleOn, string? EligibleOnReason, IReadOnlyList<string> Materials, SourceDto Source)
{
    public static PolicyResultDto From(PolicyResult r)
    {
        var p = r.Policy;
        static ConditionDto C(ConditionResult c) => new(c.Clause.Label.Length > 0 ? c.Clause.Label : c.Clause.Readable, c.Clause.Readable,
            c.Truth.ToString().ToLowerInvariant(), c.Actual.Length > 0 ? c.Actual : null);
        return new PolicyResultDto(
            p.Id, p.Title, r.Outcome switch { Evaluation.Outcome.Eligible => "eligible", Evaluation.Outcome.Nearly => "nearly", Evaluation.Outcome.NeedsInfo => "needs_info", _ => "ineligible" },
            Package.OutcomeText(r.Outcome) + (r.NotInForce && r.Outcome == Evaluation.Outcome.Ineligible ? "（不在施行期内）" : ""),
            r.Amount, r.Total, p.Amount.Unit, Package.ScheduleText(p.Amount), p.Amount.Note, p.Payer, p.Department,
            p.Group?.Title, r.ExcludedByGroupNote,
            r.CapsApplied.Select(c => $"{c.Label}：封顶 {Renderer.Number(c.Limit)}").ToList(),
            r.Failed.Select(C).ToList(), r.Unknown.Select(C).ToList(),
            r.Missing.Select(m => $"{m.Path}（{m.Label}）").ToList(),
            r.EligibleOn?.ToString("yyyy-MM-dd"), r.EligibleOnReason, p.Materials,
            new SourceDto(p.Document.Id, p.Document.Number, p.Document.Title, p.Document.Issuer, p.Document.Date?.ToString("yyyy-MM-dd"),
                p.Article, p.Quote, p.Document.File, p.Pos.Line));
    }
}
