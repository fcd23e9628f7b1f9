using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Bundles;

public sealed record ItemSummaryDto(string Id, string Name, string City, string CityLabel, string? County, string? CountyLabel,
    string DepartmentId, string DepartmentName, string Applicant, int LimitWorkingDays, IReadOnlyList<string> Prerequisites,
    IReadOnlyList<string> PaysOut, bool Assumed);
public sealed record PolicyRefDto(string Id, string Title);
public sealed record MaterialDto(string Id, string Name, bool Core, bool WaivableByCommitment, bool Deferrable, IReadOnlyList<string> Accept, int? MaxSizeMb,
    IReadOnlyList<string>? Items = null, bool Required = false);
public sealed record FieldOptionDto(string Code, string Label);
public sealed record FieldDto(string Id, string Label, string Type, bool Required, IReadOnlyList<FieldOptionDto> Options, double? Min, double? Max,
    IReadOnlyList<string> Patterns, int? MaxLength, bool FromProfile, IReadOnlyList<string>? Items = null, JsonNode? Prefill = null);
public sealed record SourceDto(string Document, string? Article, string? Quote);
public sealed record ItemDto(ItemSummaryDto Item, IReadOnlyList<MaterialDto> Materials, IReadOnlyList<FieldDto> Fields,
    IReadOnlyList<PolicyRefDto> Policies, SourceDto Source, string? Note);
public sealed record FiguresDto(int? Forms, int? Fields, int? Materials, int? WorkingDays, int? Departments, int? Items);
public sealed record GroupDto(string Name, string? Kind, IReadOnlyList<string> Items);
public sealed record BundleSummaryDto(string Id, string Name, string City, string CityLabel, string? County, string? CountyLabel, int ItemCount, int DepartmentCount);
public sealed record BundleDto(BundleSummaryDto Bundle, SourceDto Source, IReadOnlyList<ItemSummaryDto> Items, IReadOnlyList<GroupDto> Groups,
    FiguresDto? Before, FiguresDto? After, string? Note);
public sealed record AddedDto(ItemSummaryDto Item, string NeededBy);
public sealed record SuggestionDto(ItemSummaryDto Item, IReadOnlyList<string> Reasons);
public sealed record CountsDto(int Forms, int Fields, int MergedFields, int Materials, int MergedMaterials, string Text, string MaterialsText);
public sealed record LevelDto(int Level, string Mode, IReadOnlyList<string> Items);
public sealed record PlanDto(string BundleId, IReadOnlyList<ItemSummaryDto> Chosen, IReadOnlyList<AddedDto> Added, IReadOnlyList<SuggestionDto> Suggestions,
    CountsDto Counts, IReadOnlyList<FieldDto> Fields, IReadOnlyList<MaterialDto> Materials, IReadOnlyList<LevelDto> Levels,
    int SerialWorkingDays, int SumWorkingDays, string? PrefilledFrom, bool? Valid);

/// <summary>Request of POST /api/v1/bundles/{id}/plan.</summary>
/// <param name="Items">The chosen item ids (勾选的事项).</param>
/// <param name="Profile">A profile (docs/profile.md) for suggestions and prefill; a signed-in holder's own record when absent.</param>
/// <param name="Values">Field values of the combined form to validate (optional).</param>
public sealed record PlanRequest(List<string>? Items, JsonObject? Profile, JsonObject? Values);

/// <summary>Service items (事项) and bundles (一件事), read-only, and the plan of a choice: prerequisites, suggestions,
/// one combined form, once-only materials and routing levels (docs/items-and-bundles.md).</summary>
public static class BundlesApi
{
    public static WebApplicationBuilder AddBundles(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ItemCatalogs>();
        return builder;
    }

