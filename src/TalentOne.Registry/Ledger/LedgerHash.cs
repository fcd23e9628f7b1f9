using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Digests;

namespace TalentOne.Registry.Ledger;

/// <summary>The ledger's hashing (docs/ledger.md §Canonical encoding): SM3 (GM/T 0004-2012) over a length-prefixed
/// big-endian encoding of an entry's fields. Not thread-safe: one instance per thread (it reuses its buffers).</summary>
public sealed class LedgerHash
{
    public const int Size = 32;
    public static readonly byte[] Genesis = new byte[Size];
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    private readonly SM3Digest _sm3 = new();
    private byte[] _buffer = new byte[1024];
    private readonly byte[] _content = new byte[Size];

    /// <summary>SM3 of a byte string.</summary>
    public static byte[] Sm3(ReadOnlySpan<byte> data)
    {
        var d = new SM3Digest();
        d.BlockUpdate(data);
        var result = new byte[Size];
        d.DoFinal(result);
        return result;
    }

    /// <summary>Microseconds since 1970-01-01T00:00:00Z: the time as hashed (and as both databases keep it exactly).</summary>
    public static long Micros(DateTimeOffset at) => (at.UtcTicks - Epoch.UtcTicks) / 10;

    /// <summary>A time cut to whole microseconds, in UTC.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>SM3 of the entry's canonical encoding (its content hash).</summary>
    public void ContentHash(long seq, string kind, DateTimeOffset at, long? caseId, long? subjectId, string payload, Span<byte> destination)
    {
        int kindBytes = Encoding.UTF8.GetByteCount(kind), payloadBytes = Encoding.UTF8.GetByteCount(payload);
        int length = 8 + 4 + kindBytes + 8 + 9 + 9 + 4 + payloadBytes;
        if (_buffer.Length < length) _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        var b = _buffer.AsSpan(0, length);
        int p = 0;
        BinaryPrimitives.WriteInt64BigEndian(b[p..], seq); p += 8;
        BinaryPrimitives.WriteInt32BigEndian(b[p..], kindBytes); p += 4;
        p += Encoding.UTF8.GetBytes(kind, b[p..]);
        BinaryPrimitives.WriteInt64BigEndian(b[p..], Micros(at)); p += 8;
        p += Optional(b[p..], caseId);
        p += Optional(b[p..], subjectId);
        BinaryPrimitives.WriteInt32BigEndian(b[p..], payloadBytes); p += 4;
        p += Encoding.UTF8.GetBytes(payload, b[p..]);
        _sm3.BlockUpdate(b[..p]);
        _sm3.DoFinal(destination);
    }

    /// <summary>The entry hash: SM3(prevHash ‖ contentHash).</summary>
    public void Link(ReadOnlySpan<byte> prevHash, ReadOnlySpan<byte> contentHash, Span<byte> destination)
    {
        _sm3.BlockUpdate(prevHash);
        _sm3.BlockUpdate(contentHash);
        _sm3.DoFinal(destination);
    }

    /// <summary>The entry hash from the entry's fields.</summary>
    public byte[] EntryHash(ReadOnlySpan<byte> prevHash, long seq, string kind, DateTimeOffset at, long? caseId, long? subjectId, string payload)
    {
        ContentHash(seq, kind, at, caseId, subjectId, payload, _content);
        var result = new byte[Size];
        Link(prevHash, _content, result);
        return result;
    }

    private static int Optional(Span<byte> b, long? value)
    {
        if (value is not long v) { b[0] = 0; return 1; }
        b[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(b[1..], v);
        return 9;
    }

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Canonical JSON text of a payload: object keys sorted (ordinal), no whitespace, non-ASCII kept as UTF-8.</summary>
    public static string CanonicalJson(JsonNode? payload) => Sorted(payload)?.ToJsonString(Compact) ?? "null";

    /// <summary>Canonical JSON text of any serialisable value.</summary>
    public static string CanonicalJson(object? payload) =>
        payload is JsonNode n ? CanonicalJson(n) : CanonicalJson(JsonSerializer.SerializeToNode(payload, Compact));

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
