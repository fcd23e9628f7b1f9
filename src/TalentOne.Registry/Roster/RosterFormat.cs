using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Schema;
using YamlDotNet.RepresentationModel;

namespace TalentOne.Registry.Roster;

/// <summary>What a roster column holds: the person's identity (name, ID number, mobile), the employer, a profile fact,
/// or nothing to import (序号, 备注).</summary>
public enum RosterField { Ignore, Name, IdNumber, Mobile, EmployerName, EmployerCreditCode, Fact }

/// <summary>One column of the roster format (catalog/roster/roster-columns.yaml).</summary>
public sealed class RosterColumn
{
    public required string Header { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public RosterField Field { get; init; }
    public FactDef? Fact { get; init; }
    public bool Required { get; init; }
    public string? Note { get; init; }
    /// <summary>Accepted spellings (normalised) → enum code: every member's code and Chinese label plus the file's extra values.</summary>
    public IReadOnlyDictionary<string, string> Spellings { get; init; } = new Dictionary<string, string>();

    /// <summary>What the template's instructions say may be written in the column.</summary>
    public string Accepts => Field switch
    {
        RosterField.Name => "姓名（不超过 50 个字）",
        RosterField.IdNumber => "18 位居民身份证号码",
        RosterField.Mobile => "11 位手机号码",
        RosterField.EmployerName => "单位全称",
        RosterField.EmployerCreditCode => "18 位统一社会信用代码",
        RosterField.Ignore => "不导入",
        _ => Fact!.Type.Base switch
        {
            BaseType.Bool => "是 / 否",
            BaseType.Date => "日期，如 2020-06-30（或 Excel 日期）",
            BaseType.Number => "数字" + (Fact.Unit is { } u ? $"（{u}）" : ""),
            BaseType.Enum when Fact.Type.Enum!.Members.Count <= 20 => string.Join("、", Fact.Type.Enum.Members.Select(m => m.Label)),
            BaseType.Enum => $"{Fact.Type.Enum!.Title}的中文名称，如 {string.Join("、", Fact.Type.Enum.Members.Take(3).Select(m => m.Label))} 等",
            BaseType.Set => "可多选，用顿号分隔：" + string.Join("、", Fact.Type.Enum!.Members.Take(3).Select(m => m.Label)) + " 等",
            _ => "",
        },
    };
}

/// <summary>A roster format that cannot be used: the file and what is wrong with it.</summary>
public sealed class RosterFormatException(string message) : Exception(message);

/// <summary>The roster's columns as data, so that a city can adapt header names and value spellings without code:
/// catalog/roster/roster-columns.yaml.</summary>
public sealed class RosterFormat
{
    public const string RelativePath = "roster/roster-columns.yaml";

    public required string Title { get; init; }
    public required IReadOnlyList<RosterColumn> Columns { get; init; }
    private Dictionary<string, RosterColumn> ByHeader { get; init; } = [];

    /// <summary>The column a header names (spaces, full/half-width brackets and quotes, a trailing * ignored), or null.</summary>
    public RosterColumn? Match(string? header) =>
        header == null ? null : ByHeader.GetValueOrDefault(NormaliseHeader(header));

