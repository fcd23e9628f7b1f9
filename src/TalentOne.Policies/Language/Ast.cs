namespace TalentOne.Policies.Language;

/// <summary>A position in a catalog file: 1-based line and column.</summary>
public readonly record struct SourcePos(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>A catalog error with its exact position and what was expected.</summary>
public sealed record CatalogError(SourcePos Pos, string Message)
{
    public override string ToString() => $"{Pos}: {Message}";
}

public sealed class CatalogException(IReadOnlyList<CatalogError> errors)
    : Exception(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
{
    public IReadOnlyList<CatalogError> Errors { get; } = errors;
}

/// <summary>Syntax tree of the expression language (see docs/expression-language.md).</summary>
public abstract record Expr(SourcePos Pos);

public sealed record NumberLit(SourcePos Pos, double Value) : Expr(Pos);
public sealed record BoolLit(SourcePos Pos, bool Value) : Expr(Pos);
public sealed record DateLit(SourcePos Pos, DateOnly Value) : Expr(Pos);
public sealed record StringLit(SourcePos Pos, string Value) : Expr(Pos);
public sealed record TodayExpr(SourcePos Pos) : Expr(Pos);
public sealed record PathExpr(SourcePos Pos, string Path) : Expr(Pos);
public sealed record CallExpr(SourcePos Pos, string Name, IReadOnlyList<Expr> Args) : Expr(Pos);
public sealed record UnaryExpr(SourcePos Pos, string Op, Expr Operand) : Expr(Pos);
public sealed record BinaryExpr(SourcePos Pos, string Op, Expr Left, Expr Right) : Expr(Pos);
public sealed record IfExpr(SourcePos Pos, Expr Cond, Expr Then, Expr Else) : Expr(Pos);
public sealed record InExpr(SourcePos Pos, Expr Item, bool Negated, IReadOnlyList<Expr>? Members, PathExpr? SetPath) : Expr(Pos);
