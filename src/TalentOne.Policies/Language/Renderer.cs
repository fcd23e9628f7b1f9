using System.Globalization;
using TalentOne.Policies.Schema;
using ValueType = TalentOne.Policies.Schema.ValueType;

namespace TalentOne.Policies.Language;

/// <summary>Renders a bound expression in readable Chinese for the catalog browser and explanations.</summary>
public static class Renderer
{
    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "未知";
        if (Math.Abs(v) >= 10000 && v % 10000 == 0) return (v / 10000).ToString("0.####", CultureInfo.InvariantCulture) + "万";
        return v.ToString("0.####", CultureInfo.InvariantCulture);
    }

    public static string Date(double day) => double.IsNaN(day) ? "未知" : DateOnly.FromDayNumber((int)day).ToString("yyyy年M月d日", CultureInfo.InvariantCulture);

    public static string Value(ValueType t, double v) => t.Base switch
    {
        _ when double.IsNaN(v) => "未知",
        BaseType.Bool => v == 1 ? "是" : "否",
        BaseType.Date => Date(v),
        BaseType.Enum => t.Enum!.LabelOf(v),
        _ => Number(v),
    };

    private static string Op(string op) => op switch
    {
        "==" => "为", "!=" => "不为", "<" => "<", "<=" => "≤", ">" => ">", ">=" => "≥",
        "and" => "且", "or" => "或", "*" => "×", "/" => "÷", _ => op,
    };

    public static string Render(Bound b, bool top = true) => b switch
    {
        BConst c => Value(c.Type, c.Value),
        BFact f => f.Fact.Label,
        BSetMember s => $"{s.Fact.Label}包含“{s.Member.Label}”",
        BDefinition d => d.Def.Title ?? d.Def.Name,
        BToday => "评估日",
        BParam { At: null, Key: null } p => p.Param.Title,
        BParam { At: null } p => $"{p.Param.Title}（按{Render(p.Key!, false)}）",
        BParam p => $"{Render(p.At!, false)}时的{p.Param.Title}{(p.Key != null ? $"（按{Render(p.Key, false)}）" : "")}",
        BUnary { Op: "not" } u => $"并非（{Render(u.Operand)}）",
        BUnary u => "-" + Render(u.Operand, false),
        BBinary { Op: "and" or "or" } x => Wrap($"{Render(x.Left, false)} {Op(x.Op)} {Render(x.Right, false)}", top),
        BBinary { Op: "+" or "-" or "*" or "/" } x => Wrap($"{Render(x.Left, false)} {Op(x.Op)} {Render(x.Right, false)}", top),
        BBinary x => $"{Render(x.Left, false)}{(x.Op is "==" or "!=" ? Op(x.Op) : " " + Op(x.Op) + " ")}{Render(x.Right, false)}",
        BIf i => Wrap($"若{Render(i.Cond)}则{Render(i.Then)}，否则{Render(i.Else)}", top),
        BIn n => $"{Render(n.Item, false)}{(n.Negated ? "不属于" : "属于")}{n.Display}",
        BKnown k => $"已填写{Render(k.Arg, false)}",
        BCall { Name: "years_between" } c when c.Args[1] is BToday => $"{Render(c.Args[0], false)}至今的整年数",
        BCall { Name: "months_between" } c when c.Args[1] is BToday => $"{Render(c.Args[0], false)}至今的整月数",
        BCall { Name: "days_between" } c when c.Args[1] is BToday => $"{Render(c.Args[0], false)}至今的天数",
        BCall { Name: "years_between" } c => $"{Render(c.Args[0], false)}至{Render(c.Args[1], false)}的整年数",
        BCall { Name: "months_between" } c => $"{Render(c.Args[0], false)}至{Render(c.Args[1], false)}的整月数",
        BCall { Name: "days_between" } c => $"{Render(c.Args[0], false)}至{Render(c.Args[1], false)}的天数",
        BCall { Name: "add_years" } c => $"{Render(c.Args[0], false)}后{Render(c.Args[1], false)}年",
        BCall { Name: "add_months" } c => $"{Render(c.Args[0], false)}后{Render(c.Args[1], false)}个月",
        BCall { Name: "add_days" } c => $"{Render(c.Args[0], false)}后{Render(c.Args[1], false)}天",
        BCall { Name: "min" } c => $"{string.Join("与", c.Args.Select(a => Render(a, false)))}中较小者",
        BCall { Name: "max" } c => $"{string.Join("与", c.Args.Select(a => Render(a, false)))}中较大者",
        BCall c => $"{c.Name}({string.Join(", ", c.Args.Select(a => Render(a, false)))})",
        _ => b.ToString(),
    };

    private static string Wrap(string s, bool top) => top ? s : $"（{s}）";
}
