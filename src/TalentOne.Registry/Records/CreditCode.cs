namespace TalentOne.Registry.Records;

/// <summary>统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (no I, O, S, V, Z), the last a
/// check character over the first 17.</summary>
public readonly record struct CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public string Value { get; }
    private CreditCode(string value) => Value = value;

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        int sum = 0;
        for (int i = 0; i < 17; i++) sum += Alphabet.IndexOf(first17[i]) * Weights[i];
        return Alphabet[(31 - sum % 31) % 31];
    }

    public static bool TryParse(string? input, out CreditCode code, out string? error)
    {
        code = default;
        var v = (input ?? "").Trim().ToUpperInvariant();
        if (v.Length == 0) { error = "请填写统一社会信用代码"; return false; }
        if (v.Length != 18) { error = $"统一社会信用代码应为 18 位，当前为 {v.Length} 位"; return false; }
        foreach (var c in v)
            if (Alphabet.IndexOf(c) < 0) { error = $"统一社会信用代码含有无效字符“{c}”（不使用 I、O、S、V、Z）"; return false; }
        if (CheckCharacter(v.AsSpan(0, 17)) != v[17]) { error = "统一社会信用代码校验位不正确，请核对"; return false; }
        code = new CreditCode(v);
        error = null;
        return true;
    }

    /// <summary>91330800MA2******X: the registration authority and region stay readable, the organisation code is hidden.</summary>
    public static string Mask(string value) => value.Length == 18 ? value[..8] + "******" + value[14..] : "******";

    public string Masked => Mask(Value);
    public override string ToString() => Masked;
}
