using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data.Certification;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Certification;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Certification;

/// <summary>认定 through the API. A holder lists the routes of its city with whether it qualifies, applies with evidence
/// files (multipart/form-data: routeId, note, and each file under the evidence kind it is, e.g. tax_certificate), reads
/// and withdraws its applications; a reviewer sees its own department's queue, the application with the applicant's
/// relevant facts and the evidence, and decides. Talent office and auditors read everything and decide nothing.</summary>
public static class CertificationApi
{
    /// <summary>Reviewers (of a department) and oversight: who may read applications other than their own.</summary>
    public const string Readers = "certification-readers";

    /// <summary>Largest request accepted for an application: every file at its limit, plus the form fields.</summary>
    public const long MaxRequestBytes = (long)EvidenceFiles.MaxFiles * EvidenceFiles.MaxBytes + 1024 * 1024;

    public static WebApplicationBuilder AddCertification(this WebApplicationBuilder builder)
    {
        builder.AddCertificationServices();
        builder.Services.AddScoped<CertificationViews>();
        builder.Services.AddHostedService<CertificationExpiry>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(Readers, p => p.RequireAssertion(c =>
            (c.User.IsInRole(Roles.Reviewer) && c.User.DepartmentId() != null) || c.User.IsInRole(Roles.Admin) || c.User.IsInRole(Roles.Auditor)));
        return builder;
    }

