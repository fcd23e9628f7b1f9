using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Policies.Catalog;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Parameters;

public sealed record ParameterSummaryDto(string Name, string Title, string? Unit, string? Key, string? Reference, int ValuesCount,
    string? LatestFrom, string? File);

/// <summary>One dated value. Origin is "file" (catalog/parameters) or "database" (added by an administrator).</summary>
public sealed record ParameterValueDto(string From, double? Default, IReadOnlyDictionary<string, double> ByKey, string? Source,
    string Origin, string? File, long? RecordId, string? CreatedBy, string? CreatedAt);

public sealed record ParameterDetailDto(string Name, string Title, string? Unit, string? Key, string? KeyTitle, string? Reference,
    string File, int Line, IReadOnlyList<ParameterValueDto> Values);

public static class ParametersApi
{
    public static IEndpointRouteBuilder MapParametersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/parameters").WithTags("参数");
        api.MapGet("/", List).WithName("ListParameters").WithSummary("全部参数（最低工资、房价……）");
        api.MapGet("/{name}", Get).WithName("GetParameter").WithSummary("一个参数按生效日期的取值历史（来自文件或数据库）");
        api.MapPost("/{name}/values", AddParameterValue.Handle)
            .RequireAuthorization(TalentOne.Registry.Accounts.AccessPolicies.Admin)
            .Accepts<AddParameterValueRequest>("application/json")
            .WithName("AddParameterValue").WithSummary("新增一条参数取值（管理员）：存入数据库，立即按新取值重建目录");
        return app;
    }

    private static Results<Ok<List<ParameterSummaryDto>>, ProblemHttpResult> List(CatalogHolder holder)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        return TypedResults.Ok(catalog.Parameters.Table.Parameters.Select(p => new ParameterSummaryDto(
            p.Name, p.Title, p.Unit, p.Key?.Name, p.Reference, p.Values.Count, p.Values.LastOrDefault()?.From.ToString("yyyy-MM-dd"), p.Pos.File)).ToList());
    }

    private static async Task<Results<Ok<ParameterDetailDto>, ProblemHttpResult>> Get(string name, CatalogHolder holder, TalentOneDb db, CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        if (!catalog.Parameters.Table.ByName.TryGetValue(name, out var p)) return UnknownParameter(name);
        return TypedResults.Ok(await DetailAsync(p, db, ct));
    }

    public static async Task<ParameterDetailDto> DetailAsync(ParameterDef p, TalentOneDb db, CancellationToken ct)
    {
        var records = await db.ParameterValues.AsNoTracking().Where(r => r.Parameter == p.Name).ToDictionaryAsync(r => r.Id, ct);
        var values = p.Values.Select(v =>
        {
            var record = records.Values.FirstOrDefault(r => CatalogHolder.DatabaseOrigin(r.Id) == v.Origin);
            return record == null
                ? new ParameterValueDto(v.From.ToString("yyyy-MM-dd"), v.Default, v.ByKey, v.Source, "file", v.Origin, null, null, null)
                : new ParameterValueDto(v.From.ToString("yyyy-MM-dd"), v.Default, v.ByKey, v.Source, "database", null, record.Id,
                    record.CreatedBy, record.CreatedAt.ToString("O"));
        }).ToList();
        return new ParameterDetailDto(p.Name, p.Title, p.Unit, p.Key?.Name, p.Key?.Title, p.Reference, p.Pos.File, p.Pos.Line, values);
    }

    public static ProblemHttpResult UnknownParameter(string name) =>
        Problems.NotFound("没有这个参数", $"政策目录中没有名为“{name}”的参数，参见 GET /api/v1/parameters。");
}
