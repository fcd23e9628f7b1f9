using System.Linq.Expressions;
using TalentOne.Policies.Schema;
using E = System.Linq.Expressions.Expression;

namespace TalentOne.Policies.Language;

/// <summary>Translates bound expressions into .NET expression trees. Values are doubles (NaN = unknown);
/// yes/no conditions compile to jumps with three exits (true, false, unknown) so that 'and' and 'or'
/// short-circuit exactly like three-valued logic requires.</summary>
public abstract class Emitter(ParameterHolder parameters)
{
    protected static readonly E NaN = E.Constant(double.NaN);
    protected static readonly E One = E.Constant(1.0);
    protected static readonly E Zero = E.Constant(0.0);
    private static readonly System.Reflection.MethodInfo IsNaNMethod = typeof(double).GetMethod(nameof(double.IsNaN), [typeof(double)])!;

    public abstract E Today { get; }
    public abstract E ParamSnapshot { get; }
    /// <summary>The value of one slot of the profile (a fact, or one member of a set fact).</summary>
    public abstract E Slot(int slot);
    public abstract E DefinitionValue(Definition d);

    protected static E IsNaN(E x) => E.Call(IsNaNMethod, x);

    private static E Call(string name, params E[] args) =>
        E.Call(typeof(Builtins).GetMethod(name)!, args);

    /// <summary>The value of an expression as a double.</summary>
    public E Value(Bound b)
    {
        switch (b)
        {
            case BConst c: return E.Constant(c.Value);
            case BFact f: return Slot(f.Fact.Slot);
            case BSetMember s: return Slot(s.Fact.Slot + s.Member.Index);
            case BDefinition d: return DefinitionValue(d.Def);
            case BToday: return Today;
            case BParam p when p.At == null && p.Key == null:
                return E.ArrayIndex(ParamSnapshot, E.Constant(p.Param.Base));
            case BParam p when p.At == null:
                return Call(nameof(Builtins.Keyed), ParamSnapshot, E.Constant(p.Param.Base), E.Constant(p.Param.Width), Value(p.Key!));
            case BParam p:
                return Call(nameof(Builtins.ParamAt), E.Constant(parameters), E.Constant(IndexOf(p)), Value(p.At!), p.Key == null ? NaN : Value(p.Key));
            case BUnary { Op: "-" } u: return E.Negate(Value(u.Operand));
            case BBinary { Op: "+" } x: return E.Add(Value(x.Left), Value(x.Right));
            case BBinary { Op: "-" } x: return E.Subtract(Value(x.Left), Value(x.Right));
            case BBinary { Op: "*" } x: return E.Multiply(Value(x.Left), Value(x.Right));
            case BBinary { Op: "/" } x: return Call(nameof(Builtins.Div), Value(x.Left), Value(x.Right));
            case BIf i when i.Type.Base != BaseType.Bool:
            {
                var r = E.Variable(typeof(double), "ifv");
                var t = E.Label("t"); var f = E.Label("f"); var u = E.Label("u"); var end = E.Label("end");
                var a = E.Variable(typeof(double), "a"); var c = E.Variable(typeof(double), "b");
                return E.Block(typeof(double), [r, a, c],
                    Test(i.Cond, t, f, u),
                    E.Label(t), E.Assign(r, Value(i.Then)), E.Goto(end),
                    E.Label(f), E.Assign(r, Value(i.Else)), E.Goto(end),
                    E.Label(u), E.Assign(a, Value(i.Then)), E.Assign(c, Value(i.Else)),
                    E.Assign(r, E.Condition(E.Equal(a, c), a, NaN)),
                    E.Label(end), r);
            }
            case BCall c: return CallValue(c);
            default:
                if (b.Type.Base == BaseType.Bool) return BoolValue(b);
                throw new InvalidOperationException($"cannot compile {b.GetType().Name}");
        }
    }

    private static int IndexOf(BParam p) => p.Param.Index;

