using System.Globalization;

namespace TalentOne.Policies.Language;

public enum TokenKind { Number, Date, String, Ident, Op, LParen, RParen, LBrace, RBrace, Comma, End }

public readonly record struct Token(TokenKind Kind, string Text, SourcePos Pos)
{
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => $"string \"{Text}\"",
        TokenKind.Number => $"number {Text}",
        TokenKind.Date => $"date {Text}",
        _ => $"'{Text}'",
    };
}

/// <summary>Splits expression text into tokens, tracking file line and column.</summary>
public sealed class Lexer
{
    private readonly string _text;
    private readonly string _file;
    private int _i, _line, _col;
    private readonly List<CatalogError> _errors;

    public Lexer(string text, SourcePos start, List<CatalogError> errors)
    {
        _text = text; _file = start.File; _line = start.Line; _col = start.Column; _errors = errors;
    }

    private SourcePos Here => new(_file, _line, _col);

    private void Advance()
    {
        if (_text[_i] == '\n') { _line++; _col = 1; } else _col++;
        _i++;
    }

    private char Peek(int k = 0) => _i + k < _text.Length ? _text[_i + k] : '\0';

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            while (_i < _text.Length)
            {
                char c = _text[_i];
                if (char.IsWhiteSpace(c)) { Advance(); continue; }
                if (c == '#') { while (_i < _text.Length && _text[_i] != '\n') Advance(); continue; }
                break;
            }
            if (_i >= _text.Length) { tokens.Add(new Token(TokenKind.End, "", Here)); return tokens; }
            var pos = Here;
            char ch = _text[_i];
            if (char.IsAsciiDigit(ch))
            {
                int s = _i;
                while (char.IsAsciiDigit(Peek()) || Peek() == '_') Advance();
                // a date: dddd-dd-dd
                if (_i - s == 4 && Peek() == '-' && char.IsAsciiDigit(Peek(1)) && char.IsAsciiDigit(Peek(2)) && Peek(3) == '-'
                    && char.IsAsciiDigit(Peek(4)) && char.IsAsciiDigit(Peek(5)))
                {
                    for (int k = 0; k < 6; k++) Advance();
                    var txt = _text[s.._i];
                    if (!DateOnly.TryParseExact(txt, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                        _errors.Add(new CatalogError(pos, $"'{txt}' is not a valid date (expected yyyy-mm-dd)"));
                    tokens.Add(new Token(TokenKind.Date, txt, pos));
                    continue;
                }
                if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
                {
                    Advance();
                    while (char.IsAsciiDigit(Peek()) || Peek() == '_') Advance();
                }
                tokens.Add(new Token(TokenKind.Number, _text[s.._i].Replace("_", ""), pos));
                continue;
            }
            if (char.IsLetter(ch) || ch == '_')
            {
                int s = _i;
                while (char.IsLetterOrDigit(Peek()) || Peek() == '_' || (Peek() == '.' && (char.IsLetter(Peek(1)) || Peek(1) == '_'))) Advance();
                tokens.Add(new Token(TokenKind.Ident, _text[s.._i], pos));
                continue;
            }
            if (ch == '"')
            {
                Advance();
                int s = _i;
                while (_i < _text.Length && _text[_i] != '"' && _text[_i] != '\n') Advance();
                if (Peek() != '"') { _errors.Add(new CatalogError(pos, "unterminated string: expected a closing '\"'")); tokens.Add(new Token(TokenKind.End, "", Here)); return tokens; }
                var str = _text[s.._i];
                Advance();
                tokens.Add(new Token(TokenKind.String, str, pos));
                continue;
            }
            string two = _i + 1 < _text.Length ? _text.Substring(_i, 2) : "";
            if (two is "==" or "!=" or "<=" or ">=")
            {
                Advance(); Advance();
                tokens.Add(new Token(TokenKind.Op, two, pos));
                continue;
            }
            Advance();
            switch (ch)
            {
                case '<' or '>' or '+' or '-' or '*' or '/': tokens.Add(new Token(TokenKind.Op, ch.ToString(), pos)); break;
                case '(': tokens.Add(new Token(TokenKind.LParen, "(", pos)); break;
                case ')': tokens.Add(new Token(TokenKind.RParen, ")", pos)); break;
                case '{': tokens.Add(new Token(TokenKind.LBrace, "{", pos)); break;
                case '}': tokens.Add(new Token(TokenKind.RBrace, "}", pos)); break;
                case ',': tokens.Add(new Token(TokenKind.Comma, ",", pos)); break;
                case '=': _errors.Add(new CatalogError(pos, "unexpected '=': use '==' to compare")); break;
                case '&' or '|' or '!': _errors.Add(new CatalogError(pos, $"unexpected '{ch}': use 'and', 'or', 'not'")); break;
                case '?' or ':': _errors.Add(new CatalogError(pos, $"unexpected '{ch}': write 'if c then a else b'")); break;
                default: _errors.Add(new CatalogError(pos, $"unexpected character '{ch}'")); break;
            }
        }
    }
}
