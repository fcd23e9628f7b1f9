using System.Globalization;
using System.Text.Json.Nodes;
using TalentOne.Policies.Schema;

namespace TalentOne.Web.Pages;

/// <summary>A field of a profile form: one fact. The form's input names are the fact paths.</summary>
public sealed record FormField(string Path, string? Hint = null);

public sealed record FormSection(string Title, IReadOnlyList<FormField> Fields);

/// <summary>Profile facts typed into a form (政策计算器, 我的档案): what was typed, kept by input name so that nothing is
/// lost when the page comes back with errors, and the facts read from it. Numbers are read here so that a typing
/// mistake is reported next to its field; everything else is checked by the profile reader.</summary>
public sealed class ProfileForm
{
    public const string SetShownField = "honoursShown";

    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, HashSet<string>> Sets { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);

    public void Read(IFormCollection form, ProfileSchema schema)
    {
        foreach (var (key, value) in form)
        {
            if (key == "__RequestVerificationToken") continue;
            if (schema.Facts.TryGetValue(key, out var f) && f.Type.Base == BaseType.Set)
                Sets[key] = [.. value.Where(v => v is { Length: > 0 }).Select(v => v!)];
            else if (value.ToString() is { Length: <= 20_000 } s) Values[key] = s.Trim();
        }
    }

    /// <summary>The typed value of each field (null where the field is empty = unknown). A set shown on the form with
    /// nothing ticked is an empty list.</summary>
    public Dictionary<string, JsonNode?> Facts(ProfileSchema schema, IEnumerable<FormField> fields)
    {
        var facts = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (!schema.Facts.TryGetValue(field.Path, out var fact)) continue;
            if (fact.Type.Base == BaseType.Set)
            {
                if (Sets.TryGetValue(field.Path, out var ticked) || Values.ContainsKey(SetShownField))
                    facts[field.Path] = new JsonArray([.. (ticked ?? []).Select(h => (JsonNode)h)]);
                continue;
            }
            if (Values.GetValueOrDefault(field.Path) is not { Length: > 0 } raw) { facts[field.Path] = null; continue; }
            switch (fact.Type.Base)
            {
                case BaseType.Bool:
                    if (raw is "true" or "false") facts[field.Path] = raw == "true";
                    else AddError(field.Path, $"{fact.Label}请选择“是”或“否”");
                    break;
                case BaseType.Number:
                    var cleaned = raw.Replace(",", "").Replace("，", "").Replace(" ", "");
                    if (double.TryParse(cleaned, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) facts[field.Path] = d;
                    else AddError(field.Path, $"{fact.Label}应为数字");
                    break;
                default:
                    facts[field.Path] = raw;
                    break;
            }
        }
        return facts;
    }

    /// <summary>The form's values from a stored profile, for editing it.</summary>
    public void Fill(JsonObject profile)
    {
        foreach (var (section, node) in profile)
            if (node is JsonObject o)
                foreach (var (name, value) in o)
                {
                    var path = section + "." + name;
                    if (value is JsonArray a) Sets[path] = [.. a.Select(x => x?.GetValue<string>() ?? "")];
                    else if (value != null) Values[path] = value.GetValueKind() switch
                    {
                        System.Text.Json.JsonValueKind.True => "true",
                        System.Text.Json.JsonValueKind.False => "false",
                        System.Text.Json.JsonValueKind.Number => value.GetValue<double>().ToString(CultureInfo.InvariantCulture),
                        _ => value.GetValue<string>(),
                    };
                }
    }

    public void AddError(string field, string message)
    {
        if (!Errors.TryGetValue(field, out var list)) Errors[field] = list = [];
        list.Add(message);
    }

    public string Value(string name) => Values.GetValueOrDefault(name) ?? "";

    public bool IsTicked(string path, string code) => Sets.TryGetValue(path, out var s) && s.Contains(code);

    public IReadOnlyList<string> ErrorsFor(string name) => Errors.GetValueOrDefault(name) ?? [];

    public static string Id(string path) => "f-" + path.Replace('.', '-');
}

/// <summary>What the _FactInput partial renders: one fact's input with its hint and errors.</summary>
public sealed record FactInputModel(TalentOne.Policies.Catalog.PolicyCatalog Catalog, FormField Field, ProfileForm Form);
