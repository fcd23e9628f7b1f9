using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using TalentOne.Registry.Ledger;

namespace TalentOne.Registry.Tests;

/// <summary>The ledger's cryptography against the standards' published examples: SM3 (GM/T 0004-2012 Appendix A) and
/// an SM2 signature (GM/T 0003.5-2012 Appendix A, the example curve), plus the properties the ledger relies on.</summary>
public class LedgerCryptoTests
{
    [Fact]
    public void Sm3_matches_the_GMT_0004_examples()
    {
        Assert.Equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
            Convert.ToHexStringLower(LedgerHash.Sm3("abc"u8)));
        Assert.Equal("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
            Convert.ToHexStringLower(LedgerHash.Sm3(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcd", 16))))));
    }

    [Fact]
    public void The_published_GMT_0003_example_signature_verifies_and_a_changed_one_does_not()
    {
        // GM/T 0003.5-2012 Appendix A.2: the Fp-256 example curve, signer ALICE123@YAHOO.COM, message "message digest".
        var p = new BigInteger("8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3", 16);
        var a = new BigInteger("787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498", 16);
        var b = new BigInteger("63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A", 16);
        var n = new BigInteger("8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7", 16);
        var curve = new FpCurve(p, a, b, n, BigInteger.One);
        var g = curve.CreatePoint(new BigInteger("421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D", 16),
            new BigInteger("0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2", 16));
        var domain = new ECDomainParameters(curve, g, n, BigInteger.One);
        var d = new BigInteger("128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263", 16);
        var publicKey = new ECPublicKeyParameters(g.Multiply(d).Normalize(), domain);
        // The public key printed in the standard.
        Assert.Equal("0ae4c7798aa0f119471bee11825be46202bb79e2a5844495e97c04ff4df2548a", publicKey.Q.AffineXCoord.ToBigInteger().ToString(16).PadLeft(64, '0'));
        var withId = new ParametersWithID(publicKey, Encoding.ASCII.GetBytes("ALICE123@YAHOO.COM"));
        var message = Encoding.ASCII.GetBytes("message digest");
        var r = new BigInteger("40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1", 16);
        var s = new BigInteger("6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7", 16);
        Assert.True(LedgerKey.Verify(withId, message, Der(r, s)));
        Assert.False(LedgerKey.Verify(withId, message, Der(r, s.Add(BigInteger.One))));
        Assert.False(LedgerKey.Verify(withId, Encoding.ASCII.GetBytes("message digesT"), Der(r, s)));
    }

    private static byte[] Der(BigInteger r, BigInteger s) => new DerSequence(new DerInteger(r), new DerInteger(s)).GetEncoded();

    [Fact]
    public void An_sm2_signature_round_trips_and_refuses_a_changed_message_signature_or_key()
    {
        var key = LedgerKey.Generate();
        var message = LedgerKey.HeadMessage(42, LedgerHash.Sm3("head"u8));
        var signature = key.Sign(message);
        Assert.True(key.Verify(message, signature));
        Assert.True(LedgerKey.FromPublic(key.PublicKey).Verify(message, signature));
        Assert.False(key.Verify(LedgerKey.HeadMessage(43, LedgerHash.Sm3("head"u8)), signature));
        var bad = (byte[])signature.Clone();
        bad[^3] ^= 1;
        Assert.False(key.Verify(message, bad));
        Assert.False(key.Verify(message, [1, 2, 3]));
        Assert.False(LedgerKey.Generate().Verify(message, signature));
        Assert.Equal(65, key.PublicKey.Length);
        Assert.Equal(32, key.KeyId.Length);
    }

    [Fact]
    public void The_key_file_is_created_owner_only_and_read_back()
    {
        var folder = Path.Combine(Path.GetTempPath(), "talentone-ledger-key-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var first = LedgerKey.LoadOrCreate(folder);
            var again = LedgerKey.LoadOrCreate(folder);
            Assert.Equal(first.KeyId, again.KeyId);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, LedgerKey.FileName)));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void The_entry_hash_follows_the_documented_encoding()
    {
        // docs/ledger.md: content = seq ‖ len(kind) kind ‖ micros ‖ case? ‖ subject? ‖ len(payload) payload; hash = SM3(prev ‖ SM3(content)).
        var at = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero).AddTicks(1234560);
        var content = new List<byte>();
        content.AddRange(BigEndian(7));
        content.AddRange([0, 0, 0, 4]); content.AddRange("test"u8.ToArray());
        content.AddRange(BigEndian(LedgerHash.Micros(at)));
        content.Add(0);
        content.Add(1); content.AddRange(BigEndian(99));
        var payload = Encoding.UTF8.GetBytes("{\"a\":\"认定\"}");
        content.AddRange([0, 0, 0, (byte)payload.Length]); content.AddRange(payload);
        var prev = LedgerHash.Sm3("prev"u8);
        var expected = LedgerHash.Sm3([.. prev, .. LedgerHash.Sm3(content.ToArray())]);
        Assert.Equal(expected, new LedgerHash().EntryHash(prev, 7, "test", at, null, 99, "{\"a\":\"认定\"}"));
        Assert.Equal(1_795_420_800_123_456, LedgerHash.Micros(at));
    }

    [Fact]
    public void Canonical_json_sorts_keys_and_drops_whitespace()
    {
        Assert.Equal("{\"a\":[{\"x\":1,\"y\":\"认定\"}],\"b\":null}", LedgerHash.CanonicalJson(System.Text.Json.Nodes.JsonNode.Parse("{ \"b\": null, \"a\": [ {\"y\": \"认定\", \"x\": 1} ] }")));
        Assert.Equal("{\"Id\":3,\"Name\":\"x\"}", LedgerHash.CanonicalJson(new { Name = "x", Id = 3 }));
    }

    private static byte[] BigEndian(long v) { var b = BitConverter.GetBytes(v); if (BitConverter.IsLittleEndian) Array.Reverse(b); return b; }
}