    public static IEndpointRouteBuilder MapCertificationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/certification").WithTags("人才认定");
        api.MapGet("/routes", Routes).RequireAuthorization(AccessPolicies.Holder)
            .WithSummary("本人（本企业）可申请的认定事项：是否符合条件、缺少哪些档案信息、在审和有效的认定");
        api.MapPost("/applications", Apply).RequireAuthorization(AccessPolicies.Holder)
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
            .WithSummary("提交认定申请（multipart/form-data：routeId、note，以及按材料种类命名的文件字段，如 tax_certificate；PDF/JPG/PNG，单个不超过 10 MB）");
        api.MapGet("/applications", MyApplications).RequireAuthorization(AccessPolicies.Holder).WithSummary("我的认定申请");
        api.MapGet("/applications/{id:long}", Get).RequireAuthorization()
            .WithSummary("一份认定申请：材料、审核记录；审核人员另见申请人的相关档案事实（身份证号脱敏）");
        api.MapPost("/applications/{id:long}/withdraw", Withdraw).RequireAuthorization(AccessPolicies.Holder).WithSummary("撤回审核中的认定申请");
        api.MapGet("/queue", Queue).RequireAuthorization(Readers)
            .WithSummary("认定审核队列：审核人员只见本部门的申请（status=submitted|approved|rejected|withdrawn|expired|all，默认 submitted）");
        api.MapPost("/applications/{id:long}/decision", Decide).RequireAuthorization(AccessPolicies.Reviewer)
            .WithSummary("审核：{\"decision\": \"approve\"|\"reject\", \"reason\": …, \"grants\": {\"person.talentClass\": \"D\"}}；驳回须写理由");
        api.MapGet("/evidence/{id:long}", Evidence).RequireAuthorization()
            .WithSummary("下载一份证明材料（仅申请人、本部门审核人员、人才办和审计人员）");
        return app;
    }

    public static CertificationViewer Viewer(ClaimsPrincipal user) => new(
        user.UserId(),
        user.IsInRole(Roles.Talent) || user.IsInRole(Roles.Enterprise) ? user.SubjectId() : null,
        user.DepartmentId(),
        user.IsInRole(Roles.Reviewer) && user.DepartmentId() != null,
        user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Auditor));

    /// <summary>The routes of the catalog in force, or the problem to answer with (no catalog, or route files in error).</summary>
    public static (PolicyCatalog? Catalog, CertificationCatalog? Routes, ProblemHttpResult? Problem) Load(CatalogHolder holder, CertificationRoutes routes)
    {
        if (holder.Current is not { } catalog) return (null, null, Problems.CatalogUnavailable());
        try { return (catalog, routes.For(catalog), null); }
        catch (CatalogException ce)
        {
            return (catalog, null, TypedResults.Problem(title: "认定事项目录暂不可用", statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: "catalog/certification 中的文件有错误，请管理员修正后重新加载。",
                extensions: new Dictionary<string, object?> { ["errors"] = ce.Errors.Select(e => e.ToString()).ToList() }));
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<RouteOfferDto>>, ValidationProblem, ProblemHttpResult>> Routes(
        HttpContext http, CatalogHolder holder, CertificationRoutes routes, CertificationService service, CertificationViews views, TimeProvider clock, CancellationToken ct)
    {
        var (catalog, _, problem) = Load(holder, routes);
        if (problem != null) return problem;
        try
        {
            var offers = await service.OffersAsync(http.User.SubjectId()!.Value, catalog!, clock.Today(), ct);
            return TypedResults.Ok(await views.OffersAsync(offers, catalog!, ct));
        }
        catch (Policies.Profiles.ProfileException pe) { return Problems.Invalid(pe.Errors, "档案数据有误"); }
        catch (RegistryException re) when (re.Status == 400) { return Invalid(re); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Results<Created<ApplicationDto>, ValidationProblem, ProblemHttpResult>> Apply(
        HttpContext http, CatalogHolder holder, CertificationRoutes routes, CertificationService service, CertificationViews views, TimeProvider clock, CancellationToken ct)
    {
        var (catalog, certification, problem) = Load(holder, routes);
        if (problem != null) return problem;
        if (!http.Request.HasFormContentType)
            return Problems.Invalid("$", "请以 multipart/form-data 提交：routeId、note，以及按材料种类命名的文件（如 tax_certificate）");
        IFormCollection form;
        try { form = await http.Request.ReadFormAsync(ct); }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Problems.Invalid("evidence", $"上传内容无法读取或超过上限（每个文件不超过 {EvidenceFiles.Size(EvidenceFiles.MaxBytes)}，一次最多 {EvidenceFiles.MaxFiles} 个文件）");
        }
        var uploads = await ReadUploadsAsync(form.Files, ct);
        try
        {
            var application = await service.ApplyAsync(http.User.SubjectId()!.Value, http.User.UserId(), form["routeId"].ToString(),
                form["note"].ToString(), uploads, catalog!, clock.Today(), ct);
            return TypedResults.Created($"/api/v1/certification/applications/{application.Id}",
                await views.ApplicationAsync(application, catalog, certification, withApplicant: false, clock.Today(), ct));
        }
        catch (Policies.Profiles.ProfileException pe) { return Problems.Invalid(pe.Errors, "档案数据有误"); }
        catch (RegistryException re) when (re.Status == 400) { return Invalid(re); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    /// <summary>Each file under the field it was sent in (the evidence kind). A file over the limit is read no further than
    /// the limit: its size is what the refusal reports.</summary>
    public static async Task<List<EvidenceUpload>> ReadUploadsAsync(IFormFileCollection files, CancellationToken ct)
    {
        var uploads = new List<EvidenceUpload>();
        foreach (var f in files)
        {
            var take = (int)Math.Min(f.Length, EvidenceFiles.MaxBytes + 1L);
            var buffer = new byte[take];
            await using (var s = f.OpenReadStream())
                await s.ReadAtLeastAsync(buffer, take, throwOnEndOfStream: false, ct);
            uploads.Add(new EvidenceUpload(f.Name, f.FileName, f.Length, buffer));
        }
        return uploads;
    }

    private static async Task<Ok<List<ApplicationDto>>> MyApplications(HttpContext http, CatalogHolder holder, CertificationRoutes routes,
        CertificationService service, CertificationViews views, TimeProvider clock, CancellationToken ct)
    {
        var (catalog, certification, _) = Load(holder, routes);
        var list = await service.Visible(Viewer(http.User) with { IsReviewer = false, IsOversight = false })
            .OrderByDescending(a => a.Id).Take(200).ToListAsync(ct);
        var result = new List<ApplicationDto>();
        foreach (var a in list) result.Add(await views.ApplicationAsync(a, catalog, certification, withApplicant: false, clock.Today(), ct));
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<ApplicationDto>, ProblemHttpResult>> Get(long id, HttpContext http, CatalogHolder holder, CertificationRoutes routes,
        CertificationService service, CertificationViews views, TimeProvider clock, CancellationToken ct)
    {
        var viewer = Viewer(http.User);
        var application = await service.Visible(viewer).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application == null) return Problems.NotFound("未找到", "认定申请不存在，或您无权查看");
        var (catalog, certification, _) = Load(holder, routes);
        return TypedResults.Ok(await views.ApplicationAsync(application, catalog, certification,
            withApplicant: viewer.IsReviewer || viewer.IsOversight, clock.Today(), ct));
    }

    private static async Task<Results<Ok<ApplicationDto>, ValidationProblem, ProblemHttpResult>> Withdraw(long id, HttpContext http, CatalogHolder holder,
        CertificationRoutes routes, CertificationService service, CertificationViews views, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            var application = await service.WithdrawAsync(http.User.SubjectId()!.Value, id, http.User.UserId(), ct);
            var (catalog, certification, _) = Load(holder, routes);
            return TypedResults.Ok(await views.ApplicationAsync(application, catalog, certification, withApplicant: false, clock.Today(), ct));
        }
        catch (RegistryException re) when (re.Status == 400) { return Invalid(re); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Results<Ok<List<QueueItemDto>>, ValidationProblem>> Queue(string? status, string? department, HttpContext http,
        CatalogHolder holder, CertificationRoutes routes, CertificationService service, CertificationViews views, CancellationToken ct)
    {
        if (!TryStatus(status, out var s))
            return Problems.Invalid("status", "status 应为 submitted、approved、rejected、withdrawn、expired 或 all");
        var viewer = Viewer(http.User);
        var visible = service.Visible(viewer);
        if (viewer.IsOversight && !string.IsNullOrWhiteSpace(department)) visible = visible.Where(a => a.DepartmentId == department);
        var (_, certification, _) = Load(holder, routes);
        return TypedResults.Ok(await views.QueueAsync(visible, s, certification, ct));
    }

    public static bool TryStatus(string? text, out CertificationStatus? status)
    {
        status = CertificationStatus.Submitted;
        switch ((text ?? "").Trim().ToLowerInvariant())
        {
            case "" or "submitted": return true;
            case "approved": status = CertificationStatus.Approved; return true;
            case "rejected": status = CertificationStatus.Rejected; return true;
            case "withdrawn": status = CertificationStatus.Withdrawn; return true;
            case "expired": status = CertificationStatus.Expired; return true;
            case "all": status = null; return true;
            default: return false;
        }
    }

    private static async Task<Results<Ok<ApplicationDto>, ValidationProblem, ProblemHttpResult>> Decide(long id, DecisionRequest body, HttpContext http,
        CatalogHolder holder, CertificationRoutes routes, CertificationService service, CertificationViews views, TimeProvider clock, CancellationToken ct)
    {
        var (catalog, certification, problem) = Load(holder, routes);
        if (problem != null) return problem;
        Decision decision;
        switch ((body.Decision ?? "").Trim().ToLowerInvariant())
        {
            case "approve": decision = Decision.Approve; break;
            case "reject": decision = Decision.Reject; break;
            default: return Problems.Invalid("decision", "decision 应为 approve（认定通过）或 reject（驳回）");
        }
        try
        {
            var application = await service.DecideAsync(id, Viewer(http.User), decision, body.Reason, body.Grants, catalog!, clock.Today(), ct);
            return TypedResults.Ok(await views.ApplicationAsync(application, catalog, certification, withApplicant: true, clock.Today(), ct));
        }
        catch (Policies.Profiles.ProfileException pe) { return Problems.Invalid(pe.Errors, "档案数据有误"); }
        catch (RegistryException re) when (re.Status == 400) { return Invalid(re); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Evidence(long id, HttpContext http, CertificationService service, CancellationToken ct)
    {
        var file = await service.EvidenceFileAsync(id, Viewer(http.User), ct);
        if (file == null) return Problems.NotFound("未找到", "材料不存在，或您无权查看");
        // Always a download, never rendered by the browser on the platform's origin.
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(file.Content, file.ContentType, file.DisplayName, enableRangeProcessing: false);
    }

    public static ValidationProblem Invalid(RegistryException re) => Problems.Invalid(re.Errors, "认定申请或审核有误");

    /// <summary>404 (not found or not visible) or 409 (already pending, already decided) as a problem.</summary>
    public static ProblemHttpResult Refused(RegistryException re) => Problems.Refused(re);
}

/// <summary>Takes back expired certifications: shortly after start-up and then every hour (<c>TalentOne:Certification:
/// ExpiryIntervalMinutes</c>, 0 = never; the sweep also calls <see cref="CertificationService.ExpireAsync"/>).</summary>
public sealed class CertificationExpiry(IServiceScopeFactory scopes, CatalogHolder holder, TimeProvider clock, IConfiguration config,
    ILogger<CertificationExpiry> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = config.GetValue("TalentOne:Certification:ExpiryIntervalMinutes", 60);
        if (minutes <= 0) return;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
            do
            {
                if (holder.Current is not { } catalog) continue;
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var result = await scope.ServiceProvider.GetRequiredService<CertificationService>().ExpireAsync(catalog, clock.Today(), stoppingToken);
                    if (result.Expired.Count > 0) log.LogInformation("{Count} certification(s) expired", result.Expired.Count);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Certification expiry run failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }
}
