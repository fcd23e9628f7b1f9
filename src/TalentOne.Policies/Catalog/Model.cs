using TalentOne.Policies.Language;
using TalentOne.Policies.Schema;

namespace TalentOne.Policies.Catalog;

/// <summary>A source document: one policy file.</summary>
public sealed record PolicyDocument(string Id, string Number, string Title, string? Issuer, DateOnly? Date,
    DateOnly? InForce, string? Seed, string Jurisdiction, string File);

public enum Applicant { Person, Enterprise, Organisation }

public enum Schedule { Once, PerMonth, PerYear, PerDay, PerHead }

public sealed record Extension(DateOnly Until, string? Source, string? Quote);

/// <summary>One condition of a policy, explained on its own when it fails.</summary>
public sealed class Clause(string label, string source, SourcePos pos, bool automatic)
{
    public string Label { get; } = label;
    public string Source { get; } = source;
    public SourcePos Pos { get; } = pos;
    /// <summary>Added by the loader from the policy's jurisdiction (e.g. "在衢州市工作").</summary>
    public bool Automatic { get; } = automatic;
    public Bound? Body { get; internal set; }
    /// <summary>The expression in readable Chinese.</summary>
    public string Readable { get; internal set; } = "";
    public IReadOnlyList<FactDef> Facts { get; internal set; } = [];
    /// <summary>Clauses that read the same facts share this number, so their "actual values" text is built once per evaluation.</summary>
    internal int FactSetId { get; set; }
    public bool TimeDependent { get; internal set; }
    internal Func<double[], double, double[], double>? Eval { get; set; }
}

public sealed record Cap(string Label, string Source, Bound Body, string Readable)
{
    internal Func<double[], double, double[], double>? Eval { get; set; }
}

public sealed class AmountSpec(string source, string unit, Schedule schedule, int? periods, string? note)
{
    public string Source { get; } = source;
    public string Unit { get; } = unit;
    public Schedule Schedule { get; } = schedule;
    public int? Periods { get; } = periods;
    public string? Note { get; } = note;
    public Bound? Body { get; internal set; }
    public string Readable { get; internal set; } = "";
    internal Func<double[], double, double[], double>? Eval { get; set; }
}

/// <summary>就高不重复: among eligible policies of a group only the highest amount counts.</summary>
public sealed record PolicyGroup(string Id, string Title, string Rule, string? Quote, SourcePos Pos);

public sealed record PolicyTest(string Name, DateOnly Date, string ProfileJson, string Expect, double? Amount,
    double? Total, DateOnly? EligibleOn, SourcePos Pos);

public sealed record PackageTest(string Name, DateOnly Date, string ProfileJson, IReadOnlyList<string> Eligible,
    IReadOnlyList<string> NotEligible, IReadOnlyList<string> ExcludedByGroup, double? Total, SourcePos Pos);

/// <summary>A policy: a grant with its source, conditions, amount, caps and tests.</summary>
public sealed class Policy
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required PolicyDocument Document { get; init; }
    public required string Article { get; init; }
    public required string Quote { get; init; }
    public required Applicant Applicant { get; init; }
    public required string Jurisdiction { get; init; }
    public required string JurisdictionLabel { get; init; }
    public DateOnly? ValidFrom { get; init; }
    public DateOnly? ValidUntil { get; init; }
    public IReadOnlyList<Extension> Extensions { get; init; } = [];
    public string? Department { get; init; }
    public string? Payer { get; init; }
    public PolicyGroup? Group { get; internal set; }
    internal string? GroupId { get; init; }
    public required IReadOnlyList<Clause> Conditions { get; init; }
    public required AmountSpec Amount { get; init; }
    public IReadOnlyList<Cap> Caps { get; internal set; } = [];
    public IReadOnlyList<string> Materials { get; init; } = [];
    public IReadOnlyList<PolicyTest> Tests { get; init; } = [];
    public required SourcePos Pos { get; init; }
    /// <summary>Index of the policy in the catalog (its bit in batch masks).</summary>
    public int Index { get; internal set; }
    /// <summary>The parts of its explanation that never change (source, schedule text), built once.</summary>
    internal object? Presentation { get; set; }
    /// <summary>"Works elsewhere" results by (place text, in force): a pure function of those two, shared by every
    /// profile from that place (immutable, so sharing is safe; bounded by the number of places).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<(string Place, bool NotInForce), Evaluation.PolicyResult> Elsewhere { get; } = new();

    /// <summary>Last day the policy applies, with extensions.</summary>
    public DateOnly? EffectiveUntil => Extensions.Count == 0 ? ValidUntil
        : Extensions.Max(e => e.Until) is var x && (ValidUntil == null || x > ValidUntil) ? x : ValidUntil;

    public bool InForceOn(DateOnly d) => (ValidFrom == null || d >= ValidFrom) && (EffectiveUntil == null || d <= EffectiveUntil);
}
