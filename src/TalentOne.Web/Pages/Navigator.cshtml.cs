using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;
using TalentOne.Policies.Schema;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Eligibility;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages;

/// <summary>A field of the navigator form: one fact of the profile. The form's input names are the fact paths.</summary>
public sealed record FormField(string Path, string? Hint = null);

public sealed record FormSection(string Title, IReadOnlyList<FormField> Fields);

/// <summary>政策计算器: the common facts of a person as a form (or a profile JSON pasted or uploaded) → the package.</summary>
public sealed class NavigatorModel(CatalogHolder holder, TimeProvider clock) : PageModel
{
    public const string DateField = "date";
    public const string JsonField = "profileJson";
    public const string FileField = "profileFile";
    private const int MaxUpload = 256 * 1024;

    public static readonly IReadOnlyList<FormSection> Sections =
    [
        new("基本信息", [new("person.birthDate"), new("person.originRegion")]),
        new("学历", [new("education.level"), new("education.fullTime"), new("education.doubleFirstClass"), new("education.graduationDate")]),
        new("职称、技能与荣誉", [new("person.title"), new("person.skillLevel"), new("person.honours", "可多选；没有请留空")]),
        new("工作", [
            new("work.city"), new("work.county", "先选市，列表只显示该市的县（市、区）"),
            new("employment.status"), new("employment.fullTime"), new("employment.startDate"),
            new("employment.serviceAgreementYears"), new("employment.annualSalary"), new("employment.post"),
            new("employer.type"), new("employer.keyIndustry"),
        ]),
        new("社会保险", [new("socialInsurance.startDate")]),
        new("住房", [new("housing.status"), new("housing.purchaseCity"), new("housing.purchaseDate"), new("housing.purchasePrice"), new("housing.firstPurchase")]),
    ];

    /// <summary>A full-time PhD working in Kecheng, Quzhou (the catalog's test profile qz_phd), for "填入示例".</summary>
    private static readonly Dictionary<string, string> Example = new(StringComparer.Ordinal)
    {
        ["person.birthDate"] = "1992-03-01",
        ["person.originRegion"] = "other",
        ["person.title"] = "none",
        ["person.skillLevel"] = "none",
        ["education.level"] = "doctorate",
        ["education.fullTime"] = "true",
        ["education.doubleFirstClass"] = "true",
        ["education.graduationDate"] = "2020-06-30",
        ["work.city"] = "quzhou",
        ["work.county"] = "kecheng",
        ["employment.status"] = "employed",
        ["employment.fullTime"] = "true",
        ["employment.startDate"] = "2020-07-01",
        ["employment.serviceAgreementYears"] = "5",
        ["employment.annualSalary"] = "300000",
        ["employment.post"] = "researcher",
        ["employer.type"] = "enterprise",
        ["employer.keyIndustry"] = "true",
        ["socialInsurance.startDate"] = "2020-07-01",
        ["housing.status"] = "owns_home",
        ["housing.purchaseCity"] = "quzhou",
        ["housing.purchaseDate"] = "2021-03-15",
        ["housing.purchasePrice"] = "1500000",
        ["housing.firstPurchase"] = "true",
        [DateField] = "2021-08-01",
    };

    public PolicyCatalog? Catalog => holder.Current;
    /// <summary>What the person typed, by input name, so that nothing is lost when the form comes back with errors.</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Honours { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);
    public Package? Result { get; private set; }
    public bool UsedJson { get; private set; }

