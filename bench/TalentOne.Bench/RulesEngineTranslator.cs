using System.Globalization;
using System.Text;
using RulesEngine.Models;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Policies.Schema;

namespace TalentOne.Bench;

/// <summary>The typed input every translated rule reads as <c>input1</c>: the profile's slot values (NaN = unknown),
/// the evaluation day and the parameter snapshot in force on it.</summary>
public sealed class ReInput(double[] s, double today, double[] p)
{
    public double[] S { get; } = s;
    public double Today { get; } = today;
    public double[] P { get; } = p;
}

/// <summary>Helpers the translated expressions call (registered through <see cref="ReSettings.CustomTypes"/>,
/// together with <see cref="Builtins"/> for the date functions).</summary>
public static class ReFn
{
    public static ParameterHolder? Holder { get; set; }
    public static bool Known(double x) => !double.IsNaN(x);
    public static double ParamAt(int index, double day, double key) => Builtins.ParamAt(Holder!, index, day, key);
    public static double Nan() => double.NaN;
}

/// <summary>
/// Translates the catalog's bound expressions (Language/Bound.cs) into Microsoft RulesEngine rules: one rule per
/// policy (conditions and the in-force period in <see cref="Rule.Expression"/>, the amount with its caps as an
/// OnSuccess OutputExpression action), one workflow per kind of applicant. Values follow our encoding (doubles;
/// bools 1/0, dates day numbers, enums member indexes) but the logic is ordinary two-valued C#: an unknown (NaN)
/// fact makes a comparison false rather than unknown, so the engines agree only where the facts a policy reads are known.
/// </summary>
public sealed class RulesEngineTranslator
{
    public const string PersonWorkflow = "person";
    public const string PersonEligibilityWorkflow = "person-eligibility";
    public const string EnterpriseWorkflow = "enterprise";

    private readonly PolicyCatalog _catalog;

    public RulesEngineTranslator(PolicyCatalog catalog)
    {
        _catalog = catalog;
        ReFn.Holder = catalog.Parameters;
    }

    public static ReSettings Settings() => new() { CustomTypes = [typeof(Builtins), typeof(ReFn), typeof(Math)] };

    public IReadOnlyList<Policy> PersonPolicies => _catalog.Policies.Where(p => p.Applicant == Applicant.Person).ToList();
    public IReadOnlyList<Policy> EnterprisePolicies => _catalog.Policies.Where(p => p.Applicant != Applicant.Person).ToList();

    public Workflow[] Workflows() =>
    [
        Workflow(PersonWorkflow, PersonPolicies, withAmounts: true),
        Workflow(PersonEligibilityWorkflow, PersonPolicies, withAmounts: false),
        Workflow(EnterpriseWorkflow, EnterprisePolicies, withAmounts: true),
    ];

    public Workflow Workflow(string name, IEnumerable<Policy> policies, bool withAmounts) => new()
    {
        WorkflowName = name,
        Rules = policies.Select(p => RuleFor(p, withAmounts)).ToList(),
    };

    public Rule RuleFor(Policy p, bool withAmount)
    {
        var rule = new Rule
        {
            RuleName = p.Id,
            RuleExpressionType = RuleExpressionType.LambdaExpression,
            Expression = Condition(p),
            SuccessEvent = p.Id,
        };
        if (withAmount)
            rule.Actions = new RuleActions
            {
                OnSuccess = new ActionInfo
                {
                    Name = "OutputExpression",
                    Context = new Dictionary<string, object> { ["Expression"] = Amount(p) },
                },
            };
        return rule;
    }

    /// <summary>The eligibility expression: in force on the day, and every condition.</summary>
    public string Condition(Policy p)
    {
        var parts = new List<string>();
        if (p.ValidFrom is { } from) parts.Add($"input1.Today >= {Lit(from.DayNumber)}");
        if (p.EffectiveUntil is { } until) parts.Add($"input1.Today <= {Lit(until.DayNumber)}");
        parts.AddRange(p.Conditions.Select(c => Bool(c.Body!)));
        return parts.Count == 0 ? "true" : string.Join(" && ", parts);
    }

    /// <summary>The amount, capped.</summary>
    public string Amount(Policy p)
    {
        var a = Num(p.Amount.Body!);
        foreach (var cap in p.Caps) a = $"Math.Min({a}, {Num(cap.Body)})";
        return a;
    }

    private static string Lit(double v)
    {
        if (double.IsNaN(v)) return "ReFn.Nan()";
        string s = v == Math.Floor(v) && Math.Abs(v) < 1e15
            ? ((long)Math.Abs(v)).ToString(CultureInfo.InvariantCulture) + ".0"
            : Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.') && !s.Contains('E')) s += ".0";
        return v < 0 ? $"(-{s})" : s;
    }

