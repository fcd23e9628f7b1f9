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

/// <summary>Where a policy comes from: document, article, the quoted sentence, and the catalog file and line that encode it.</summary>
public sealed record SourceDto(string DocumentId, string Document, string Title, string? Issuer, string? Date, string Article, string Quote, string File, int Line)
{
    public static SourceDto From(Policy p) => new(p.Document.Id, p.Document.Number, p.Document.Title, p.Document.Issuer,
        p.Document.Date?.ToString("yyyy-MM-dd"), p.Article, p.Quote, p.Document.File, p.Pos.Line);
}

public sealed record ConditionDto(string Label, string Rule, string Truth, string? Actual);

public sealed record PolicyResultDto(
    string Id, string Title, string Outcome, string OutcomeText,
    double? Amount, double? Total, string Unit, string Schedule, string? AmountNote, string? Payer, string? Department,
    string? Group, string? ExcludedByGroup, IReadOnlyList<string> CapsApplied,
    IReadOnlyList<ConditionDto> Failed, IReadOnlyList<ConditionDto> Unknown, IReadOnlyList<string> MissingFacts,
    string? EligibleOn, string? EligibleOnReason, IReadOnlyList<string> Materials, SourceDto Source,
    double? PotentialAmount)
{
    /// <summary>What never changes for a policy, built once and kept on it.</summary>
    private sealed record Static(string Schedule, SourceDto Source, string? Group);

    private static Static Of(Policy p) => (Static)(p.Presentation ??= new Static(Package.ScheduleText(p.Amount), SourceDto.From(p), p.Group?.Title));

    private static readonly string[] TruthNames = ["false", "true", "unknown"];

    private static ConditionDto C(ConditionResult c) => new(c.Clause.Label.Length > 0 ? c.Clause.Label : c.Clause.Readable, c.Clause.Readable,
        TruthNames[(int)c.Truth], c.Actual.Length > 0 ? c.Actual : null);

    private static IReadOnlyList<ConditionDto> Conditions(PolicyResult r, Truth truth)
    {
        List<ConditionDto>? list = null;
        foreach (var c in r.Conditions) if (c.Truth == truth) (list ??= []).Add(C(c));
        return list ?? (IReadOnlyList<ConditionDto>)[];
    }

    public static PolicyResultDto From(PolicyResult r)
    {
        // a result shared by every profile from one place has one DTO
        if (r.Shared) return (PolicyResultDto)(r.SharedDto ??= Build(r));
        return Build(r);
    }

    private static PolicyResultDto Build(PolicyResult r)
    {
        var p = r.Policy;
        var s = Of(p);
        return new PolicyResultDto(
            p.Id, p.Title, r.Outcome switch { Evaluation.Outcome.Eligible => "eligible", Evaluation.Outcome.Nearly => "nearly", Evaluation.Outcome.NeedsInfo => "needs_info", _ => "ineligible" },
            Package.OutcomeText(r.Outcome) + (r.NotInForce && r.Outcome == Evaluation.Outcome.Ineligible ? "（不在施行期内）" : ""),
            r.Amount, r.Total, p.Amount.Unit, s.Schedule, p.Amount.Note, p.Payer, p.Department,
            s.Group, r.ExcludedByGroupNote,
            r.CapsApplied.Count == 0 ? [] : r.CapsApplied.Select(c => $"{c.Label}：封顶 {Renderer.Number(c.Limit)}").ToList(),
            Conditions(r, Truth.False), Conditions(r, Truth.Unknown),
            r.Missing.Count == 0 ? [] : r.Missing.Select(m => $"{m.Path}（{m.Label}）").ToList(),
            r.EligibleOn?.ToString("yyyy-MM-dd"), r.EligibleOnReason, p.Materials, s.Source,
            r.Outcome == Evaluation.Outcome.Nearly ? r.UncappedAmount : null);
    }
}