    public static IEndpointRouteBuilder MapBundlesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("一件事");
        api.MapGet("/items", Items).WithSummary("全部事项（可按 city 筛选）");
        api.MapGet("/items/{id}", Item).WithSummary("一个事项：材料、表单字段、前置事项、兑现的政策和出处");
        api.MapGet("/bundles", Bundles).WithSummary("全部“一件事”");
        api.MapGet("/bundles/{id}", Bundle).WithSummary("一件“一件事”：事项及顺序、分组、改革前后数字");
        api.MapPost("/bundles/{id}/plan", Plan).Accepts<PlanRequest>("application/json")
            .WithSummary("勾选事项 → 自动补齐前置事项、推荐未勾选但符合条件的事项、合并表单、一次性材料清单和并联/串联办理顺序");
        return app;
    }

    /// <summary>The items of the catalog in force, or the problem to answer with.</summary>
    public static (ItemCatalog? Items, ProblemHttpResult? Problem) Load(CatalogHolder holder, ItemCatalogs items)
    {
        if (holder.Current is not { } catalog) return (null, Problems.CatalogUnavailable());
        try { return (items.For(catalog), null); }
        catch (CatalogException ce)
        {
            return (null, TypedResults.Problem(title: "事项目录暂不可用", statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: "catalog/items 或 catalog/bundles 中的文件有错误，请管理员修正后重新加载。",
                extensions: new Dictionary<string, object?> { ["errors"] = ce.Errors.Select(e => e.ToString()).ToList() }));
        }
    }

    private static Results<Ok<List<ItemSummaryDto>>, ProblemHttpResult> Items(string? city, CatalogHolder holder, ItemCatalogs items)
    {
        var (c, problem) = Load(holder, items);
        if (problem != null) return problem;
        return TypedResults.Ok(c!.Items.Where(i => city == null || i.City == city).Select(i => Summary(c, i)).ToList());
    }

    private static Results<Ok<ItemDto>, ProblemHttpResult> Item(string id, CatalogHolder holder, ItemCatalogs items)
    {
        var (c, problem) = Load(holder, items);
        if (problem != null) return problem;
        if (!c!.ItemById.TryGetValue(id, out var item)) return Problems.NotFound("没有这个事项", $"事项目录中没有“{id}”。");
        return TypedResults.Ok(Detail(c, item));
    }

    private static Results<Ok<List<BundleSummaryDto>>, ProblemHttpResult> Bundles(CatalogHolder holder, ItemCatalogs items)
    {
        var (c, problem) = Load(holder, items);
        if (problem != null) return problem;
        return TypedResults.Ok(c!.Bundles.Select(b => Summary(c, b)).ToList());
    }

    private static Results<Ok<BundleDto>, ProblemHttpResult> Bundle(string id, CatalogHolder holder, ItemCatalogs items)
    {
        var (c, problem) = Load(holder, items);
        if (problem != null) return problem;
        if (!c!.BundleById.TryGetValue(id, out var b)) return Problems.NotFound("没有这件“一件事”", $"目录中没有“{id}”。");
        return TypedResults.Ok(Detail(c, b));
    }

    private static async Task<Results<Ok<PlanDto>, ValidationProblem, ProblemHttpResult>> Plan(string id, HttpRequest request,
        CatalogHolder holder, ItemCatalogs items, TalentOneDb db, TimeProvider clock, CancellationToken ct)
    {
        var (c, problem) = Load(holder, items);
        if (problem != null) return problem;
        if (!c!.BundleById.TryGetValue(id, out var bundle)) return Problems.NotFound("没有这件“一件事”", $"目录中没有“{id}”。");
        PlanRequest? body;
        try { body = await JsonSerializer.DeserializeAsync<PlanRequest>(request.Body, Json.Options, ct); }
        catch (JsonException je) { return Problems.Invalid([Problems.MalformedJson(je)]); }
        if (body == null) return Problems.Invalid("items", "请至少勾选一个事项");
        var (profileJson, from, name) = await ProfileAsync(request.HttpContext.User, body.Profile, db, ct);
        try
        {
            var selection = BundlePlanner.Plan(c, bundle, body.Items ?? [], profileJson, clock.Today());
            bool? valid = null;
            if (body.Values != null)
            {
                var errors = BundlePlanner.Validate(selection.Form, body.Values);
                if (errors.Count > 0) return Problems.Invalid(errors, "合并表单填写有误");
                valid = true;
            }
            return TypedResults.Ok(ToDto(c, selection, from, name, valid));
        }
        catch (PlanException pe) { return Problems.Invalid(pe.Errors, "勾选的事项有误"); }
        catch (ProfileException pe) { return Problems.Invalid(pe.Errors.Select(e => e with { Field = "profile." + e.Field }), "档案数据有误"); }
    }

    /// <summary>The profile of the request, else the signed-in holder's own record (with their name for the form).</summary>
    public static async Task<(string? Json, string? From, KeyValuePair<string, string>? Name)> ProfileAsync(ClaimsPrincipal user, JsonObject? given, TalentOneDb db, CancellationToken ct)
    {
        if (given != null) return (given.ToJsonString(), "request", null);
        if ((user.IsInRole(Roles.Talent) || user.IsInRole(Roles.Enterprise)) && user.SubjectId() is long sid
            && await db.Subjects.AsNoTracking().Where(s => s.Id == sid).Select(s => new { s.ProfileJson, s.Name, s.Kind }).FirstOrDefaultAsync(ct) is { } s)
            // the record's name prefills the applicant's (a person) or the company's (an enterprise) name field
            return (s.ProfileJson, "registry", KeyValuePair.Create(s.Kind == SubjectKind.Enterprise ? "company.name" : "applicant.name", s.Name));
        return (null, null, null);
    }

    public static PlanDto ToDto(ItemCatalog c, Selection s, string? from, KeyValuePair<string, string>? name, bool? valid = null)
    {
        var levels = s.Levels.Select((l, i) => new LevelDto(i + 1, l.Count > 1 ? "并联" : "串联", l.Select(x => x.Id).ToList())).ToList();
        var fields = s.Form.Fields.Select(f => Field(f.Field, f.Items,
            f.Prefill ?? (name is { } n && n.Key == f.Field.Id ? JsonValue.Create(n.Value) : null))).ToList();
        var k = s.Form.Counts;
        return new PlanDto(s.Bundle.Id, s.Chosen.Select(i => Summary(c, i)).ToList(), s.Added.Select(a => new AddedDto(Summary(c, a.Item), a.NeededBy)).ToList(),
            s.Suggestions.Select(x => new SuggestionDto(Summary(c, x.Item), x.Reasons)).ToList(),
            new CountsDto(k.Forms, k.Fields, k.MergedFields, k.Materials, k.MergedMaterials, k.Text, k.MaterialsText),
            fields, s.Form.Materials.Select(m => Material(m.Material, m.Items)).ToList(), levels, s.SerialWorkingDays, s.SumWorkingDays, from, valid);
    }

    public static ItemSummaryDto Summary(ItemCatalog c, ServiceItem i) => new(i.Id, i.Name, i.City, c.CityLabel(i.City), i.County,
        i.County == null ? null : c.CountyLabel(i.County), i.DepartmentId, i.DepartmentName, i.Applicant, i.LimitWorkingDays, i.Prerequisites, i.PaysOut, i.Assumed);

    public static BundleSummaryDto Summary(ItemCatalog c, Registry.Cases.Bundle b) => new(b.Id, b.Name, b.City, c.CityLabel(b.City), b.County,
        b.County == null ? null : c.CountyLabel(b.County), b.Items.Count, b.Items.Select(i => c.ItemById[i].DepartmentKind).Distinct().Count());

    public static ItemDto Detail(ItemCatalog c, ServiceItem i) => new(Summary(c, i), i.Materials.Select(m => Material(m, null)).ToList(),
        i.Fields.Select(f => Field(f, null, null)).ToList(), i.PaysOut.Select(p => new PolicyRefDto(p, c.Policies.ById[p].Title)).ToList(),
        new SourceDto(i.Source.Document, i.Source.Article, i.Source.Quote), i.Note);

    public static BundleDto Detail(ItemCatalog c, Registry.Cases.Bundle b) => new(Summary(c, b), new SourceDto(b.Source.Document, b.Source.Article, b.Source.Quote),
        b.Items.Select(i => Summary(c, c.ItemById[i])).ToList(), b.Groups.Select(g => new GroupDto(g.Name, g.Kind, g.Items)).ToList(),
        Figures(b.Before), Figures(b.After), b.Note);

    private static FiguresDto? Figures(BundleFigures? f) => f == null ? null : new(f.Forms, f.Fields, f.Materials, f.WorkingDays, f.Departments, f.Items);

    private static MaterialDto Material(ItemMaterial m, IReadOnlyList<string>? items) =>
        new(m.Id, m.Name, m.Core, m.WaivableByCommitment, m.Deferrable, m.Accept, m.MaxSizeMb, items, m.MustHand);

    private static FieldDto Field(ItemField f, IReadOnlyList<string>? items, JsonNode? prefill) =>
        new(f.Id, f.Label, f.TypeName, f.Required, f.Options.Select(o => new FieldOptionDto(o.Code, o.Label)).ToList(), f.Min, f.Max, f.Patterns, f.MaxLength,
            f.FromProfile, items, prefill);
}
