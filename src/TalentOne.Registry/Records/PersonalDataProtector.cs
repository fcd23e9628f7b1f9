using System.Security.Cryptography;
using System.Text;

namespace TalentOne.Registry.Records;

/// <summary>Protects identity numbers at rest: AES-256-GCM encryption (random nonce, authenticated) for the value,
/// and an HMAC-SHA256 blind index so that "one person, one record" can be enforced by a unique index without
/// storing or comparing the plain number. The two keys are distinct and come from configuration, never the code.</summary>
public sealed class PersonalDataProtector
{
    private const byte Version = 1;
    private readonly byte[] _encryptionKey;
    private readonly byte[] _indexKey;

    public PersonalDataProtector(byte[] encryptionKey, byte[] indexKey)
    {
        if (encryptionKey.Length != 32) throw new ArgumentException("the encryption key must be 32 bytes", nameof(encryptionKey));
        if (indexKey.Length < 32) throw new ArgumentException("the index key must be at least 32 bytes", nameof(indexKey));
        if (encryptionKey.AsSpan().SequenceEqual(indexKey)) throw new ArgumentException("the two keys must differ");
        _encryptionKey = encryptionKey;
        _indexKey = indexKey;
    }

    /// <summary>version (1) ‖ nonce (12) ‖ tag (16) ‖ ciphertext.</summary>
    public byte[] Encrypt(string plain)
    {
        var data = Encoding.UTF8.GetBytes(plain);
        var output = new byte[1 + 12 + 16 + data.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, 16);
        aes.Encrypt(nonce, data, output.AsSpan(29), output.AsSpan(13, 16));
        return output;
    }

    /// <summary>Decrypts; a tampered or foreign value throws <see cref="CryptographicException"/>.</summary>
    public string Decrypt(byte[] protectedValue)
    {
        if (protectedValue.Length < 29 || protectedValue[0] != Version) throw new CryptographicException("not a protected value of this platform");
        var plain = new byte[protectedValue.Length - 29];
        using var aes = new AesGcm(_encryptionKey, 16);
        aes.Decrypt(protectedValue.AsSpan(1, 12), protectedValue.AsSpan(29), protectedValue.AsSpan(13, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>The blind index of a normalised value (hex): equal numbers give equal indexes, nothing else can be read from it.</summary>
    public string BlindIndex(string normalised) =>
        Convert.ToHexString(HMACSHA256.HashData(_indexKey, Encoding.UTF8.GetBytes(normalised))).ToLowerInvariant();
}
