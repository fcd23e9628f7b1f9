using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Catalog;

public sealed record LoadAttemptDto(string At, string Trigger, bool Succeeded, IReadOnlyList<string> Errors);

/// <summary>The catalog in force and the last (re)load attempt.</summary>
public sealed record CatalogStatusDto(
    bool Loaded, string? Version, string? LoadedAt, int Documents, int Policies, int Tests, int Facts, int Parameters,
    LoadAttemptDto? LastReload);

public static class CatalogApi
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => CatalogLocation.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        builder.Services.AddSingleton<CatalogHolder>();
        builder.Services.AddHostedService<CatalogStartup>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("政策目录");
        api.MapGet("/catalog", (CatalogHolder holder) => TypedResults.Ok(Status(holder)))
            .WithName("GetCatalogStatus").WithSummary("目录版本、加载时间、数量与最近一次加载的错误");
        api.MapPost("/catalog/reload", Reload)
            .RequireAuthorization(TalentOne.Registry.Accounts.AccessPolicies.Admin)
            .WithName("ReloadCatalog").WithSummary("从磁盘重新加载政策目录（管理员）；有错误时返回 422 并继续使用原目录");
        api.MapGet("/policies", ListPolicies).WithName("ListPolicies").WithSummary("全部政策（摘要）");
        api.MapGet("/policies/{id}", GetPolicy).WithName("GetPolicy").WithSummary("一项政策的完整内容：出处、条件、金额公式、上限、材料、测试");
        api.MapGet("/schema/profile", ProfileSchema).WithName("GetProfileSchema").WithSummary("档案的 JSON Schema（draft 2020-12）")
            .Produces<JsonObject>(contentType: "application/schema+json");
        return app;
    }

    public static CatalogStatusDto Status(CatalogHolder holder)
    {
        var c = holder.Current;
        var a = holder.LastAttempt;
        return new CatalogStatusDto(c != null, c?.Version, c?.LoadedAt.ToString("O"), c?.Documents.Count ?? 0, c?.Policies.Count ?? 0,
            c == null ? 0 : c.Policies.Sum(p => p.Tests.Count) + c.PackageTests.Count, c?.Schema.Facts.Count ?? 0,
            c?.Parameters.Table.Parameters.Count ?? 0,
            a == null ? null : new LoadAttemptDto(a.At.ToString("O"), a.Trigger, a.Succeeded, a.Errors));
    }

    private static async Task<Results<Ok<CatalogStatusDto>, ProblemHttpResult>> Reload(CatalogHolder holder, CancellationToken ct)
    {
        var attempt = await holder.LoadAsync("reload", ct);
        if (attempt.Succeeded) return TypedResults.Ok(Status(holder));
        return TypedResults.Problem(
            title: "政策目录有错误，未重新加载",
            detail: $"共 {attempt.Errors.Count} 处错误；仍在使用版本 {holder.Current?.Version ?? "（无）"}。",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = attempt.Errors,
                ["servingVersion"] = holder.Current?.Version,
            });
    }

    private static Results<Ok<List<PolicySummaryDto>>, ProblemHttpResult> ListPolicies(CatalogHolder holder)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        return TypedResults.Ok(catalog.Policies.Select(PolicySummaryDto.From).ToList());
    }

    private static Results<Ok<PolicyDetailDto>, ProblemHttpResult> GetPolicy(string id, CatalogHolder holder)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        if (!catalog.ById.TryGetValue(id, out var policy))
            return Problems.NotFound("没有这项政策", $"政策目录（版本 {catalog.Version}）中没有 id 为“{id}”的政策。");
        return TypedResults.Ok(PolicyDetailDto.From(policy));
    }

    private static IResult ProfileSchema(CatalogHolder holder)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        var schema = ProfileJsonSchema.Generate(catalog.Schema);
        schema["x-catalogVersion"] = catalog.Version;
        return Results.Text(schema.ToJsonString(Json.Options), "application/schema+json; charset=utf-8");
    }
}
