using System.Globalization;

namespace TalentOne.Registry.Records;

/// <summary>A Chinese resident identity number (公民身份号码, GB 11643-1999): 6-digit address code, 8-digit birth
/// date, 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character (0–9 or X).</summary>
public readonly record struct ResidentId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    public string Value { get; }
    public DateOnly BirthDate { get; }
    public string AddressCode => Value[..6];
    /// <summary>The province-level part of the address code (e.g. 33 for 浙江).</summary>
    public string ProvinceCode => Value[..2];
    public bool IsMale => (Value[16] - '0') % 2 == 1;

    private ResidentId(string value, DateOnly birth) { Value = value; BirthDate = birth; }

    /// <summary>The check character for the first 17 digits.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        int sum = 0;
        for (int i = 0; i < 17; i++) sum += (first17[i] - '0') * Weights[i];
        return CheckChars[sum % 11];
    }

    /// <summary>Validates and normalises (upper-case X, spaces removed). On failure <paramref name="error"/> says why, in Chinese.</summary>
    public static bool TryParse(string? input, DateOnly today, out ResidentId id, out string? error)
    {
        id = default;
        var s = (input ?? "").Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
        if (s.Length != 18) { error = "身份证号码应为 18 位"; return false; }
        for (int i = 0; i < 17; i++)
            if (!char.IsAsciiDigit(s[i])) { error = "身份证号码前 17 位应为数字"; return false; }
        if (!char.IsAsciiDigit(s[17]) && s[17] != 'X') { error = "身份证号码最后一位应为数字或 X"; return false; }
        if (s[0] is '0' or '9' || s[..2] is "10" or "20" or "30" or "40" or "50" or "60" or "70" or "80")
        { error = "身份证号码的地址码无效"; return false; }
        if (!DateOnly.TryParseExact(s.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1900 || birth > today)
        { error = "身份证号码中的出生日期无效"; return false; }
        if (CheckCharacter(s) != s[17]) { error = "身份证号码校验位不正确，请核对"; return false; }
        id = new ResidentId(s, birth);
        error = null;
        return true;
    }

    /// <summary>Shown everywhere instead of the number: the first 3 and last 2 characters, e.g. 330***********123X → "330*************3X".</summary>
    public string Masked => Mask(Value);

    public static string Mask(string value) =>
        value.Length <= 5 ? new string('*', value.Length) : value[..3] + new string('*', value.Length - 5) + value[^2..];

    /// <summary>Never the number itself: a record printed or logged by mistake shows the mask.</summary>
    public override string ToString() => Masked;
}
