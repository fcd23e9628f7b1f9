using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Roster;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Exports;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Roster;

public sealed record RosterCommitRequest(string? Mode);

public sealed record RosterImportSummaryDto(long Id, string FileName, string Status, string StatusText, string CreatedAt, RosterCounts Counts);

/// <summary>Bulk import of talents from an .xlsx roster (人才名册): upload → validated preview → commit or discard, for
/// window staff (rows of their own city) and the talent office (any city). See docs/roster-import.md.</summary>
public static class RosterApi
{
    /// <summary>Window staff and the talent office import rosters; reviewers and auditors do not.</summary>
    public const string ImportPolicy = "roster-import";

    /// <summary>The upload's whole request may be a little larger than the file (multipart framing).</summary>
    private const long MaxRequestBytes = RosterReader.MaxBytes + 256 * 1024;

    public static WebApplicationBuilder AddRoster(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RosterImportService>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(ImportPolicy, p => p.RequireRole(Roles.Window, Roles.Admin));
        return builder;
    }

    public static IEndpointRouteBuilder MapRosterApi(this IEndpointRouteBuilder app)
    {
        var roster = app.MapGroup("/api/v1/roster").WithTags("名册导入").RequireAuthorization(ImportPolicy);
        roster.MapGet("/template.xlsx", Template).WithSummary("下载人才名册导入模板（.xlsx，含填写说明）");
        roster.MapGet("/imports", List).WithSummary("最近的名册导入（本部门所在城市；人才办：全部）");
        roster.MapPost("/imports", Upload).DisableAntiforgery()
            .WithSummary("上传人才名册（multipart/form-data，字段 file，.xlsx，不超过 5 MB、10000 行）：逐行逐列校验，生成预览，尚不写入档案");
        roster.MapGet("/imports/{id:long}", Get).WithSummary("名册导入的校验报告与预览（将新建、更新、跳过哪些行）");
        roster.MapGet("/imports/{id:long}/report.xlsx", ReportXlsx).WithSummary("校验报告（.xlsx，含“错误说明”列；身份证号、手机号已脱敏）");
        roster.MapPost("/imports/{id:long}/commit", Commit)
            .WithSummary("确认导入：mode 为 all（全部导入，有误行时拒绝）或 valid-only（只导入无误的行）；在一个事务中写入，要么全部写入，要么都不写入");
        roster.MapPost("/imports/{id:long}/discard", Discard).WithSummary("放弃本次导入（不写入任何档案）");
        return app;
    }

    /// <summary>The importing user; null when a window account has no department (it could import for no city).</summary>
    public static RosterActor? Actor(ClaimsPrincipal user)
    {
        if (user.IsInRole(Roles.Admin)) return new RosterActor(user.UserId(), user.DepartmentId(), null);
        var city = RecordsApi.ScopeCity(user);
        return city == null || city.StartsWith('\0') ? null : new RosterActor(user.UserId(), user.DepartmentId(), city);
    }

    private static ProblemHttpResult NoDepartment() => TypedResults.Problem(title: "无权导入",
        detail: "当前账号未分配所属部门，不能导入名册；请联系人才办为账号设置部门。", statusCode: StatusCodes.Status403Forbidden);

