using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Eligibility;

/// <summary>Request body of POST /api/v1/eligibility. The profile alone (without this wrapper) is accepted too.</summary>
/// <param name="Profile">The profile: see GET /api/v1/schema/profile.</param>
/// <param name="Date">Evaluate as of this day (yyyy-mm-dd); today (China time) when absent.</param>
public sealed record EligibilityRequest(JsonObject Profile, string? Date);

public static class EligibilityApi
{
    public static IEndpointRouteBuilder MapEligibilityApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/eligibility", Evaluate)
            .WithTags("政策计算")
            .WithName("EvaluateEligibility")
            .WithSummary("按档案和日期计算可享受的政策包：符合、接近符合、需补充信息、不符合")
            .Accepts<EligibilityRequest>("application/json");
        return app;
    }

    private static async Task<Results<Ok<PackageDto>, ValidationProblem, ProblemHttpResult>> Evaluate(
        HttpRequest request, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        // The body is read here rather than model-bound, so that malformed JSON is answered like any other bad field.
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, Json.Reading, ct);
        }
        catch (JsonException je)
        {
            return Problems.Invalid([Problems.MalformedJson(je)], "档案数据有误");
        }
        using (doc)
        {
            var parsed = Unwrap(doc.RootElement, clock.Today());
            if (parsed.Errors.Count > 0) return Problems.Invalid(parsed.Errors, "档案数据有误");
            try
            {
                var profile = ProfileReader.Read(catalog, parsed.Profile, parsed.Date);
                return TypedResults.Ok(PackageDto.From(Evaluator.Evaluate(catalog, profile, parsed.Date)));
            }
            catch (ProfileException pe)
            {
                return Problems.Invalid(pe.Errors, "档案数据有误");
            }
        }
    }

    internal readonly record struct Unwrapped(JsonElement Profile, DateOnly Date, IReadOnlyList<ProfileError> Errors);

    /// <summary>{"profile": {...}, "date": "yyyy-mm-dd"} or the profile itself.</summary>
    internal static Unwrapped Unwrap(JsonElement root, DateOnly today)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("profile", out var profile))
            return new(root, today, []);
        var errors = new List<ProfileError>();
        var date = today;
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "profile":
                    if (p.Value.ValueKind != JsonValueKind.Object) errors.Add(new("profile", "档案必须是一个 JSON 对象"));
                    break;
                case "date":
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (p.Value.ValueKind != JsonValueKind.String
                        || !DateOnly.TryParseExact(p.Value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
                        errors.Add(new("date", "评估日期应为日期，格式 yyyy-mm-dd，例如 2021-06-01"));
                    break;
                default:
                    errors.Add(new(p.Name, $"未知字段“{p.Name}”：请求只能包含 profile 和 date"));
                    break;
            }
        }
        return new(profile, date, errors);
    }
}
