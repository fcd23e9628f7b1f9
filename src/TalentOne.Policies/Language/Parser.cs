using System.Globalization;

namespace TalentOne.Policies.Language;

/// <summary>Recursive-descent parser for the grammar in docs/expression-language.md.</summary>
public sealed class Parser
{
    private readonly List<Token> _t;
    private int _p;

    private sealed class ParseError(CatalogError error) : Exception(error.Message)
    {
        public CatalogError Error { get; } = error;
    }

    private Parser(List<Token> tokens) { _t = tokens; }

    /// <summary>Parses one expression; returns null and adds an error when the text is not valid.</summary>
    public static Expr? Parse(string text, SourcePos start, List<CatalogError> errors)
    {
        var lexErrors = new List<CatalogError>();
        var tokens = new Lexer(text, start, lexErrors).Tokenize();
        if (lexErrors.Count > 0) { errors.Add(lexErrors[0]); return null; }
        var p = new Parser(tokens);
        try
        {
            if (p.Cur.Kind == TokenKind.End) throw new ParseError(new CatalogError(p.Cur.Pos, "expected an expression, found nothing"));
            var e = p.ParseExpr();
            if (p.Cur.Kind != TokenKind.End)
                throw p.Error($"expected an operator or the end of the expression, found {p.Cur.Describe()}");
            return e;
        }
        catch (ParseError pe)
        {
            errors.Add(pe.Error);
            return null;
        }
    }

    private Token Cur => _t[_p];
    private Token Next() => _t[_p++];
    private bool IsKeyword(string k) => Cur.Kind == TokenKind.Ident && Cur.Text == k;
    private ParseError Error(string msg) => new(new CatalogError(Cur.Pos, msg));

    private void Expect(TokenKind kind, string what)
    {
        if (Cur.Kind != kind) throw Error($"expected {what}, found {Cur.Describe()}");
        _p++;
    }

    private void ExpectKeyword(string k)
    {
        if (!IsKeyword(k)) throw Error($"expected '{k}', found {Cur.Describe()}");
        _p++;
    }

    private Expr ParseExpr()
    {
        if (IsKeyword("if"))
        {
            var pos = Next().Pos;
            var c = ParseExpr();
            ExpectKeyword("then");
            var a = ParseExpr();
            ExpectKeyword("else");
            var b = ParseExpr();
            return new IfExpr(pos, c, a, b);
        }
        return ParseOr();
    }

    private Expr ParseOr()
    {
        var l = ParseAnd();
        while (IsKeyword("or")) { var pos = Next().Pos; l = new BinaryExpr(pos, "or", l, ParseAnd()); }
        return l;
    }

    private Expr ParseAnd()
    {
        var l = ParseNot();
        while (IsKeyword("and")) { var pos = Next().Pos; l = new BinaryExpr(pos, "and", l, ParseNot()); }
        return l;
    }

    private Expr ParseNot()
    {
        if (IsKeyword("not")) { var pos = Next().Pos; return new UnaryExpr(pos, "not", ParseNot()); }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var l = ParseSum();
        if (Cur.Kind == TokenKind.Op && Cur.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            var op = Next();
            var r = ParseSum();
            if (Cur.Kind == TokenKind.Op && Cur.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
                throw Error("comparisons do not chain: combine them with 'and'");
            return new BinaryExpr(op.Pos, op.Text, l, r);
        }
        bool negated = false;
        SourcePos inPos = Cur.Pos;
        if (IsKeyword("not") && _t[_p + 1].Kind == TokenKind.Ident && _t[_p + 1].Text == "in") { negated = true; Next(); }
        if (IsKeyword("in"))
        {
            Next();
            if (Cur.Kind == TokenKind.LBrace)
            {
                Next();
                var members = new List<Expr> { ParseSum() };
                while (Cur.Kind == TokenKind.Comma) { Next(); members.Add(ParseSum()); }
                Expect(TokenKind.RBrace, "',' or '}'");
                return new InExpr(inPos, l, negated, members, null);
            }
            if (Cur.Kind == TokenKind.Ident)
            {
                var t = Next();
                return new InExpr(inPos, l, negated, null, new PathExpr(t.Pos, t.Text));
            }
            throw Error($"expected '{{' or a set name after 'in', found {Cur.Describe()}");
        }
        if (negated) throw Error("expected 'in' after 'not'");
        return l;
    }

    private Expr ParseSum()
    {
        var l = ParseProduct();
        while (Cur.Kind == TokenKind.Op && Cur.Text is "+" or "-")
        {
            var op = Next();
            l = new BinaryExpr(op.Pos, op.Text, l, ParseProduct());
        }
        return l;
    }

    private Expr ParseProduct()
    {
        var l = ParseUnary();
        while (Cur.Kind == TokenKind.Op && Cur.Text is "*" or "/")
        {
            var op = Next();
            l = new BinaryExpr(op.Pos, op.Text, l, ParseUnary());
        }
        return l;
    }

    private Expr ParseUnary()
    {
        if (Cur.Kind == TokenKind.Op && Cur.Text == "-")
        {
            var pos = Next().Pos;
            return new UnaryExpr(pos, "-", ParseUnary());
        }
        return ParsePrimary();
    }

    private static readonly HashSet<string> Reserved = ["if", "then", "else", "and", "or", "not", "in"];

    private Expr ParsePrimary()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Next();
                return new NumberLit(t.Pos, double.Parse(t.Text, CultureInfo.InvariantCulture));
            case TokenKind.Date:
                Next();
                return new DateLit(t.Pos, DateOnly.TryParseExact(t.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : default);
            case TokenKind.String:
                Next();
                return new StringLit(t.Pos, t.Text);
            case TokenKind.LParen:
                Next();
                var e = ParseExpr();
                Expect(TokenKind.RParen, "')'");
                return e;
            case TokenKind.Ident:
                if (Reserved.Contains(t.Text)) throw Error($"expected a value, found keyword '{t.Text}'");
                Next();
                if (t.Text == "true") return new BoolLit(t.Pos, true);
                if (t.Text == "false") return new BoolLit(t.Pos, false);
                if (t.Text == "today") return new TodayExpr(t.Pos);
                if (Cur.Kind == TokenKind.LParen)
                {
                    Next();
                    var args = new List<Expr>();
                    if (Cur.Kind != TokenKind.RParen)
                    {
                        args.Add(ParseExpr());
                        while (Cur.Kind == TokenKind.Comma) { Next(); args.Add(ParseExpr()); }
                    }
                    Expect(TokenKind.RParen, "',' or ')'");
                    return new CallExpr(t.Pos, t.Text, args);
                }
                return new PathExpr(t.Pos, t.Text);
            default:
                throw Error($"expected a value (number, date, string, name or '('), found {t.Describe()}");
        }
    }
}
