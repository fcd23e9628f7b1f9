using System.Security.Cryptography;

namespace TalentOne.Registry.Records;

/// <summary>The platform's secrets: the key that encrypts identity numbers, the key of their blind index, and the
/// talent-code signing key. Read from a keys folder (TalentOne:Keys, by default data/keys under the platform home);
/// a missing key is generated once and written there (owner-only), so a fresh machine starts without setup while a
/// production deployment mounts its own folder. Never in code, never in the database.</summary>
public sealed class PlatformKeys
{
    public required byte[] PersonalData { get; init; }
    public required byte[] BlindIndex { get; init; }
    public required ECDsa CodeSigning { get; init; }

    public static PlatformKeys LoadOrCreate(string folder)
    {
        Directory.CreateDirectory(folder);
        return new PlatformKeys
        {
            PersonalData = Symmetric(Path.Combine(folder, "personal-data.key")),
            BlindIndex = Symmetric(Path.Combine(folder, "blind-index.key")),
            CodeSigning = Signing(Path.Combine(folder, "code-signing.pem")),
        };
    }

    private static byte[] Symmetric(string file)
    {
        if (File.Exists(file))
        {
            var key = Convert.FromBase64String(File.ReadAllText(file).Trim());
            if (key.Length != 32) throw new InvalidOperationException($"{file} must hold 32 bytes in base64");
            return key;
        }
        var fresh = RandomNumberGenerator.GetBytes(32);
        WriteSecret(file, Convert.ToBase64String(fresh));
        return fresh;
    }

    private static ECDsa Signing(string file)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(file)) key.ImportFromPem(File.ReadAllText(file));
        else WriteSecret(file, key.ExportECPrivateKeyPem());
        return key;
    }

    private static void WriteSecret(string file, string content)
    {
        var tmp = file + ".tmp";
        File.WriteAllText(tmp, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, file, overwrite: false);
    }
}
