using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TalentOne.Registry.Codes;

/// <summary>What a talent or enterprise code (人才码 · 企业码) carries: who, which category, what a service provider
/// may see, and until when. Never an identity number.</summary>
public sealed record TalentCodeClaims(string CodeId, string Subject, string Kind, string? Category, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

public enum TokenCheck { Valid, Malformed, Tampered, Expired }

/// <summary>Signs and checks the token inside a talent code's QR image: base64url(JSON claims) "." base64url(ECDSA
/// P-256 signature over the first part). Compact enough for a QR code; verifiable with the public key alone, so a
/// scanning service provider needs no secret. Revocation is checked separately against the register by code id.</summary>
public sealed class TalentCodeSigner(ECDsa key)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Sign(TalentCodeClaims claims)
    {
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        var signature = key.SignData(Encoding.ASCII.GetBytes(payload), HashAlgorithmName.SHA256);
        return payload + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Checks a scanned token at <paramref name="now"/>: malformed, tampered (signature does not match) or
    /// expired tokens are refused with the reason; claims are returned only for a valid one.</summary>
    public TokenCheck Check(string? token, DateTimeOffset now, out TalentCodeClaims? claims)
    {
        claims = null;
        var check = Decode(token, out var c);
        if (check != TokenCheck.Valid) return check;
        if (now >= c!.ExpiresAt) return TokenCheck.Expired;
        claims = c;
        return TokenCheck.Valid;
    }

    /// <summary>The claims of a token whose signature verifies, expired or not: they can be trusted to name the code
    /// (e.g. in the record of a scan that was refused because the code had expired).</summary>
    public TalentCodeClaims? SignedClaims(string? token) => Decode(token, out var c) == TokenCheck.Valid ? c : null;

    private TokenCheck Decode(string? token, out TalentCodeClaims? claims)
    {
        claims = null;
        var parts = (token ?? "").Split('.');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0) return TokenCheck.Malformed;
        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[0]);
            signature = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException) { return TokenCheck.Malformed; }
        if (!key.VerifyData(Encoding.ASCII.GetBytes(parts[0]), signature, HashAlgorithmName.SHA256)) return TokenCheck.Tampered;
        try { claims = JsonSerializer.Deserialize<TalentCodeClaims>(payload, Json); }
        catch (JsonException) { return TokenCheck.Malformed; }
        return claims == null ? TokenCheck.Malformed : TokenCheck.Valid;
    }

    /// <summary>The refusal a scanning page shows, in Chinese.</summary>
    public static string Explain(TokenCheck check) => check switch
    {
        TokenCheck.Valid => "人才码有效",
        TokenCheck.Malformed => "无法识别的二维码，请让持码人刷新后重新出示",
        TokenCheck.Tampered => "二维码校验失败（可能被篡改），请勿办理",
        TokenCheck.Expired => "人才码已过期，请让持码人刷新后重新出示",
        _ => "",
    };
}