    public static RosterFormat Load(string catalogRoot, PolicyCatalog catalog)
    {
        var file = Path.Combine(catalogRoot, RelativePath);
        if (!File.Exists(file)) throw new RosterFormatException($"缺少名册列定义文件 catalog/{RelativePath}");
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException ye)
        {
            throw new RosterFormatException($"catalog/{RelativePath}:{ye.Start.Line}:{ye.Start.Column}: {ye.Message}");
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var columns = new List<RosterColumn>();
        var byHeader = new Dictionary<string, RosterColumn>(StringComparer.Ordinal);
        foreach (var node in ((YamlSequenceNode)root["columns"]).Children.Cast<YamlMappingNode>())
        {
            string? Text(string key) => node.Children.TryGetValue(key, out var v) ? ((YamlScalarNode)v).Value : null;
            string Where() => $"catalog/{RelativePath}:{node.Start.Line}";
            var header = Text("header") ?? throw new RosterFormatException($"{Where()}: 列缺少 header");
            var aliases = node.Children.TryGetValue("aliases", out var a) ? ((YamlSequenceNode)a).Children.Select(x => ((YamlScalarNode)x).Value!).ToList() : [];
            FactDef? fact = null;
            RosterField field;
            if (Text("fact") is { } path)
            {
                if (!catalog.Schema.Facts.TryGetValue(path, out fact)) throw new RosterFormatException($"{Where()}: 档案中没有字段“{path}”");
                field = RosterField.Fact;
            }
            else field = Text("field") switch
            {
                "name" => RosterField.Name,
                "idNumber" => RosterField.IdNumber,
                "mobile" => RosterField.Mobile,
                "employerName" => RosterField.EmployerName,
                "employerCreditCode" => RosterField.EmployerCreditCode,
                "ignore" => RosterField.Ignore,
                var other => throw new RosterFormatException($"{Where()}: 未知的 field“{other}”"),
            };
            var spellings = new Dictionary<string, string>(StringComparer.Ordinal);
            if (fact?.Type.Enum is { } e)
            {
                foreach (var m in e.Members)
                {
                    spellings[NormaliseValue(m.Code)] = m.Code;
                    spellings.TryAdd(NormaliseValue(m.Label), m.Code);
                }
                if (node.Children.TryGetValue("values", out var values))
                    foreach (var (k, v) in ((YamlMappingNode)values).Children)
                    {
                        var code = ((YamlScalarNode)v).Value!;
                        if (e.Find(code) == null) throw new RosterFormatException($"{Where()}: “{code}”不是{e.Title}的代码");
                        spellings[NormaliseValue(((YamlScalarNode)k).Value!)] = code;
                    }
            }
            var column = new RosterColumn
            {
                Header = header, Aliases = aliases, Field = field, Fact = fact, Required = Text("required") == "true",
                Note = Text("note"), Spellings = spellings,
            };
            foreach (var name in aliases.Prepend(header))
                if (!byHeader.TryAdd(NormaliseHeader(name), column))
                    throw new RosterFormatException($"{Where()}: 列名“{name}”与其他列重复");
            columns.Add(column);
        }
        var title = root.Children.TryGetValue("title", out var t) ? ((YamlScalarNode)t).Value ?? "人才名册" : "人才名册";
        return new RosterFormat { Title = title, Columns = columns, ByHeader = byHeader };
    }

    /// <summary>Header text compared loosely: NFKC (full-width → half-width), no spaces or line breaks, no quotes, no
    /// trailing * (required mark).</summary>
    public static string NormaliseHeader(string header)
    {
        var s = header.Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            if (!char.IsWhiteSpace(c) && c is not ('"' or '“' or '”' or '\'' or '‘' or '’' or '「' or '」' or '*')) sb.Append(c);
        return sb.ToString();
    }

    /// <summary>Cell values compared loosely: NFKC, no spaces, upper-case Latin letters.</summary>
    public static string NormaliseValue(string value)
    {
        var s = value.Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            if (!char.IsWhiteSpace(c)) sb.Append(char.ToUpperInvariant(c));
        return sb.ToString();
    }
}

/// <summary>Reads one cell into a fact value, or says in Chinese why it cannot. Never echoes anything that looks like
/// an ID number.</summary>
public static class RosterCells
{
    private static readonly string[] DateFormats =
        ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyy年M月d日", "yyyyMMdd"];

    /// <summary>Excel day numbers accepted for dates: 1927-05-18 … 2200-12-31. Smaller numbers are more likely a year or
    /// a "2020.06" typed as a number than a date.</summary>
    private const double MinSerial = 10_000, MaxSerial = 109_574;

    /// <summary>The text of a cell (numbers without exponent or grouping, dates as yyyy-mm-dd), or null when blank.</summary>
    public static string? Text(object? raw) => raw switch
    {
        null => null,
        string s => string.IsNullOrWhiteSpace(s) ? null : s.Trim(),
        double d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        DateTime dt => dt.TimeOfDay == TimeSpan.Zero ? dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : dt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        bool b => b ? "是" : "否",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => raw.ToString()?.Trim() is { Length: > 0 } t ? t : null,
    };

