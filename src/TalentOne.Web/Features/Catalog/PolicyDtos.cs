using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Language;

namespace TalentOne.Web.Features.Catalog;

/// <summary>A line of the policy list.</summary>
public sealed record PolicySummaryDto(
    string Id, string Title, string DocumentId, string DocumentNumber, string DocumentTitle, string Article,
    string Applicant, string Jurisdiction, string JurisdictionLabel, string? ValidFrom, string? ValidUntil, string? EffectiveUntil,
    string? Group, string Unit, string Schedule, string ScheduleText, int? Periods)
{
    public static PolicySummaryDto From(Policy p) => new(
        p.Id, p.Title, p.Document.Id, p.Document.Number, p.Document.Title, p.Article,
        PolicyText.ApplicantCode(p.Applicant), p.Jurisdiction, p.JurisdictionLabel,
        PolicyText.Day(p.ValidFrom), PolicyText.Day(p.ValidUntil), PolicyText.Day(p.EffectiveUntil),
        p.Group?.Id, p.Amount.Unit, PolicyText.ScheduleCode(p.Amount.Schedule), Package.ScheduleText(p.Amount), p.Amount.Periods);
}

public sealed record PolicyConditionDto(string Label, string Readable, string Expression, bool Automatic, IReadOnlyList<string> Facts, bool TimeDependent);

public sealed record PolicyAmountDto(string Readable, string Expression, string Unit, string Schedule, string ScheduleText, int? Periods, string? Note);

public sealed record PolicyCapDto(string Label, string Readable, string Expression);

public sealed record PolicyGroupDto(string Id, string Title, string Rule, string? Quote);

public sealed record PolicyExtensionDto(string Until, string? Source, string? Quote);

public sealed record PolicyTestDto(string Name, string Date, string Expect, double? Amount, double? Total, string? EligibleOn, int Line);

/// <summary>Everything about one policy: where it comes from, what it requires, how much it pays, and how it is tested.</summary>
public sealed record PolicyDetailDto(
    string Id, string Title, string Applicant, string Jurisdiction, string JurisdictionLabel,
    string? ValidFrom, string? ValidUntil, string? EffectiveUntil, IReadOnlyList<PolicyExtensionDto> Extensions,
    string? Department, string? Payer, SourceDto Source, IReadOnlyList<PolicyConditionDto> Conditions,
    PolicyAmountDto Amount, IReadOnlyList<PolicyCapDto> Caps, PolicyGroupDto? Group, IReadOnlyList<string> Materials,
    int TestsCount, IReadOnlyList<PolicyTestDto> Tests)
{
    public static PolicyDetailDto From(Policy p) => new(
        p.Id, p.Title, PolicyText.ApplicantCode(p.Applicant), p.Jurisdiction, p.JurisdictionLabel,
        PolicyText.Day(p.ValidFrom), PolicyText.Day(p.ValidUntil), PolicyText.Day(p.EffectiveUntil),
        p.Extensions.Select(e => new PolicyExtensionDto(e.Until.ToString("yyyy-MM-dd"), e.Source, e.Quote)).ToList(),
        p.Department, p.Payer,
        SourceDto.From(p),
        p.Conditions.Select(c => new PolicyConditionDto(c.Label, c.Readable, c.Source, c.Automatic, c.Facts.Select(f => f.Path).ToList(), c.TimeDependent)).ToList(),
        new PolicyAmountDto(p.Amount.Readable, p.Amount.Source, p.Amount.Unit, PolicyText.ScheduleCode(p.Amount.Schedule), Package.ScheduleText(p.Amount), p.Amount.Periods, p.Amount.Note),
        p.Caps.Select(c => new PolicyCapDto(c.Label, c.Readable, c.Source)).ToList(),
        p.Group == null ? null : new PolicyGroupDto(p.Group.Id, p.Group.Title, p.Group.Rule, p.Group.Quote),
        p.Materials, p.Tests.Count,
        p.Tests.Select(t => new PolicyTestDto(t.Name, t.Date.ToString("yyyy-MM-dd"), t.Expect, t.Amount, t.Total, PolicyText.Day(t.EligibleOn), t.Pos.Line)).ToList());
}

/// <summary>Codes and Chinese words for the policy model, shared by the API and the pages.</summary>
public static class PolicyText
{
    public static string? Day(DateOnly? d) => d?.ToString("yyyy-MM-dd");

    public static string ApplicantCode(Applicant a) => a switch
    {
        Applicant.Person => "person",
        Applicant.Enterprise => "enterprise",
        Applicant.Organisation => "organisation",
        _ => a.ToString().ToLowerInvariant(),
    };

    public static string ApplicantText(Applicant a) => a switch
    {
        Applicant.Person => "个人",
        Applicant.Enterprise => "企业",
        Applicant.Organisation => "其他组织",
        _ => a.ToString(),
    };

    public static string ScheduleCode(Schedule s) => s switch
    {
        Schedule.Once => "once",
        Schedule.PerMonth => "per_month",
        Schedule.PerYear => "per_year",
        Schedule.PerDay => "per_day",
        Schedule.PerHead => "per_head",
        _ => s.ToString(),
    };

    public static string ExpectText(string expect) => expect switch
    {
        "eligible" => "符合",
        "ineligible" => "不符合",
        "nearly" => "接近符合",
        "needs_info" => "需补充信息",
        _ => expect,
    };

    /// <summary>Parameters a policy reads, through its definitions too.</summary>
    public static IEnumerable<ParameterDef> Parameters(Policy p)
    {
        var found = new List<ParameterDef>();
        var seen = new HashSet<Definition>();
        void Walk(Bound? b)
        {
            if (b == null) return;
            if (b is BParam bp && !found.Contains(bp.Param)) found.Add(bp.Param);
            if (b is BDefinition d && seen.Add(d.Def)) Walk(d.Def.Body);
            foreach (var c in BoundWalk.Children(b)) Walk(c);
        }
        foreach (var c in p.Conditions) Walk(c.Body);
        Walk(p.Amount.Body);
        foreach (var c in p.Caps) Walk(c.Body);
        return found;
    }

    /// <summary>Named definitions a policy's conditions, amount and caps refer to (directly or through other definitions).</summary>
    public static IReadOnlyList<Definition> Definitions(Policy p)
    {
        var found = new List<Definition>();
        void Walk(Bound? b)
        {
            if (b == null) return;
            if (b is BDefinition d && !found.Contains(d.Def)) { found.Add(d.Def); Walk(d.Def.Body); }
            foreach (var c in BoundWalk.Children(b)) Walk(c);
        }
        foreach (var c in p.Conditions) Walk(c.Body);
        Walk(p.Amount.Body);
        foreach (var c in p.Caps) Walk(c.Body);
        return found;
    }

    /// <summary>The city a policy's jurisdiction lies in ("province" for province-wide policies), for filtering.</summary>
    public static IEnumerable<string> Cities(PolicyCatalog catalog, Policy p)
    {
        var counties = catalog.Schema.Enums.GetValueOrDefault("county");
        if (p.Jurisdiction == "province") return ["province"];
        if (p.Jurisdiction.StartsWith("county:", StringComparison.Ordinal))
            return counties?.Find(p.Jurisdiction[7..])?.Parent is { } city ? [city] : [];
        if (p.Jurisdiction.StartsWith("set:", StringComparison.Ordinal) && catalog.Schema.Sets.TryGetValue(p.Jurisdiction[4..], out var set))
            return set.Members.Select(m => counties?.Find(m)?.Parent).OfType<string>().Distinct();
        return [p.Jurisdiction];
    }
}
