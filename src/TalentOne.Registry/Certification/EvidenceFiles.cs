using System.Security.Cryptography;

namespace TalentOne.Registry.Certification;

/// <summary>An uploaded file as received: the field (evidence kind) it was attached under, the name the browser gave it
/// (display text only), its size and its bytes — for a file over <see cref="EvidenceFiles.MaxBytes"/> only the first
/// bytes, as it is refused anyway.</summary>
public sealed record EvidenceUpload(string KindId, string FileName, long Size, byte[] Content)
{
    public EvidenceUpload(string kindId, string fileName, byte[] content) : this(kindId, fileName, content.Length, content) { }
}

/// <summary>What evidence files may be. A file's type is taken from its first bytes (a PDF starts with %PDF-, a PNG
/// and a JPEG with their signatures), never from its name or the content type the client claims, so a renamed
/// executable is refused and the type served back is the one checked.</summary>
public static class EvidenceFiles
{
    /// <summary>10 MB per file.</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    /// <summary>Files per application.</summary>
    public const int MaxFiles = 10;

    public static EvidenceFileType? ParseType(string text) => text.Trim().ToLowerInvariant() switch
    {
        "pdf" => EvidenceFileType.Pdf,
        "jpg" or "jpeg" => EvidenceFileType.Jpg,
        "png" => EvidenceFileType.Png,
        _ => null,
    };

    public static string Code(EvidenceFileType t) => t switch
    {
        EvidenceFileType.Pdf => "pdf",
        EvidenceFileType.Jpg => "jpg",
        _ => "png",
    };

    public static string ContentType(EvidenceFileType t) => t switch
    {
        EvidenceFileType.Pdf => "application/pdf",
        EvidenceFileType.Jpg => "image/jpeg",
        _ => "image/png",
    };

    public static EvidenceFileType? FromContentType(string contentType) => contentType switch
    {
        "application/pdf" => EvidenceFileType.Pdf,
        "image/jpeg" => EvidenceFileType.Jpg,
        "image/png" => EvidenceFileType.Png,
        _ => null,
    };

    /// <summary>The type the bytes are, or null when they are none of the accepted ones.</summary>
    public static EvidenceFileType? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 5 && b[..5].SequenceEqual("%PDF-"u8)) return EvidenceFileType.Pdf;
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return EvidenceFileType.Png;
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return EvidenceFileType.Jpg;
        return null;
    }

    public static string Sha256(byte[] content) => Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    /// <summary>The browser's file name reduced to display text: no path, no control characters, at most 120 characters.
    /// It is never used to name anything on disk.</summary>
    public static string DisplayName(string? name)
    {
        var n = (name ?? "").Replace('\\', '/');
        n = n[(n.LastIndexOf('/') + 1)..];
        n = new string(n.Where(c => !char.IsControl(c) && c is not ('"' or '<' or '>')).ToArray()).Trim();
        if (n.Length == 0) n = "未命名文件";
        return n.Length <= 120 ? n : n[..120];
    }

    public static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / 1024.0 / 1024.0:0.#} MB" : bytes >= 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes} 字节";
}