    /// <summary>A cell's value for a fact, or an error. A blank cell is null with no error: the fact stays as it is.</summary>
    public static JsonNode? Read(RosterColumn column, object? raw, out string? error)
    {
        error = null;
        var fact = column.Fact!;
        var text = Text(raw);
        if (text == null) return null;
        switch (fact.Type.Base)
        {
            case BaseType.Bool:
                if (raw is bool b) return JsonValue.Create(b);
                switch (RosterFormat.NormaliseValue(text))
                {
                    case "是" or "Y" or "YES" or "TRUE" or "1" or "√" or "有": return JsonValue.Create(true);
                    case "否" or "N" or "NO" or "FALSE" or "0" or "×" or "无": return JsonValue.Create(false);
                }
                error = $"“{Echo(text)}”无法识别，请填写“是”或“否”";
                return null;
            case BaseType.Number:
            {
                if (raw is double d) return Number(d, out error);
                var s = RosterFormat.NormaliseValue(text).Replace(",", "", StringComparison.Ordinal);
                if (s.EndsWith('元')) s = s[..^1];
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return Number(v, out error);
                error = $"“{Echo(text)}”不是数字" + (fact.Unit is { } u ? $"（单位：{u}，只填数字）" : "");
                return null;
            }
            case BaseType.Date:
            {
                if (Date(raw, text, out var date, out error)) return JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                return null;
            }
            case BaseType.Enum:
            {
                if (column.Spellings.TryGetValue(RosterFormat.NormaliseValue(text), out var code)) return JsonValue.Create(code);
                error = $"“{Echo(text)}”不是有效的{fact.Type.Enum!.Title}，{Choices(fact.Type.Enum)}";
                return null;
            }
            case BaseType.Set:
            {
                var items = new JsonArray();
                foreach (var part in text.Split(['、', ',', '，', ';', '；', '/'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (RosterFormat.NormaliseValue(part) is "无" or "NONE") continue;
                    if (!column.Spellings.TryGetValue(RosterFormat.NormaliseValue(part), out var code))
                    { error = $"“{Echo(part)}”不是有效的{fact.Type.Enum!.Title}"; return null; }
                    if (!items.Any(i => i!.GetValue<string>() == code)) items.Add(code);
                }
                return items;
            }
        }
        error = "无法识别";
        return null;
    }

    private static JsonNode? Number(double v, out string? error)
    {
        error = double.IsFinite(v) ? null : "不是有效的数字";
        return error == null ? JsonValue.Create(v) : null;
    }

    public static bool Date(object? raw, string text, out DateOnly date, out string? error)
    {
        error = null;
        date = default;
        switch (raw)
        {
            case DateTime dt:
                date = DateOnly.FromDateTime(dt);
                break;
            case double serial:
                if (serial != Math.Floor(serial) || serial < MinSerial || serial > MaxSerial)
                {
                    error = $"“{Echo(text)}”不是日期：请填写完整的年月日，如 2020-06-30，或设为 Excel 日期格式";
                    return false;
                }
                date = DateOnly.FromDateTime(DateTime.FromOADate(serial));
                break;
            default:
                // A time of day after the date ("2020-06-30 00:00:00") is dropped.
                var t = RosterFormat.NormaliseValue(text.Trim().Split(' ')[0]);
                if (!DateTime.TryParseExact(t, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    error = $"“{Echo(text)}”不是日期：请填写完整的年月日，如 2020-06-30";
                    return false;
                }
                date = DateOnly.FromDateTime(parsed);
                break;
        }
        if (date.Year is < 1900 or > 2200) { error = "日期应在 1900 年至 2200 年之间"; return false; }
        return true;
    }

    private static string Choices(EnumDef e) => e.Members.Count <= 12
        ? "可填：" + string.Join("、", e.Members.Select(m => m.Label))
        : $"请填写中文名称，如 {string.Join("、", e.Members.Take(3).Select(m => m.Label))} 等（共 {e.Members.Count} 项，见模板“填写说明”）";

    /// <summary>A cell value quoted in a message: at most 20 characters, and any run of 15 or more digits (an ID number
    /// typed into the wrong column) masked.</summary>
    public static string Echo(string text)
    {
        var s = System.Text.RegularExpressions.Regex.Replace(text, @"\d{14,}[\dXx]", m => Records.ResidentId.Mask(m.Value));
        return s.Length > 20 ? s[..20] + "…" : s;
    }
}
