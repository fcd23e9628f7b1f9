using System.Globalization;
using System.Text.Json;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Schema;

namespace TalentOne.Policies.Profiles;

/// <summary>One problem with a submitted profile: the field path (e.g. person.birthDate) and a Chinese message.</summary>
public sealed record ProfileError(string Field, string Message);

/// <summary>A profile read into a row of slot values (NaN = unknown), ready for evaluation.</summary>
public sealed class ProfileRow(double[] values, Applicant kind)
{
    public double[] Values { get; } = values;
    public Applicant Kind { get; } = kind;
}

public sealed class ProfileException(IReadOnlyList<ProfileError> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    public IReadOnlyList<ProfileError> Errors { get; } = errors;
}

/// <summary>Reads and validates profile JSON against the catalog's schema. Unknown fields, wrong types and
/// impossible values are errors naming each field; absent or null facts are unknown, never zero.</summary>
public static class ProfileReader
{
    public static ProfileRow Read(PolicyCatalog catalog, string json, DateOnly asOf)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException je)
        {
            throw new ProfileException([new ProfileError("$", $"JSON 格式错误（第 {(je.LineNumber ?? 0) + 1} 行，第 {(je.BytePositionInLine ?? 0) + 1} 个字节附近）：请检查括号、引号和逗号")]);
        }
        using (doc) return Read(catalog, doc.RootElement, asOf);
    }

    /// <summary>Evaluation dates the platform answers for.</summary>
    public const int MinYear = 1900, MaxYear = 2200;

    public static ProfileRow Read(PolicyCatalog catalog, JsonElement root, DateOnly asOf)
    {
        if (asOf.Year is < MinYear or > MaxYear)
            throw new ProfileException([new ProfileError("date", $"评估日期应在 {MinYear} 年至 {MaxYear} 年之间")]);
        var schema = catalog.Schema;
        var errors = new List<ProfileError>();
        var row = new double[catalog.RowWidth];
        Array.Fill(row, double.NaN);
        if (root.ValueKind != JsonValueKind.Object)
            throw new ProfileException([new ProfileError("$", "档案必须是一个 JSON 对象，例如 {\"person\": {\"birthDate\": \"1990-01-01\"}}")]);
        var sections = schema.SectionNames;
        foreach (var sec in root.EnumerateObject())
        {
            if (!sections.Contains(sec.Name)) { errors.Add(new ProfileError(sec.Name, $"未知字段“{sec.Name}”：可用的部分有 {string.Join("、", sections)}")); continue; }
            if (sec.Value.ValueKind == JsonValueKind.Null) continue;
            if (sec.Value.ValueKind != JsonValueKind.Object) { errors.Add(new ProfileError(sec.Name, "必须是一个对象")); continue; }
            foreach (var field in sec.Value.EnumerateObject())
            {
                var path = sec.Name + "." + field.Name;
                if (!schema.Facts.TryGetValue(path, out var fact)) { errors.Add(new ProfileError(path, $"未知字段“{path}”")); continue; }
                ReadFact(fact, field.Value, row, errors, path);
            }
        }

        var kind = Applicant.Person;
        if (schema.Facts.TryGetValue("subject.kind", out var kf) && !double.IsNaN(row[kf.Slot]))
            kind = kf.Type.Enum!.Members[(int)row[kf.Slot]].Code switch { "enterprise" => Applicant.Enterprise, "organisation" => Applicant.Organisation, _ => Applicant.Person };

        CheckConsistency(schema, row, asOf, errors);
        if (errors.Count > 0) throw new ProfileException(errors);
        return new ProfileRow(row, kind);
    }

    private static void ReadFact(FactDef fact, JsonElement v, double[] row, List<ProfileError> errors, string path)
    {
        if (v.ValueKind == JsonValueKind.Null) return; // unknown
        switch (fact.Type.Base)
        {
            case BaseType.Bool:
                if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) row[fact.Slot] = v.GetBoolean() ? 1 : 0;
                else errors.Add(new ProfileError(path, $"{fact.Label}应为 true 或 false"));
                break;
            case BaseType.Number:
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d)) { errors.Add(new ProfileError(path, $"{fact.Label}应为数字")); break; }
                if (fact.Min is double min && d < min) { errors.Add(new ProfileError(path, min == 0 ? $"{fact.Label}不能为负数" : $"{fact.Label}不能小于 {min}")); break; }
                if (fact.Max is double max && d > max) { errors.Add(new ProfileError(path, $"{fact.Label}不能大于 {max}")); break; }
                row[fact.Slot] = d;
                break;
            case BaseType.Date:
                if (v.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(v.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    if (date.Year < 1900) { errors.Add(new ProfileError(path, $"{fact.Label}不能早于 1900 年")); break; }
                    row[fact.Slot] = date.DayNumber;
                }
                else errors.Add(new ProfileError(path, $"{fact.Label}应为日期，格式 yyyy-mm-dd，例如 2020-06-01"));
                break;
            case BaseType.Enum:
            {
                var m = v.ValueKind == JsonValueKind.String ? fact.Type.Enum!.Find(v.GetString()!) : null;
                if (m == null) errors.Add(new ProfileError(path, $"{fact.Label}的取值“{(v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())}”无效，{Choices(fact.Type.Enum!)}"));
                else row[fact.Slot] = m.Index;
                break;
            }
            case BaseType.Set:
            {
                if (v.ValueKind != JsonValueKind.Array) { errors.Add(new ProfileError(path, $"{fact.Label}应为列表，例如 [\"{fact.Type.Enum!.Members[0].Code}\"]")); break; }
                var e = fact.Type.Enum!;
                for (int k = 0; k < e.Members.Count; k++) row[fact.Slot + k] = 0;
                foreach (var item in v.EnumerateArray())
                {
                    var m = item.ValueKind == JsonValueKind.String ? e.Find(item.GetString()!) : null;
                    if (m == null) { errors.Add(new ProfileError(path, $"{fact.Label}中的“{item}”无效")); continue; }
                    row[fact.Slot + m.Index] = 1;
                }
                break;
            }
        }
    }

    /// <summary>The allowed values; a long list (the 90 counties) is pointed to rather than printed.</summary>
    private static string Choices(EnumDef e) => e.Members.Count <= 20
        ? "可选：" + string.Join("、", e.Members.Select(x => $"{x.Code}（{x.Label}）"))
        : $"可选值共 {e.Members.Count} 个，如 {string.Join("、", e.Members.Take(3).Select(x => $"{x.Code}（{x.Label}）"))} 等，完整列表见 GET /api/v1/schema/profile";

    private static double Get(ProfileSchema s, double[] row, string path) =>
        s.Facts.TryGetValue(path, out var f) && f.Type.Base != BaseType.Set ? row[f.Slot] : double.NaN;

    private static void CheckConsistency(ProfileSchema s, double[] row, DateOnly asOf, List<ProfileError> errors)
    {
        double birth = Get(s, row, "person.birthDate");
        if (!double.IsNaN(birth) && birth > asOf.DayNumber)
            errors.Add(new ProfileError("person.birthDate", $"出生日期不能晚于评估日期（{asOf:yyyy-MM-dd}）"));
        if (!double.IsNaN(birth))
            foreach (var f in s.FactList)
                if (f.Type.Base == BaseType.Date && row[f.Slot] < birth && f.Path != "person.birthDate" && !f.Path.StartsWith("enterprise.", StringComparison.Ordinal))
                    errors.Add(new ProfileError(f.Path, $"{f.Label}不能早于出生日期"));
        CheckPlace(s, row, "work", errors);
        CheckPlace(s, row, "enterprise", errors);
    }

    private static void CheckPlace(ProfileSchema s, double[] row, string section, List<ProfileError> errors)
    {
        if (!s.Facts.TryGetValue(section + ".county", out var cf) || !s.Facts.TryGetValue(section + ".city", out var cityf)) return;
        double county = row[cf.Slot], city = row[cityf.Slot];
        if (double.IsNaN(county)) return;
        var parent = cf.Type.Enum!.Members[(int)county].Parent;
        if (parent == null) return;
        var parentIndex = cityf.Type.Enum!.Find(parent)?.Index;
        if (double.IsNaN(city)) row[cityf.Slot] = parentIndex ?? double.NaN; // the county names its city
        else if (parentIndex != (int)city)
            errors.Add(new ProfileError(section + ".county", $"{cf.Type.Enum.Members[(int)county].Label}不属于{cityf.Type.Enum.Members[(int)city].Label}"));
    }
}