    public void OnGet(string? example)
    {
        Values[DateField] = clock.Today().ToString("yyyy-MM-dd");
        if (example == "quzhou-phd")
            foreach (var (k, v) in Example) Values[k] = v;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Page();
        var form = await Request.ReadFormAsync(ct);
        foreach (var (key, value) in form)
            if (key is not "__RequestVerificationToken" and not "person.honours" && value.ToString() is { Length: <= 20_000 } s) Values[key] = s.Trim();
        foreach (var h in form["person.honours"]) if (h is { Length: > 0 }) Honours.Add(h);

        var date = clock.Today();
        if (Values.GetValueOrDefault(DateField) is { Length: > 0 } ds
            && !DateOnly.TryParseExact(ds, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            AddError(DateField, "评估日期应为日期，格式 yyyy-mm-dd");

        string? json = Values.GetValueOrDefault(JsonField) is { Length: > 0 } pasted ? pasted : null;
        if (form.Files.GetFile(FileField) is { Length: > 0 } file)
        {
            if (file.Length > MaxUpload) AddError(JsonField, "上传的档案文件不能超过 256 KB");
            else
            {
                using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
                json = await reader.ReadToEndAsync(ct);
                Values[JsonField] = json; // shown in the text box, so that a mistake can be fixed there
            }
        }
        if (Errors.Count > 0) return Page();

        UsedJson = json != null;
        try
        {
            ProfileRow profile;
            if (json != null)
            {
                using var doc = JsonDocument.Parse(json, Json.Reading);
                var unwrapped = EligibilityApi.Unwrap(doc.RootElement, date);
                if (unwrapped.Errors.Count > 0) throw new ProfileException(unwrapped.Errors);
                date = unwrapped.Date;
                profile = ProfileReader.Read(catalog, unwrapped.Profile, date);
            }
            else
            {
                // Fields that are not even numbers are left out, so that the reader reports every other mistake in the same round.
                var obj = BuildProfile(catalog.Schema);
                try { profile = ProfileReader.Read(catalog, obj.ToJsonString(), date); }
                catch (ProfileException pe) when (Errors.Count > 0)
                {
                    foreach (var e in pe.Errors) AddError(e.Field, e.Message);
                    return Page();
                }
                if (Errors.Count > 0) return Page();
            }
            Values[DateField] = date.ToString("yyyy-MM-dd");
            Result = Evaluator.Evaluate(catalog, profile, date);
        }
        catch (JsonException je)
        {
            AddError(JsonField, Problems.MalformedJson(je).Message);
        }
        catch (ProfileException pe)
        {
            foreach (var e in pe.Errors) AddError(UsedJson ? JsonField : e.Field, UsedJson ? $"{e.Field}：{e.Message}" : e.Message);
        }
        return Page();
    }

    /// <summary>The profile JSON from the form: empty fields are left out (unknown), numbers are read here so that a
    /// typing mistake is reported next to its field; everything else is checked by <see cref="ProfileReader"/>.</summary>
    private JsonObject BuildProfile(ProfileSchema schema)
    {
        var root = new JsonObject { ["subject"] = new JsonObject { ["kind"] = "person" } };
        JsonObject Section(string path)
        {
            var name = path[..path.IndexOf('.')];
            if (root[name] is not JsonObject s) root[name] = s = new JsonObject();
            return s;
        }
        foreach (var field in Sections.SelectMany(s => s.Fields))
        {
            if (!schema.Facts.TryGetValue(field.Path, out var fact)) continue;
            var name = field.Path[(field.Path.IndexOf('.') + 1)..];
            if (fact.Type.Base == BaseType.Set)
            {
                if (Honours.Count > 0 || Values.ContainsKey("honoursShown")) Section(field.Path)[name] = new JsonArray(Honours.Select(h => (JsonNode)h).ToArray());
                continue;
            }
            if (Values.GetValueOrDefault(field.Path) is not { Length: > 0 } raw) continue;
            switch (fact.Type.Base)
            {
                case BaseType.Bool:
                    if (raw is "true" or "false") Section(field.Path)[name] = raw == "true";
                    else AddError(field.Path, $"{fact.Label}请选择“是”或“否”");
                    break;
                case BaseType.Number:
                    var cleaned = raw.Replace(",", "").Replace("，", "").Replace(" ", "");
                    if (double.TryParse(cleaned, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) Section(field.Path)[name] = d;
                    else AddError(field.Path, $"{fact.Label}应为数字");
                    break;
                default:
                    Section(field.Path)[name] = raw;
                    break;
            }
        }
        return root;
    }

    private void AddError(string field, string message)
    {
        if (!Errors.TryGetValue(field, out var list)) Errors[field] = list = [];
        list.Add(message);
    }

    public string Value(string name) => Values.GetValueOrDefault(name) ?? "";

    public IReadOnlyList<string> ErrorsFor(string name) => Errors.GetValueOrDefault(name) ?? [];

    public static string Id(string path) => "f-" + path.Replace('.', '-');

    /// <summary>The profile's facts that the form does not show but that the result refers to.</summary>
    public IEnumerable<string> OtherErrors => Errors.Where(e => e.Key != DateField && e.Key != JsonField
        && !Sections.SelectMany(s => s.Fields).Any(f => f.Path == e.Key)).SelectMany(e => e.Value.Select(m => $"{e.Key}：{m}"));
}
