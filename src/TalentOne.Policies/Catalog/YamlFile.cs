using System.Globalization;
using System.Text.Json.Nodes;
using TalentOne.Policies.Language;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TalentOne.Policies.Catalog;

/// <summary>A loaded YAML file with helpers that report errors at the node's line and column.</summary>
internal sealed class YamlFile
{
    public string Path { get; }
    public string Text { get; }
    public YamlMappingNode? Root { get; }
    private readonly List<CatalogError> _errors;

    public YamlFile(string path, string displayPath, List<CatalogError> errors)
    {
        Path = displayPath;
        _errors = errors;
        Text = File.ReadAllText(path);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Text));
            if (stream.Documents.Count == 0) { Error(new SourcePos(Path, 1, 1), "the file is empty"); return; }
            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                Error(PosOf(stream.Documents[0].RootNode), "expected a mapping (key: value) at the top of the file");
                return;
            }
            Root = root;
        }
        catch (YamlException ye)
        {
            var msg = ye.InnerException?.Message ?? ye.Message;
            // YamlDotNet prefixes messages with "(Line: x, Col: y, Idx: z) - (…): "
            int k = msg.LastIndexOf("): ", StringComparison.Ordinal);
            if (k >= 0) msg = msg[(k + 3)..];
            Error(new SourcePos(Path, (int)ye.Start.Line, (int)ye.Start.Column), "YAML syntax error: " + msg);
        }
        catch (ArgumentException ae) when (ae.Message.Contains("same key", StringComparison.Ordinal))
        {
            Error(new SourcePos(Path, 1, 1), "YAML error: a key appears twice in the same mapping");
        }
    }

    public SourcePos PosOf(YamlNode n) => new(Path, (int)n.Start.Line, (int)n.Start.Column);

    public void Error(SourcePos pos, string msg) => _errors.Add(new CatalogError(pos, msg));

    public static YamlNode? Get(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public IEnumerable<(string Key, YamlNode Value, SourcePos Pos)> Entries(YamlMappingNode m)
    {
        foreach (var kv in m.Children)
        {
            if (kv.Key is YamlScalarNode k && k.Value != null) yield return (k.Value, kv.Value, PosOf(kv.Key));
            else Error(PosOf(kv.Key), "expected a plain key");
        }
    }

    public void CheckKeys(YamlMappingNode m, string what, params string[] allowed)
    {
        foreach (var (k, _, pos) in Entries(m))
            if (!allowed.Contains(k))
                Error(pos, $"unknown key '{k}' in {what}: expected one of {string.Join(", ", allowed)}");
    }

    public YamlMappingNode? Map(YamlMappingNode parent, string key, bool required = false)
    {
        var n = Get(parent, key);
        if (n == null) { if (required) Error(PosOf(parent), $"missing '{key}'"); return null; }
        if (n is YamlMappingNode m) return m;
        Error(PosOf(n), $"'{key}' must be a mapping (key: value lines)");
        return null;
    }

    public YamlSequenceNode? Seq(YamlMappingNode parent, string key, bool required = false)
    {
        var n = Get(parent, key);
        if (n == null) { if (required) Error(PosOf(parent), $"missing '{key}'"); return null; }
        if (n is YamlSequenceNode s) return s;
        Error(PosOf(n), $"'{key}' must be a list (lines starting with '-')");
        return null;
    }

    public string? Str(YamlMappingNode parent, string key, bool required = false)
    {
        var n = Get(parent, key);
        if (n == null) { if (required) Error(PosOf(parent), $"missing '{key}'"); return null; }
        if (n is YamlScalarNode s) return s.Value?.Trim();
        Error(PosOf(n), $"'{key}' must be a single value");
        return null;
    }

    public DateOnly? Date(YamlMappingNode parent, string key, bool required = false)
    {
        var s = Str(parent, key, required);
        if (s == null) return null;
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        Error(PosOf(Get(parent, key)!), $"'{key}' must be a date yyyy-mm-dd, found '{s}'");
        return null;
    }

    public double? Number(YamlMappingNode parent, string key)
    {
        var s = Str(parent, key);
        if (s == null) return null;
        if (double.TryParse(s.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        Error(PosOf(Get(parent, key)!), $"'{key}' must be a number, found '{s}'");
        return null;
    }

    public List<string> StrList(YamlMappingNode parent, string key)
    {
        var n = Get(parent, key);
        if (n == null) return [];
        if (n is YamlSequenceNode s)
            return s.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").ToList();
        if (n is YamlScalarNode one && !string.IsNullOrWhiteSpace(one.Value)) return [one.Value];
        Error(PosOf(n), $"'{key}' must be a list");
        return [];
    }

    /// <summary>The exact text of an expression scalar and the file position of its first character,
    /// so that parse and type errors point into the file.</summary>
    public (string Text, SourcePos Start)? ExprSource(YamlNode n)
    {
        if (n is not YamlScalarNode s || s.Value == null)
        {
            Error(PosOf(n), "expected an expression");
            return null;
        }
        int start = (int)s.Start.Index, end = (int)s.End.Index;
        switch (s.Style)
        {
            case ScalarStyle.Plain when end > start && end <= Text.Length:
                return (Text[start..end], PosOf(s));
            case ScalarStyle.Literal or ScalarStyle.Folded:
            {
                int nl = Text.IndexOf('\n', start);
                if (nl < 0 || nl >= end) return (s.Value, PosOf(s));
                return (Text[(nl + 1)..end], new SourcePos(Path, (int)s.Start.Line + 1, 1));
            }
            case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted:
                return (s.Value, new SourcePos(Path, (int)s.Start.Line, (int)s.Start.Column + 1));
            default:
                return (s.Value, PosOf(s));
        }
    }

    /// <summary>Converts a YAML node (a test profile) into JSON: true/false and numbers in plain style become JSON values.</summary>
    public static JsonNode? ToJson(YamlNode n) => n switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode sc when sc.Style == ScalarStyle.Plain => sc.Value switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" or "~" or "" or null => null,
            // a date such as 2020-01-01 is not a number and stays a string
            var v when double.TryParse(v.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            var v => JsonValue.Create(v),
        },
        YamlScalarNode sc => JsonValue.Create(sc.Value),
        _ => null,
    };
}