    private static Results<FileContentHttpResult, ProblemHttpResult> Template(CatalogHolder holder)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        try
        {
            return TypedResults.File(RosterWorkbooks.Template(RosterFormat.Load(holder.Root, catalog)), Xlsx.ContentType, "人才名册导入模板.xlsx");
        }
        catch (RosterFormatException fe) { return FormatBroken(fe); }
    }

    private static async Task<Results<Ok<List<RosterImportSummaryDto>>, ProblemHttpResult>> List(HttpContext http, RosterImportService service, CancellationToken ct)
    {
        if (Actor(http.User) is not { } actor) return NoDepartment();
        var list = await service.ListAsync(actor, 50, ct);
        return TypedResults.Ok(list.Select(i => new RosterImportSummaryDto(i.Id, i.FileName, RosterReport.StatusCodeOf(i.Status), RosterReport.StatusTextOf(i.Status),
            i.CreatedAt.ToString("O"), new RosterCounts(i.RowCount, i.ValidCount, i.InvalidCount, i.CreateCount, i.UpdateCount, i.UnchangedCount))).ToList());
    }

    private static async Task<Results<Created<RosterReport>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpContext http, RosterImportService service, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        if (Actor(http.User) is not { } actor) return NoDepartment();
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        var (file, fileName, problem) = await ReadUploadAsync(http, ct);
        if (problem != null) return Problems.Invalid("file", problem, "名册文件无法导入");
        try
        {
            var import = await service.UploadAsync(file!, fileName!, actor, catalog, holder.Root, clock.Today(), ct);
            return TypedResults.Created($"/api/v1/roster/imports/{import.Id}", await service.ReportAsync(import, ct));
        }
        catch (RosterFileException fe) { return Problems.Invalid(fe.Problems.Select(p => new Policies.Profiles.ProfileError("file", p)), "名册文件无法导入"); }
        catch (RosterFormatException fe) { return FormatBroken(fe); }
    }

    /// <summary>The uploaded file's bytes, read with the roster's size limit: an oversized request is refused with a
    /// Chinese message rather than read whole.</summary>
    public static async Task<(byte[]? File, string? Name, string? Problem)> ReadUploadAsync(HttpContext http, CancellationToken ct)
    {
        var tooLarge = $"文件过大：名册文件不能超过 {RosterReader.MaxBytes / 1024 / 1024} MB，请分批导入";
        if (http.Request.ContentLength > MaxRequestBytes) return (null, null, tooLarge);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxRequestBytes;
        if (!http.Request.HasFormContentType) return (null, null, "请以 multipart/form-data 方式上传名册文件（字段名 file）");
        IFormCollection form;
        try
        {
            form = await new FormFeature(http.Request, new FormOptions { MultipartBodyLengthLimit = MaxRequestBytes }).ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return (null, null, e is BadHttpRequestException { StatusCode: not StatusCodes.Status413PayloadTooLarge } ? "上传的内容不完整或格式有误，请重新上传" : tooLarge);
        }
        var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault();
        if (file == null || file.Length == 0) return (null, null, "请选择要上传的名册文件（.xlsx）");
        if (file.Length > RosterReader.MaxBytes) return (null, null, tooLarge);
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        return (buffer.ToArray(), file.FileName, null);
    }

    private static async Task<Results<Ok<RosterReport>, ProblemHttpResult>> Get(long id, HttpContext http, RosterImportService service, CancellationToken ct)
    {
        if (Actor(http.User) is not { } actor) return NoDepartment();
        var import = await service.FindAsync(id, actor, ct);
        return import == null ? NotFound() : TypedResults.Ok(await service.ReportAsync(import, ct));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReportXlsx(long id, HttpContext http, RosterImportService service, CancellationToken ct)
    {
        if (Actor(http.User) is not { } actor) return NoDepartment();
        var import = await service.FindAsync(id, actor, ct);
        if (import == null) return NotFound();
        var rows = await service.RowsAsync(id, ct);
        var report = RosterImportService.Report(import, rows);
        return TypedResults.File(RosterWorkbooks.Report(import, report.Columns, rows, report.FileIssues), Xlsx.ContentType, $"名册导入报告-{id}.xlsx");
    }

    private static async Task<Results<Ok<RosterReport>, ValidationProblem, ProblemHttpResult>> Commit(
        long id, RosterCommitRequest? body, HttpContext http, RosterImportService service, CatalogHolder holder, CancellationToken ct)
    {
        if (Actor(http.User) is not { } actor) return NoDepartment();
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        try
        {
            var import = await service.CommitAsync(id, body?.Mode, actor, catalog, ct);
            return TypedResults.Ok(await service.ReportAsync(import, ct));
        }
        catch (RosterException re) { return Refused(re, "mode"); }
    }

    private static async Task<Results<Ok<RosterReport>, ValidationProblem, ProblemHttpResult>> Discard(long id, HttpContext http, RosterImportService service, CancellationToken ct)
    {
        if (Actor(http.User) is not { } actor) return NoDepartment();
        try
        {
            var import = await service.DiscardAsync(id, actor, ct);
            return TypedResults.Ok(await service.ReportAsync(import, ct));
        }
        catch (RosterException re) { return Refused(re, "id"); }
    }

    private static ProblemHttpResult NotFound() => Problems.NotFound("未找到", "导入记录不存在，或不属于本部门所在的城市");

    private static Results<Ok<RosterReport>, ValidationProblem, ProblemHttpResult> Refused(RosterException re, string field) => re.Status switch
    {
        400 => Problems.Invalid(field, re.Message, "不能导入"),
        404 => NotFound(),
        _ => TypedResults.Problem(title: "不能导入", detail: re.Message, statusCode: re.Status),
    };

    private static ProblemHttpResult FormatBroken(RosterFormatException fe) => TypedResults.Problem(title: "名册列定义有误",
        detail: "catalog/roster/roster-columns.yaml 无法使用，请联系管理员：" + fe.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
}
