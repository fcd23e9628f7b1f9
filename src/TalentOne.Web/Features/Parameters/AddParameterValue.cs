using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Data;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Parameters;

/// <summary>A new dated value: <c>value</c> (or <c>default</c>) for every key, and/or <c>byKey</c> for some keys.</summary>
/// <param name="From">First day the value applies (yyyy-mm-dd).</param>
/// <param name="Value">The value (for a parameter without key, or the default for every key).</param>
/// <param name="Default">Same as value.</param>
/// <param name="ByKey">Values by key code, e.g. {"kecheng": 2070}; only for parameters keyed by an enum.</param>
/// <param name="Source">Document, number or article the value is taken from.</param>
public sealed record AddParameterValueRequest(string From, double? Value, double? Default, Dictionary<string, double>? ByKey, string Source);

/// <summary>POST /api/v1/parameters/{name}/values — an administrator records a new value of a parameter (e.g. a new
/// minimum wage from its effective date). Stored in the database, never in the catalog files; the rules use it at once.</summary>
public static class AddParameterValue
{
    public static async Task<Results<Created<ParameterValueDto>, ValidationProblem, ProblemHttpResult>> Handle(
        string name, HttpRequest request, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        if (!catalog.Parameters.Table.ByName.TryGetValue(name, out var parameter)) return ParametersApi.UnknownParameter(name);
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, Json.Reading, ct);
        }
        catch (JsonException je)
        {
            return Problems.Invalid([Problems.MalformedJson(je)], "参数取值有误");
        }
        ParameterValueRecord record;
        using (doc)
        {
            var errors = new List<ProfileError>();
            record = Read(parameter, doc.RootElement, errors);
            if (errors.Count > 0) return Problems.Invalid(errors, "参数取值有误");
        }
        record.CreatedBy = request.HttpContext.User.Identity?.Name ?? "admin";
        record.CreatedAt = clock.GetUtcNow();
        await holder.AddParameterValueAsync(record, ct);
        var v = CatalogHolder.ToValue(record);
        return TypedResults.Created($"/api/v1/parameters/{Uri.EscapeDataString(name)}",
            new ParameterValueDto(v.From.ToString("yyyy-MM-dd"), v.Default, v.ByKey, v.Source, "database", null, record.Id,
                record.CreatedBy, record.CreatedAt.ToString("O")));
    }

    internal static ParameterValueRecord Read(ParameterDef parameter, JsonElement root, List<ProfileError> errors)
    {
        var record = new ParameterValueRecord { Parameter = parameter.Name, Source = "", CreatedBy = "" };
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("$", "请求体必须是 JSON 对象，例如 {\"from\": \"2024-01-01\", \"value\": 2490, \"source\": \"浙政发〔2023〕x号\"}"));
            return record;
        }
        bool hasFrom = false, hasValue = false;
        var byKey = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "from":
                    if (p.Value.ValueKind == JsonValueKind.String
                        && DateOnly.TryParseExact(p.Value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                        && from.Year is >= 1900 and <= 2200)
                    {
                        record.From = from;
                        hasFrom = true;
                    }
                    else errors.Add(new("from", "生效日期应为日期，格式 yyyy-mm-dd，例如 2024-01-01"));
                    break;
                case "value" or "default":
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (hasValue) { errors.Add(new(p.Name, "value 与 default 含义相同，只能填写一个")); break; }
                    if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var d) && double.IsFinite(d))
                    {
                        record.Default = d;
                        hasValue = true;
                    }
                    else errors.Add(new(p.Name, "取值应为数字"));
                    break;
                case "byKey" or "by_key":
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (parameter.Key is not { } key) { errors.Add(new(p.Name, $"参数“{parameter.Title}”不按键取值，请只填写 value")); break; }
                    if (p.Value.ValueKind != JsonValueKind.Object) { errors.Add(new(p.Name, $"应为对象，例如 {{\"{key.Members[0].Code}\": 2000}}")); break; }
                    foreach (var kv in p.Value.EnumerateObject())
                    {
                        var field = $"{p.Name}.{kv.Name}";
                        if (key.Find(kv.Name) == null) errors.Add(new(field, $"“{kv.Name}”不是{key.Title}的代码"));
                        else if (kv.Value.ValueKind == JsonValueKind.Number && kv.Value.TryGetDouble(out var kd) && double.IsFinite(kd)) byKey[kv.Name] = kd;
                        else errors.Add(new(field, "取值应为数字"));
                    }
                    break;
                case "source":
                    if (p.Value.ValueKind == JsonValueKind.String && p.Value.GetString()!.Trim() is { Length: > 0 and <= 2000 } source) record.Source = source;
                    else errors.Add(new("source", "请填写取值依据（文件名称、文号或条款），不超过 2000 字"));
                    break;
                default:
                    errors.Add(new(p.Name, $"未知字段“{p.Name}”：可用 from、value（或 default）、byKey、source"));
                    break;
            }
        }
        if (!hasFrom && !errors.Any(e => e.Field == "from")) errors.Add(new("from", "请填写生效日期（from）"));
        if (!hasValue && byKey.Count == 0 && !errors.Any(e => e.Field is "value" or "default" || e.Field.StartsWith("byKey", StringComparison.Ordinal) || e.Field.StartsWith("by_key", StringComparison.Ordinal)))
            errors.Add(new("value", parameter.Key == null ? "请填写取值（value）" : "请填写 value（适用于所有键）或 byKey（按键取值）"));
        if (record.Source.Length == 0 && !errors.Any(e => e.Field == "source")) errors.Add(new("source", "请填写取值依据（文件名称、文号或条款）"));
        record.ByKeyJson = JsonSerializer.Serialize(byKey);
        return record;
    }
}
