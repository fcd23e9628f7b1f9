using TalentOne.Policies.Catalog;
using TalentOne.Policies.Schema;
using ValueType = TalentOne.Policies.Schema.ValueType;

namespace TalentOne.Policies.Language;

/// <summary>Type-checks syntax trees against the schema, definitions and parameters.</summary>
public sealed class Binder(ProfileSchema schema, IReadOnlyDictionary<string, Definition> definitions,
    IReadOnlyDictionary<string, ParameterDef> parameters, List<CatalogError> errors)
{
    private sealed class BindError(CatalogError error) : Exception(error.Message)
    {
        public CatalogError Error { get; } = error;
    }

    private static BindError Err(SourcePos pos, string msg) => new(new CatalogError(pos, msg));

    /// <summary>Binds an expression and checks it has the expected type; null on error (reported).</summary>
    public Bound? Bind(Expr e, BaseType expected, string role)
    {
        try
        {
            var b = BindExpr(e);
            if (b.Type.Base != expected)
                throw Err(e.Pos, $"{role} must be a {expected.ToString().ToLowerInvariant()}, but this expression is a {b.Type}");
            return b;
        }
        catch (BindError be) { errors.Add(be.Error); return null; }
    }

    public Bound? BindAny(Expr e)
    {
        try { return BindExpr(e); }
        catch (BindError be) { errors.Add(be.Error); return null; }
    }

    public void BindDefinitionReporting(Definition d)
    {
        try { BindDefinition(d); }
        catch (BindError be) { errors.Add(be.Error); }
    }

    private void BindDefinition(Definition d)
    {
        if (d.State == 2) return;
        if (d.State == 1) throw Err(d.Pos, $"definition '{d.Name}' refers to itself (a cycle)");
        d.State = 1;
        try
        {
            if (d.Syntax != null) d.Body = BindExpr(d.Syntax);
        }
        finally { d.State = 2; }
    }

    private Bound BindExpr(Expr e)
    {
        switch (e)
        {
            case NumberLit n: return new BConst(ValueType.Number, n.Pos, n.Value);
            case BoolLit b: return new BConst(ValueType.Bool, b.Pos, b.Value ? 1 : 0);
            case DateLit d: return new BConst(ValueType.Date, d.Pos, d.Value.DayNumber);
            case TodayExpr t: return new BToday(t.Pos);
            case StringLit s:
                throw Err(s.Pos, $"a string such as \"{s.Value}\" must be compared with an enum fact (e.g. education.level == \"{s.Value}\")");
            case PathExpr p: return BindPath(p);
            case UnaryExpr u:
            {
                var o = BindExpr(u.Operand);
                if (u.Op == "not")
                {
                    Require(o, BaseType.Bool, "'not'");
                    return new BUnary(ValueType.Bool, u.Pos, "not", o);
                }
                Require(o, BaseType.Number, "unary '-'");
                return new BUnary(ValueType.Number, u.Pos, "-", o);
            }
            case BinaryExpr b: return BindBinary(b);
            case IfExpr i:
            {
                var c = BindExpr(i.Cond);
                Require(c, BaseType.Bool, "the condition after 'if'");
                var (t, f) = BindPair(i.Then, i.Else);
                if (!SameType(t.Type, f.Type))
                    throw Err(i.Else.Pos, $"'then' and 'else' must have the same type: expected {t.Type}, found {f.Type}");
                return new BIf(t.Type, i.Pos, c, t, f);
            }
            case InExpr n: return BindIn(n);
            case CallExpr c: return BindCall(c);
            default: throw Err(e.Pos, "unsupported expression");
        }
    }

    private static bool SameType(ValueType a, ValueType b) => a.Base == b.Base && a.Enum == b.Enum;

    private static void Require(Bound b, BaseType t, string where)
    {
        if (b.Type.Base != t)
            throw Err(b.Pos, $"expected a {t.ToString().ToLowerInvariant()} for {where}, found {b.Type}");
    }

    private Bound BindPath(PathExpr p)
    {
        if (schema.Facts.TryGetValue(p.Path, out var f))
        {
            if (f.Type.Base == BaseType.Set)
                throw Err(p.Pos, $"'{p.Path}' is a set: use it as \"member\" in {p.Path}");
            return new BFact(f.Type, p.Pos, f);
        }
        if (definitions.TryGetValue(p.Path, out var d))
        {
            if (d.State == 1) throw Err(p.Pos, $"definition '{d.Name}' refers to itself (a cycle)");
            BindDefinition(d);
            if (d.Body == null) throw Err(p.Pos, $"definition '{d.Name}' has errors");
            return new BDefinition(d.Body.Type, p.Pos, d);
        }
        if (p.Path.StartsWith("sets.", StringComparison.Ordinal))
            throw Err(p.Pos, $"a set can only appear after 'in' (e.g. work.county in {p.Path})");
        throw Err(p.Pos, $"unknown name '{p.Path}': expected a fact (e.g. education.level), a definition or a function call{Suggest(p.Path)}");
    }

    private string Suggest(string name)
    {
        var best = schema.Facts.Keys.Concat(definitions.Keys)
            .Select(k => (k, d: Distance(k, name))).OrderBy(x => x.d).FirstOrDefault();
        return best.k != null && best.d <= Math.Max(2, name.Length / 4) ? $"; did you mean '{best.k}'?" : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>Binds two operands, typing a string literal on either side by the enum on the other.</summary>
    private (Bound, Bound) BindPair(Expr l, Expr r)
    {
        if (l is StringLit && r is StringLit) throw Err(l.Pos, "cannot compare two strings: one side must be an enum fact");
        if (l is StringLit ls) { var rb = BindExpr(r); return (EnumLiteral(ls, rb.Type), rb); }
        var lb = BindExpr(l);
        if (r is StringLit rs) return (lb, EnumLiteral(rs, lb.Type));
        return (lb, BindExpr(r));
    }

    private static BConst EnumLiteral(StringLit s, ValueType other)
    {
        if (other.Base != BaseType.Enum)
            throw Err(s.Pos, $"a string such as \"{s.Value}\" can only be compared with an enum, but the other side is a {other}");
        var m = other.Enum!.Find(s.Value)
            ?? throw Err(s.Pos, $"\"{s.Value}\" is not a member of {other.Enum.Name} ({other.Enum.Title}): expected one of {string.Join(", ", other.Enum.Members.Select(x => x.Code))}");
        return new BConst(other, s.Pos, m.Index);
    }

    private Bound BindBinary(BinaryExpr b)
    {
        switch (b.Op)
        {
            case "and" or "or":
            {
                var l = BindExpr(b.Left); var r = BindExpr(b.Right);
                Require(l, BaseType.Bool, $"'{b.Op}'"); Require(r, BaseType.Bool, $"'{b.Op}'");
                return new BBinary(ValueType.Bool, b.Pos, b.Op, l, r);
            }
            case "+" or "-" or "*" or "/":
            {
                var l = BindExpr(b.Left); var r = BindExpr(b.Right);
                if (l.Type.Base == BaseType.Date && b.Op is "+" or "-" && r.Type.Base == BaseType.Number)
                    throw Err(b.Pos, "to move a date use add_days(d, n), add_months(d, n) or add_years(d, n)");
                if (l.Type.Base == BaseType.Date && r.Type.Base == BaseType.Date)
                    throw Err(b.Pos, "to subtract dates use days_between, months_between or years_between");
                Require(l, BaseType.Number, $"'{b.Op}'"); Require(r, BaseType.Number, $"'{b.Op}'");
                return new BBinary(ValueType.Number, b.Pos, b.Op, l, r);
            }
            default:
            {
                var (l, r) = BindPair(b.Left, b.Right);
                if (!SameType(l.Type, r.Type))
                    throw Err(b.Right.Pos, $"expected a {l.Type} after '{b.Op}', found {r.Type}");
                if (b.Op is "<" or "<=" or ">" or ">=")
                {
                    if (l.Type.Base is BaseType.Bool)
                        throw Err(b.Pos, $"'{b.Op}' cannot compare yes/no values");
                    if (l.Type.Base == BaseType.Enum && !l.Type.Enum!.Ordered)
                        throw Err(b.Pos, $"'{b.Op}' needs an ordered enum, but {l.Type.Enum.Name} ({l.Type.Enum.Title}) has no order: use == or in {{…}}");
                }
                return new BBinary(ValueType.Bool, b.Pos, b.Op, l, r);
            }
        }
    }

    private Bound BindIn(InExpr n)
    {
        if (n.SetPath is { } sp)
        {
            if (sp.Path.StartsWith("sets.", StringComparison.Ordinal))
            {
                var name = sp.Path[5..];
                if (!schema.Sets.TryGetValue(name, out var set))
                    throw Err(sp.Pos, $"unknown set '{name}': expected one of {string.Join(", ", schema.Sets.Keys)}");
                var item = BindExpr(n.Item);
                if (item.Type.Base != BaseType.Enum || item.Type.Enum != set.Of)
                    throw Err(n.Item.Pos, $"set '{name}' holds {set.Of.Name} values, but the left side is a {item.Type}");
                var codes = set.Members.Select(m => set.Of.Find(m)!.Index).ToList();
                return new BIn(n.Pos, item, n.Negated, codes, set.Title);
            }
            if (schema.Facts.TryGetValue(sp.Path, out var f) && f.Type.Base == BaseType.Set)
            {
                if (n.Item is not StringLit s)
                    throw Err(n.Item.Pos, $"expected a string member of {f.Type.Enum!.Name} before 'in {sp.Path}'");
                var m = f.Type.Enum!.Find(s.Value)
                    ?? throw Err(s.Pos, $"\"{s.Value}\" is not a member of {f.Type.Enum.Name} ({f.Type.Enum.Title}): expected one of {string.Join(", ", f.Type.Enum.Members.Select(x => x.Code))}");
                Bound member = new BSetMember(n.Pos, f, m);
                return n.Negated ? new BUnary(ValueType.Bool, n.Pos, "not", member) : member;
            }
            throw Err(sp.Pos, $"expected a set (sets.<name>) or a set-valued fact after 'in', found '{sp.Path}'");
        }
        if (n.Members!.All(m => m is StringLit))
        {
            var item = BindExpr(n.Item);
            if (item.Type.Base != BaseType.Enum)
                throw Err(n.Item.Pos, $"expected an enum before 'in {{…}}', found {item.Type}");
            var codes = n.Members!.Select(m => (int)EnumLiteral((StringLit)m, item.Type).Value).ToList();
            return new BIn(n.Pos, item, n.Negated, codes, string.Join("、", codes.Select(c => item.Type.Enum!.Members[c].Label)));
        }
        {
            var item = BindExpr(n.Item);
            if (item.Type.Base is not (BaseType.Number or BaseType.Enum))
                throw Err(n.Item.Pos, $"expected a number or an enum before 'in {{…}}', found {item.Type}");
            var codes = new List<int>();
            foreach (var m in n.Members!)
            {
                var mb = m is StringLit s ? EnumLiteral(s, item.Type) : BindExpr(m);
                if (mb is not BConst c || !SameType(c.Type, item.Type) || c.Value != Math.Floor(c.Value))
                    throw Err(m.Pos, $"expected a constant {item.Type} in the set");
                codes.Add((int)c.Value);
            }
            return new BIn(n.Pos, item, n.Negated, codes, string.Join("、", codes));
        }
    }

    private static readonly Dictionary<string, (int min, int max, BaseType[] args, BaseType result)> Builtins = new()
    {
        ["min"] = (2, 16, [BaseType.Number], BaseType.Number),
        ["max"] = (2, 16, [BaseType.Number], BaseType.Number),
        ["round"] = (1, 2, [BaseType.Number, BaseType.Number], BaseType.Number),
        ["floor"] = (1, 1, [BaseType.Number], BaseType.Number),
        ["ceil"] = (1, 1, [BaseType.Number], BaseType.Number),
        ["abs"] = (1, 1, [BaseType.Number], BaseType.Number),
        ["years_between"] = (2, 2, [BaseType.Date, BaseType.Date], BaseType.Number),
        ["months_between"] = (2, 2, [BaseType.Date, BaseType.Date], BaseType.Number),
        ["days_between"] = (2, 2, [BaseType.Date, BaseType.Date], BaseType.Number),
        ["add_years"] = (2, 2, [BaseType.Date, BaseType.Number], BaseType.Date),
        ["add_months"] = (2, 2, [BaseType.Date, BaseType.Number], BaseType.Date),
        ["add_days"] = (2, 2, [BaseType.Date, BaseType.Number], BaseType.Date),
    };

    private Bound BindCall(CallExpr c)
    {
        if (c.Name is "param" or "param_at") return BindParam(c);
        if (c.Name == "known")
        {
            if (c.Args.Count != 1) throw Err(c.Pos, "known(x) takes exactly one argument");
            if (c.Args[0] is PathExpr p && schema.Facts.TryGetValue(p.Path, out var sf) && sf.Type.Base == BaseType.Set)
                return new BKnown(c.Pos, new BSetMember(p.Pos, sf, sf.Type.Enum!.Members[0]));
            return new BKnown(c.Pos, BindExpr(c.Args[0]));
        }
        if (!Builtins.TryGetValue(c.Name, out var sig))
            throw Err(c.Pos, $"unknown function '{c.Name}': expected one of {string.Join(", ", Builtins.Keys.Concat(["param", "param_at", "known"]))}");
        if (c.Args.Count < sig.min || c.Args.Count > sig.max)
            throw Err(c.Pos, sig.min == sig.max
                ? $"{c.Name} takes {sig.min} argument(s), found {c.Args.Count}"
                : $"{c.Name} takes {sig.min} to {sig.max} arguments, found {c.Args.Count}");
        var args = new List<Bound>();
        for (int i = 0; i < c.Args.Count; i++)
        {
            var a = BindExpr(c.Args[i]);
            var want = sig.args[Math.Min(i, sig.args.Length - 1)];
            if (a.Type.Base != want)
                throw Err(c.Args[i].Pos, $"argument {i + 1} of {c.Name} must be a {want.ToString().ToLowerInvariant()}, found {a.Type}");
            args.Add(a);
        }
        return new BCall(sig.result == BaseType.Date ? ValueType.Date : ValueType.Number, c.Pos, c.Name, args);
    }

    private Bound BindParam(CallExpr c)
    {
        bool at = c.Name == "param_at";
        int min = at ? 2 : 1;
        if (c.Args.Count < min || c.Args.Count > min + 1)
            throw Err(c.Pos, at ? "param_at(name, date) or param_at(name, date, key)" : "param(name) or param(name, key)");
        if (c.Args[0] is not PathExpr name)
            throw Err(c.Args[0].Pos, "expected a parameter name as the first argument");
        if (!parameters.TryGetValue(name.Path, out var p))
            throw Err(name.Pos, $"unknown parameter '{name.Path}': expected one of {string.Join(", ", parameters.Keys)}");
        Bound? date = null;
        if (at)
        {
            date = BindExpr(c.Args[1]);
            Require(date, BaseType.Date, "the date of param_at");
        }
        Bound? key = null;
        int keyArg = at ? 2 : 1;
        if (c.Args.Count > keyArg)
        {
            if (p.Key == null) throw Err(c.Args[keyArg].Pos, $"parameter '{p.Name}' has no key");
            var ka = c.Args[keyArg];
            key = ka is StringLit ks ? EnumLiteral(ks, new ValueType(BaseType.Enum, p.Key)) : BindExpr(ka);
            if (key.Type.Base != BaseType.Enum || key.Type.Enum != p.Key)
                throw Err(ka.Pos, $"parameter '{p.Name}' is keyed by {p.Key.Name}, found {key.Type}");
        }
        else if (p.Key != null)
            throw Err(c.Pos, $"parameter '{p.Name}' is keyed by {p.Key.Name}: give the key, e.g. {c.Name}({p.Name}{(at ? ", date" : "")}, work.county)");
        return new BParam(c.Pos, p, key, date);
    }
}
