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
    public ProfileForm Form { get; } = new();
    private Dictionary<string, string> Values => Form.Values;
    public Dictionary<string, List<string>> Errors => Form.Errors;
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
        Form.Read(form, catalog.Schema);

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

    /// <summary>The profile JSON from the form: empty fields are left out (unknown).</summary>
    private JsonObject BuildProfile(ProfileSchema schema)
    {
        var root = new JsonObject { ["subject"] = new JsonObject { ["kind"] = "person" } };
        foreach (var (path, value) in Form.Facts(schema, Sections.SelectMany(s => s.Fields)))
        {
            if (value == null) continue;
            var dot = path.IndexOf('.');
            if (root[path[..dot]] is not JsonObject section) root[path[..dot]] = section = new JsonObject();
            section[path[(dot + 1)..]] = value;
        }
        return root;
    }

    private void AddError(string field, string message) => Form.AddError(field, message);

    public string Value(string name) => Form.Value(name);

    public IReadOnlyList<string> ErrorsFor(string name) => Form.ErrorsFor(name);

    /// <summary>The profile's facts that the form does not show but that the result refers to.</summary>
    public IEnumerable<string> OtherErrors => Errors.Where(e => e.Key != DateField && e.Key != JsonField
        && !Sections.SelectMany(s => s.Fields).Any(f => f.Path == e.Key)).SelectMany(e => e.Value.Select(m => $"{e.Key}：{m}"));
}
