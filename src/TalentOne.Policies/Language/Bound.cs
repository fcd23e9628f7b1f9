using TalentOne.Policies.Catalog;
using TalentOne.Policies.Schema;
using ValueType = TalentOne.Policies.Schema.ValueType;

namespace TalentOne.Policies.Language;

/// <summary>A type-checked expression, ready to compile. Every value is carried as a double at run time:
/// numbers as themselves, bools as 1/0, dates as day numbers, enum values as member indexes, unknown as NaN.</summary>
public abstract record Bound(ValueType Type, SourcePos Pos);

public sealed record BConst(ValueType Type, SourcePos Pos, double Value) : Bound(Type, Pos);
public sealed record BFact(ValueType Type, SourcePos Pos, FactDef Fact) : Bound(Type, Pos);
/// <summary>Membership of one enum member in a set-valued fact (one slot per member).</summary>
public sealed record BSetMember(SourcePos Pos, FactDef Fact, EnumMember Member) : Bound(ValueType.Bool, Pos);
public sealed record BDefinition(ValueType Type, SourcePos Pos, Definition Def) : Bound(Type, Pos);
public sealed record BToday(SourcePos Pos) : Bound(ValueType.Date, Pos);
public sealed record BParam(SourcePos Pos, ParameterDef Param, Bound? Key, Bound? At) : Bound(ValueType.Number, Pos);
public sealed record BUnary(ValueType Type, SourcePos Pos, string Op, Bound Operand) : Bound(Type, Pos);
public sealed record BBinary(ValueType Type, SourcePos Pos, string Op, Bound Left, Bound Right) : Bound(Type, Pos);
public sealed record BIf(ValueType Type, SourcePos Pos, Bound Cond, Bound Then, Bound Else) : Bound(Type, Pos);
public sealed record BIn(SourcePos Pos, Bound Item, bool Negated, IReadOnlyList<int> Codes, string Display) : Bound(ValueType.Bool, Pos);
public sealed record BCall(ValueType Type, SourcePos Pos, string Name, IReadOnlyList<Bound> Args) : Bound(Type, Pos);
public sealed record BKnown(SourcePos Pos, Bound Arg) : Bound(ValueType.Bool, Pos);

/// <summary>A named expression declared under <c>definitions:</c>, computed once per evaluation.</summary>
public sealed class Definition(string name, string? title, string source, SourcePos pos)
{
    public string Name { get; } = name;
    public string? Title { get; } = title;
    public string Source { get; } = source;
    public SourcePos Pos { get; } = pos;
    internal Expr? Syntax { get; set; }
    public Bound? Body { get; internal set; }
    public int Slot { get; internal set; }
    internal int State { get; set; } // 0 unbound, 1 binding, 2 bound
}

public static class BoundWalk
{
    public static IEnumerable<Bound> Children(Bound b) => b switch
    {
        BParam p => new[] { p.Key, p.At }.OfType<Bound>(),
        BUnary u => [u.Operand],
        BBinary x => [x.Left, x.Right],
        BIf i => [i.Cond, i.Then, i.Else],
        BIn n => [n.Item],
        BCall c => c.Args,
        BKnown k => [k.Arg],
        _ => [],
    };

    /// <summary>Facts an expression reads, through definitions too.</summary>
    public static void CollectFacts(Bound b, HashSet<FactDef> facts, HashSet<Definition>? seen = null)
    {
        seen ??= [];
        switch (b)
        {
            case BFact f: facts.Add(f.Fact); break;
            case BSetMember s: facts.Add(s.Fact); break;
            case BDefinition d when d.Def.Body != null && seen.Add(d.Def): CollectFacts(d.Def.Body, facts, seen); break;
        }
        foreach (var c in Children(b)) CollectFacts(c, facts, seen);
    }

    public static bool UsesToday(Bound b) => b switch
    {
        BToday => true,
        BParam { At: null } => true,
        BDefinition d => d.Def.Body != null && UsesToday(d.Def.Body),
        _ => Children(b).Any(UsesToday),
    };

    public static void CollectDefinitions(Bound b, HashSet<Definition> defs)
    {
        if (b is BDefinition d && defs.Add(d.Def) && d.Def.Body != null) CollectDefinitions(d.Def.Body, defs);
        foreach (var c in Children(b)) CollectDefinitions(c, defs);
    }
}