    private static string Slot(int slot) => $"input1.S[{slot}]";

    /// <summary>A numeric (double) expression.</summary>
    public string Num(Bound b)
    {
        switch (b)
        {
            case BConst c: return Lit(c.Value);
            case BFact f: return Slot(f.Fact.Slot);
            case BSetMember s: return Slot(s.Fact.Slot + s.Member.Index);
            case BDefinition d when d.Type.Base != BaseType.Bool: return $"({Num(d.Def.Body!)})";
            case BToday: return "input1.Today";
            case BParam { At: null, Key: null } p: return $"input1.P[{p.Param.Base}]";
            case BParam { At: null } p: return $"Builtins.Keyed(input1.P, {p.Param.Base}, {p.Param.Width}, {Num(p.Key!)})";
            case BParam p: return $"ReFn.ParamAt({p.Param.Index}, {Num(p.At!)}, {(p.Key == null ? "ReFn.Nan()" : Num(p.Key))})";
            case BUnary { Op: "-" } u: return $"(-{Num(u.Operand)})";
            case BBinary { Op: "+" or "-" or "*" } x: return $"({Num(x.Left)} {x.Op} {Num(x.Right)})";
            case BBinary { Op: "/" } x: return $"Builtins.Div({Num(x.Left)}, {Num(x.Right)})";
            case BIf i when i.Type.Base != BaseType.Bool: return $"({Bool(i.Cond)} ? {Num(i.Then)} : {Num(i.Else)})";
            case BCall c: return Call(c);
            default:
                if (b.Type.Base == BaseType.Bool) return $"({Bool(b)} ? 1.0 : 0.0)";
                throw new NotSupportedException($"cannot translate {b.GetType().Name}");
        }
    }

    private string Call(BCall c)
    {
        var a = c.Args.Select(Num).ToArray();
        return c.Name switch
        {
            "min" => a.Skip(1).Aggregate(a[0], (acc, x) => $"Math.Min({acc}, {x})"),
            "max" => a.Skip(1).Aggregate(a[0], (acc, x) => $"Math.Max({acc}, {x})"),
            "round" => $"Builtins.Round({a[0]}, {(a.Length > 1 ? a[1] : "0.0")})",
            "floor" => $"Math.Floor({a[0]})",
            "ceil" => $"Math.Ceiling({a[0]})",
            "abs" => $"Math.Abs({a[0]})",
            "years_between" => $"Builtins.YearsBetween({a[0]}, {a[1]})",
            "months_between" => $"Builtins.MonthsBetween({a[0]}, {a[1]})",
            "days_between" => $"Builtins.DaysBetween({a[0]}, {a[1]})",
            "add_years" => $"Builtins.AddYears({a[0]}, {a[1]})",
            "add_months" => $"Builtins.AddMonths({a[0]}, {a[1]})",
            "add_days" => $"Builtins.AddDays({a[0]}, {a[1]})",
            _ => throw new NotSupportedException($"builtin {c.Name}"),
        };
    }

    /// <summary>A yes/no (bool) expression.</summary>
    public string Bool(Bound b)
    {
        switch (b)
        {
            case BConst c: return c.Value == 1 ? "true" : "false";
            case BFact or BSetMember: return $"({Num(b)} == 1.0)";
            case BDefinition d: return $"({Bool(d.Def.Body!)})";
            case BKnown k: return $"ReFn.Known({Num(k.Arg)})";
            case BUnary { Op: "not" } n: return $"!({Bool(n.Operand)})";
            case BBinary { Op: "and" } x: return $"({Bool(x.Left)} && {Bool(x.Right)})";
            case BBinary { Op: "or" } x: return $"({Bool(x.Left)} || {Bool(x.Right)})";
            case BBinary { Op: "==" or "!=" or "<" or "<=" or ">" or ">=" } x: return $"({Num(x.Left)} {x.Op} {Num(x.Right)})";
            case BIn n:
                {
                    var item = Num(n.Item);
                    var sb = new StringBuilder("(");
                    for (int k = 0; k < n.Codes.Count; k++) sb.Append(k > 0 ? " || " : "").Append(item).Append(" == ").Append(Lit(n.Codes[k]));
                    sb.Append(')');
                    return n.Negated ? $"!{sb}" : sb.ToString();
                }
            case BIf i: return $"({Bool(i.Cond)} ? {Bool(i.Then)} : {Bool(i.Else)})";
            default: return $"({Num(b)} == 1.0)";
        }
    }
}