    private E CallValue(BCall c)
    {
        var a = c.Args.Select(Value).ToArray();
        switch (c.Name)
        {
            case "min": return a.Skip(1).Aggregate(a[0], (acc, x) => E.Call(typeof(Math).GetMethod("Min", [typeof(double), typeof(double)])!, acc, x));
            case "max": return a.Skip(1).Aggregate(a[0], (acc, x) => E.Call(typeof(Math).GetMethod("Max", [typeof(double), typeof(double)])!, acc, x));
            case "round": return Call(nameof(Builtins.Round), a[0], a.Length > 1 ? a[1] : Zero);
            case "floor": return E.Call(typeof(Math).GetMethod("Floor", [typeof(double)])!, a[0]);
            case "ceil": return E.Call(typeof(Math).GetMethod("Ceiling", [typeof(double)])!, a[0]);
            case "abs": return E.Call(typeof(Math).GetMethod("Abs", [typeof(double)])!, a[0]);
            case "years_between": return Call(nameof(Builtins.YearsBetween), a[0], a[1]);
            case "months_between": return Call(nameof(Builtins.MonthsBetween), a[0], a[1]);
            case "days_between": return Call(nameof(Builtins.DaysBetween), a[0], a[1]);
            case "add_years": return Call(nameof(Builtins.AddYears), a[0], a[1]);
            case "add_months": return Call(nameof(Builtins.AddMonths), a[0], a[1]);
            case "add_days": return Call(nameof(Builtins.AddDays), a[0], a[1]);
            default: throw new InvalidOperationException($"unknown builtin {c.Name}");
        }
    }

    /// <summary>A yes/no expression as 1, 0 or NaN.</summary>
    public E BoolValue(Bound b)
    {
        switch (b)
        {
            case BConst or BFact or BSetMember or BDefinition: return Value(b);
            case BKnown k: return E.Condition(IsNaN(Value(k.Arg)), Zero, One);
            case BBinary { Op: "==" or "<" or "<=" or ">" or ">=" } x:
            {
                var l = E.Variable(typeof(double), "l"); var r = E.Variable(typeof(double), "r");
                return E.Block(typeof(double), [l, r], E.Assign(l, Value(x.Left)), E.Assign(r, Value(x.Right)),
                    E.Condition(Compare(x.Op, l, r), One, E.Condition(E.OrElse(IsNaN(l), IsNaN(r)), NaN, Zero)));
            }
        }
        var res = E.Variable(typeof(double), "tri");
        var t = E.Label("t"); var f = E.Label("f"); var u = E.Label("u"); var end = E.Label("end");
        return E.Block(typeof(double), [res],
            Test(b, t, f, u),
            E.Label(t), E.Assign(res, One), E.Goto(end),
            E.Label(f), E.Assign(res, Zero), E.Goto(end),
            E.Label(u), E.Assign(res, NaN),
            E.Label(end), res);
    }

    private static E Compare(string op, E l, E r) => op switch
    {
        "==" => E.Equal(l, r),
        "!=" => E.NotEqual(l, r),
        "<" => E.LessThan(l, r),
        "<=" => E.LessThanOrEqual(l, r),
        ">" => E.GreaterThan(l, r),
        ">=" => E.GreaterThanOrEqual(l, r),
        _ => throw new InvalidOperationException(op),
    };

