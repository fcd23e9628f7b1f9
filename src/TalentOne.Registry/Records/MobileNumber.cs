namespace TalentOne.Registry.Records;

/// <summary>A mainland China mobile number: 11 digits starting with 1 and a second digit 3–9 (an optional +86 or 86
/// prefix, spaces and hyphens are accepted and removed).</summary>
public readonly record struct MobileNumber
{
    public string Value { get; }
    private MobileNumber(string value) => Value = value;

    public static bool TryParse(string? input, out MobileNumber number, out string? error)
    {
        number = default;
        var s = new string((input ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (s.StartsWith("+86", StringComparison.Ordinal)) s = s[3..];
        else if (s.Length == 13 && s.StartsWith("86", StringComparison.Ordinal)) s = s[2..];
        if (s.Length != 11 || !s.All(char.IsAsciiDigit)) { error = "手机号码应为 11 位数字"; return false; }
        if (s[0] != '1' || s[1] < '3') { error = "手机号码应以 13–19 开头"; return false; }
        number = new MobileNumber(s);
        error = null;
        return true;
    }

    /// <summary>138****5678.</summary>
    public string Masked => Value[..3] + "****" + Value[^4..];

    public override string ToString() => Masked;
}
