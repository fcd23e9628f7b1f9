using System.Security.Cryptography;
using TalentOne.Registry.Codes;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Tests;

public class TalentCodeTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly TalentCodeClaims Claims = new("code-1", "person-42", "person", "quzhou.tier7", Now, Now.AddMinutes(5));

    [Fact]
    public void A_fresh_token_is_valid_and_carries_no_identity_number()
    {
        var signer = new TalentCodeSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var token = signer.Sign(Claims);
        Assert.Equal(TokenCheck.Valid, signer.Check(token, Now.AddMinutes(1), out var c));
        Assert.Equal(Claims, c);
        Assert.True(token.Length < 400, $"token too long for a QR code: {token.Length}");
    }

    [Fact]
    public void A_scanner_verifies_with_the_public_key_only()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = new TalentCodeSigner(key).Sign(Claims);
        var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        Assert.Equal(TokenCheck.Valid, new TalentCodeSigner(publicOnly).Check(token, Now, out _));
    }

    [Fact]
    public void Expired_tampered_foreign_and_garbage_tokens_are_refused_with_a_reason()
    {
        var signer = new TalentCodeSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var token = signer.Sign(Claims);
        Assert.Equal(TokenCheck.Expired, signer.Check(token, Now.AddMinutes(5), out var c));
        Assert.Null(c);

        var forged = new TalentCodeSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256)).Sign(Claims with { Category = "quzhou.tier1" });
        var spliced = forged.Split('.')[0] + "." + token.Split('.')[1];
        Assert.Equal(TokenCheck.Tampered, signer.Check(spliced, Now, out _));
        Assert.Equal(TokenCheck.Tampered, signer.Check(forged, Now, out _));

        Assert.Equal(TokenCheck.Malformed, signer.Check("not a token", Now, out _));
        Assert.Equal(TokenCheck.Malformed, signer.Check(null, Now, out _));
        Assert.Equal(TokenCheck.Malformed, signer.Check("@@@.###", Now, out _));
        Assert.Equal("二维码校验失败（可能被篡改），请勿办理", TalentCodeSigner.Explain(TokenCheck.Tampered));
    }
}