    /// <summary>Jumps to <paramref name="t"/>, <paramref name="f"/> or <paramref name="u"/> by the three-valued truth of <paramref name="b"/>.</summary>
    public E Test(Bound b, LabelTarget t, LabelTarget f, LabelTarget u)
    {
        switch (b)
        {
            case BConst c: return E.Goto(c.Value == 1 ? t : c.Value == 0 ? f : u);
            case BUnary { Op: "not" } n: return Test(n.Operand, f, t, u);
            case BBinary { Op: "and" or "or" } x:
            {
                var items = new List<Bound>();
                Flatten(x, x.Op, items);
                return x.Op == "and" ? Chain(items, t, f, u, isAnd: true) : Chain(items, t, f, u, isAnd: false);
            }
            case BBinary { Op: "==" or "!=" or "<" or "<=" or ">" or ">=" } x:
            {
                var l = E.Variable(typeof(double), "l"); var r = E.Variable(typeof(double), "r");
                if (x.Op == "!=")
                    return E.Block([l, r], E.Assign(l, Value(x.Left)), E.Assign(r, Value(x.Right)),
                        E.IfThen(E.OrElse(IsNaN(l), IsNaN(r)), E.Goto(u)),
                        E.IfThenElse(E.NotEqual(l, r), E.Goto(t), E.Goto(f)));
                return E.Block([l, r], E.Assign(l, Value(x.Left)), E.Assign(r, Value(x.Right)),
                    E.IfThen(Compare(x.Op, l, r), E.Goto(t)),
                    E.IfThen(E.OrElse(IsNaN(l), IsNaN(r)), E.Goto(u)),
                    E.Goto(f));
            }
            case BIn n:
            {
                var v = E.Variable(typeof(double), "item");
                var (yes, no) = n.Negated ? (f, t) : (t, f);
                E hit;
                if (n.Codes.Count <= 6)
                    hit = n.Codes.Select(c => (E)E.Equal(v, E.Constant((double)c))).Aggregate(E.OrElse);
                else
                {
                    int max = n.Codes.Max() + 1;
                    var table = new bool[max];
                    foreach (var c in n.Codes) table[c] = true;
                    hit = E.AndAlso(E.AndAlso(E.GreaterThanOrEqual(v, Zero), E.LessThan(v, E.Constant((double)max))),
                        E.ArrayIndex(E.Constant(table), E.Convert(v, typeof(int))));
                }
                return E.Block([v], E.Assign(v, Value(n.Item)),
                    E.IfThen(IsNaN(v), E.Goto(u)),
                    E.IfThenElse(hit, E.Goto(yes), E.Goto(no)));
            }
            case BIf i:
            {
                var ct = E.Label("ct"); var cf = E.Label("cf"); var cu = E.Label("cu");
                var a = E.Variable(typeof(double), "a"); var c = E.Variable(typeof(double), "c");
                return E.Block([a, c],
                    Test(i.Cond, ct, cf, cu),
                    E.Label(ct), Test(i.Then, t, f, u),
                    E.Label(cf), Test(i.Else, t, f, u),
                    E.Label(cu), E.Assign(a, BoolValue(i.Then)), E.Assign(c, BoolValue(i.Else)),
                    E.IfThen(E.AndAlso(E.Equal(a, One), E.Equal(c, One)), E.Goto(t)),
                    E.IfThen(E.AndAlso(E.Equal(a, Zero), E.Equal(c, Zero)), E.Goto(f)),
                    E.Goto(u));
            }
            default:
            {
                var v = E.Variable(typeof(double), "bv");
                return E.Block([v], E.Assign(v, BoolValue(b)),
                    E.IfThen(E.Equal(v, One), E.Goto(t)),
                    E.IfThen(E.Equal(v, Zero), E.Goto(f)),
                    E.Goto(u));
            }
        }
    }

    private static void Flatten(Bound b, string op, List<Bound> items)
    {
        if (b is BBinary x && x.Op == op) { Flatten(x.Left, op, items); Flatten(x.Right, op, items); }
        else items.Add(b);
    }

    /// <summary>n-ary three-valued 'and'/'or': two copies of each operand at most (the "unknown so far" path).</summary>
    private E Chain(List<Bound> items, LabelTarget t, LabelTarget f, LabelTarget u, bool isAnd)
    {
        // For 'and': a false operand decides false; all true → true; otherwise unknown.
        // For 'or': a true operand decides true; all false → false; otherwise unknown.
        var body = new List<E>();
        var decided = isAnd ? f : t;
        var clean = new LabelTarget[items.Count + 1];
        var dirty = new LabelTarget[items.Count + 1];
        for (int i = 0; i <= items.Count; i++) { clean[i] = E.Label($"c{i}"); dirty[i] = E.Label($"d{i}"); }
        body.Add(E.Goto(clean[0]));
        for (int i = 0; i < items.Count; i++)
        {
            body.Add(E.Label(clean[i]));
            body.Add(isAnd ? Test(items[i], clean[i + 1], decided, dirty[i + 1]) : Test(items[i], decided, clean[i + 1], dirty[i + 1]));
            body.Add(E.Label(dirty[i]));
            if (i == 0) body.Add(E.Goto(dirty[1])); // unreachable entry kept simple
            else body.Add(isAnd ? Test(items[i], dirty[i + 1], decided, dirty[i + 1]) : Test(items[i], decided, dirty[i + 1], dirty[i + 1]));
        }
        body.Add(E.Label(clean[items.Count]));
        body.Add(E.Goto(isAnd ? t : f));
        body.Add(E.Label(dirty[items.Count]));
        body.Add(E.Goto(u));
        return E.Block(body);
    }
}
