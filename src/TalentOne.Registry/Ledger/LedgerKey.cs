using System.Buffers.Binary;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace TalentOne.Registry.Ledger;

/// <summary>SM2 (GM/T 0003-2012) on sm2p256v1 with SM3 and the default user id "1234567812345678" — the platform's
/// ledger signing key, or (public part only) a key a verifier trusts.</summary>
public sealed class LedgerKey
{
    public const string FileName = "ledger-sm2.key";
    public static readonly ECDomainParameters Domain = DomainOf();
    private readonly ECPrivateKeyParameters? _private;

    public ECPublicKeyParameters Public { get; }
    /// <summary>Uncompressed point (0x04 ‖ x ‖ y), 65 bytes.</summary>
    public byte[] PublicKey { get; }
    /// <summary>Hex of the first 16 bytes of SM3(<see cref="PublicKey"/>).</summary>
    public string KeyId { get; }
    public bool CanSign => _private != null;

    private LedgerKey(ECPrivateKeyParameters? priv, ECPublicKeyParameters pub)
    {
        _private = priv;
        Public = pub;
        PublicKey = pub.Q.GetEncoded(false);
        KeyId = KeyIdOf(PublicKey);
    }

    private static ECDomainParameters DomainOf()
    {
        var x9 = GMNamedCurves.GetByName("sm2p256v1");
        return new ECDomainParameters(x9.Curve, x9.G, x9.N, x9.H);
    }

    public static string KeyIdOf(byte[] publicKey) => Convert.ToHexStringLower(LedgerHash.Sm3(publicKey).AsSpan(0, 16));

    public static LedgerKey FromPrivate(BigInteger d) =>
        new(new ECPrivateKeyParameters(d, Domain), new ECPublicKeyParameters(Domain.G.Multiply(d).Normalize(), Domain));

    /// <summary>A verifying key from its uncompressed (or compressed) point; throws on a point not on the curve.</summary>
    public static LedgerKey FromPublic(byte[] point) => new(null, new ECPublicKeyParameters(Domain.Curve.DecodePoint(point), Domain));

    public static LedgerKey Generate()
    {
        var g = new ECKeyPairGenerator();
        g.Init(new ECKeyGenerationParameters(Domain, new SecureRandom()));
        var pair = g.GenerateKeyPair();
        return FromPrivate(((ECPrivateKeyParameters)pair.Private).D);
    }

    /// <summary>The key in <c>ledger-sm2.key</c> of the keys folder (the private scalar as 64 hex digits), generated
    /// and written owner-only on first use, like the other platform keys.</summary>
    public static LedgerKey LoadOrCreate(string folder)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, FileName);
        if (File.Exists(file))
        {
            var hex = File.ReadAllText(file).Trim();
            if (hex.Length != 64) throw new InvalidOperationException($"{file} must hold the SM2 private key as 64 hex digits");
            return FromPrivate(new BigInteger(hex, 16));
        }
        var key = Generate();
        var tmp = file + ".tmp";
        File.WriteAllText(tmp, key._private!.D.ToString(16).PadLeft(64, '0'));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, file, overwrite: false);
        return key;
    }

    public byte[] Sign(byte[] message)
    {
        if (_private == null) throw new InvalidOperationException("This ledger key has no private part.");
        var s = new SM2Signer();
        s.Init(true, new ParametersWithRandom(_private, new SecureRandom()));
        s.BlockUpdate(message, 0, message.Length);
        return s.GenerateSignature();
    }

    public bool Verify(byte[] message, byte[] signature) => Verify(Public, message, signature);

    public static bool Verify(ICipherParameters publicKey, byte[] message, byte[] signature)
    {
        var s = new SM2Signer();
        s.Init(false, publicKey);
        s.BlockUpdate(message, 0, message.Length);
        try { return s.VerifySignature(signature); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException) { return false; }
    }

    /// <summary>What a head signature signs: UpToSeq (int64 big-endian) ‖ head hash (32 bytes).</summary>
    public static byte[] HeadMessage(long upToSeq, ReadOnlySpan<byte> headHash)
    {
        var m = new byte[8 + LedgerHash.Size];
        BinaryPrimitives.WriteInt64BigEndian(m, upToSeq);
        headHash.CopyTo(m.AsSpan(8));
        return m;
    }
}
