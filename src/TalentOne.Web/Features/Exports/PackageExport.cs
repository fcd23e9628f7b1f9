using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Evaluation;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Roster;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Exports;

/// <summary>Who a package is for, as the workbook's first sheet names them: name and masked identifier only.</summary>
public sealed record PackageHolder(string Kind, string Name, string IdentifierMasked);

/// <summary>A policy package as an .xlsx workbook: 概况 (who, date, totals), 符合条件 (policy, amount, unit, schedule, payer,
/// department, document, article, quote), 接近符合 (what is still missing, and when time alone fixes it), 需补充信息
/// (the facts to add). Built from <see cref="PackageDto"/>, so its figures are the ones the JSON API gives; the same
/// pattern (rows of <see cref="XlsxSheet"/> written by <see cref="Xlsx.Write"/>) serves other exports.</summary>
public static class PackageExport
{
    public static byte[] Build(PackageDto p, PackageHolder holder)
    {
        var person = holder.Kind == "person";
        var summary = new List<object?[]>
        {
            new object?[] { person ? "姓名" : "单位名称", holder.Name },
            new object?[] { person ? "身份证号" : "统一社会信用代码", holder.IdentifierMasked },
            new object?[] { "评估日期", p.Date },
            new object?[] { "政策目录版本", p.CatalogVersion },
            new object?[] { "符合条件", $"{p.EligibleCount} 项" },
            new object?[] { "接近符合", $"{p.NearlyCount} 项" },
            new object?[] { "需补充信息", $"{p.NeedsInfoCount} 项" },
            new object?[] { "合计可享受（元）", p.Total },
            new object?[] { "其中首年（元）", p.FirstYearTotal },
            new object?[] { "说明", "计算结果依据已收录的政策原文自动生成，仅供参考；具体以主管部门受理审核为准。" },
        };
        var eligible = p.Eligible.Select(r => new object?[]
        {
            r.Id, r.Title, r.Amount, r.Unit, r.Schedule, r.Total, Notes(r), r.Payer, r.Department,
            r.Source.Document, r.Source.Title, r.Source.Article, r.Source.Quote,
        }).ToList();
        var nearly = p.Nearly.Select(r => new object?[]
        {
            r.Id, r.Title, r.PotentialAmount, r.Unit, r.EligibleOn, r.EligibleOnReason,
            Conditions(r.Failed), string.Join("；", r.MissingFacts), r.Source.Document, r.Source.Article, r.Source.Quote,
        }).ToList();
        var needsInfo = p.NeedsInfo.Select(r => new object?[]
        {
            r.Id, r.Title, string.Join("；", r.MissingFacts), Conditions(r.Unknown), r.Source.Document, r.Source.Article, r.Source.Quote,
        }).ToList();
        return Xlsx.Write([
            new XlsxSheet("概况", ["项目", "内容"], summary),
            new XlsxSheet("符合条件", ["政策编号", "政策名称", "金额", "单位", "发放方式", "合计", "备注", "兑付单位", "主管部门", "文号", "文件名称", "条款", "原文"], eligible),
            new XlsxSheet("接近符合", ["政策编号", "政策名称", "可享受金额", "单位", "何时可享受", "原因", "尚未满足的条件", "缺少的信息", "文号", "条款", "原文"], nearly),
            new XlsxSheet("需补充信息", ["政策编号", "政策名称", "缺少的信息", "待确认的条件", "文号", "条款", "原文"], needsInfo),
        ]);
    }

    private static string Notes(PolicyResultDto r) => string.Join("；", new[] { r.AmountNote, r.ExcludedByGroup }.Where(s => !string.IsNullOrEmpty(s)).Concat(r.CapsApplied));

    private static string Conditions(IReadOnlyList<ConditionDto> conditions) =>
        string.Join("；", conditions.Select(c => c.Actual is { } a ? $"{c.Label}（当前：{a}）" : c.Label));

    public static IEndpointRouteBuilder MapPackageExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me/package.xlsx", Mine).WithTags("我的档案").RequireAuthorization(AccessPolicies.Holder)
            .WithSummary("导出我的政策包（.xlsx：符合条件、接近符合、需补充信息）");
        app.MapGet("/api/v1/subjects/{id:long}/package.xlsx", OfSubject).WithTags("档案管理").RequireAuthorization(AccessPolicies.StaffOrOversight)
            .WithSummary("导出一份档案的政策包（.xlsx；身份证号脱敏）");
        return app;
    }

    private static async Task<IResult> Mine(string? date, HttpContext http, TalentOneDb db, CatalogHolder holder, TimeProvider clock, CancellationToken ct) =>
        await ExportAsync(http.User.SubjectId()!.Value, date, db, holder, clock, ct);

    private static async Task<IResult> OfSubject(long id, string? date, HttpContext http, TalentOneDb db, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        if (!await RecordsApi.Scoped(db.Subjects, http.User).AnyAsync(s => s.Id == id, ct))
            return Problems.NotFound("未找到", "档案不存在，或不属于本部门所在的城市");
        return await ExportAsync(id, date, db, holder, clock, ct);
    }

    private static async Task<IResult> ExportAsync(long id, string? date, TalentOneDb db, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        // The same evaluation as GET …/package, so the workbook and the JSON agree to the yuan.
        var result = await RecordsApi.PackageAsync(id, date, db, holder, clock, ct);
        if (result.Result is not Ok<RecordPackageDto> ok) return result.Result;
        var s = await db.Subjects.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Kind, x.Name, x.IdentifierMasked }).FirstAsync(ct);
        var holderInfo = new PackageHolder(s.Kind == SubjectKind.Person ? "person" : "enterprise", s.Name, s.IdentifierMasked);
        return TypedResults.File(Build(ok.Value!.Package, holderInfo), Xlsx.ContentType, $"政策包-{ok.Value.Package.Date}.xlsx");
    }
}
