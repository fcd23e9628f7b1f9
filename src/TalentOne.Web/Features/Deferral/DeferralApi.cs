using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Cases;
using TalentOne.Data.Deferral;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Deferral;

/// <summary>One event of a bad-credit flag. <paramref name="By"/> (the administrator's user id) is shown to staff only.</summary>
public sealed record CreditEventDto(long Id, bool Flagged, string Reason, string Source, string SourceText, string? By, string At, long? CaseId, string? MaterialId);

/// <summary>A subject's bad-credit flag (失信标记): set or not, the event that set it, and (for staff) its history.</summary>
public sealed record CreditDto(long SubjectId, bool Flagged, CreditEventDto? Current, IReadOnlyList<CreditEventDto>? History);

/// <summary>POST /api/v1/records/{id}/credit: set (flagged: true) or clear (false) the flag, with a reason.</summary>
public sealed record CreditChangeRequest(bool? Flagged, string? Reason);

/// <summary>POST /api/v1/tasks/{id}/defer: the material, the applicant's written promise and the date (yyyy-MM-dd).</summary>
public sealed record DeferRequest(string? MaterialId, string? Promise, string? Until);

/// <summary>POST /api/v1/me/cases/{id}/materials/{materialId}: a file id of the applicant's vault (POST /api/v1/me/materials).</summary>
public sealed record SupplyRequest(long? FileId);

/// <summary>A deferred (容缺) material of one of my cases: state open | supplied | terminated | moot.</summary>
public sealed record DeferralDto(long Id, long CaseId, string BundleName, string MaterialId, string MaterialName, string Promise, string Until,
    int? WorkingDaysLeft, string State, string StateText, long? SuppliedFileId, string? SuppliedAt, string? TerminatedOn,
    IReadOnlyList<string> Items, IReadOnlyList<string> Accept, int? MaxSizeMb);

/// <summary>容缺受理 (docs/cases.md): the talent office's bad-credit flags, the reviewer's deferral of a task's material,
/// the applicant's supply, and the daily job "deferrals" (reminders and termination).</summary>
public static class DeferralApi
{
    public const string RemindSetting = "TalentOne:Deferral:RemindWorkingDays";

    public static WebApplicationBuilder AddDeferral(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CreditService>();
        builder.Services.AddSingleton(sp =>
        {
            var days = sp.GetRequiredService<IConfiguration>().GetValue(RemindSetting, DeferralOptions.DefaultRemindWorkingDays);
            if (days is < 0 or > 20) throw new InvalidOperationException($"{RemindSetting} must be 0–20 working days, found {days}.");
            return new DeferralOptions(days);
        });
        builder.Services.AddScoped<ICaseDailyJob, DeferralJob>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDeferralApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("容缺受理与失信标记");
        api.MapGet("/records/{id:long}/credit", Credit).RequireAuthorization(AccessPolicies.Oversight)
            .WithSummary("一份档案的失信标记：当前状态和全部设置、解除记录");
        api.MapPost("/records/{id:long}/credit", ChangeCredit).RequireAuthorization(AccessPolicies.Admin).Accepts<CreditChangeRequest>("application/json")
            .WithSummary("人才办设置（flagged: true）或解除（false）失信标记，须写明理由；有失信标记的申请人不能容缺受理");
        api.MapGet("/me/credit", MyCredit).RequireAuthorization(AccessPolicies.Holder).WithSummary("我的失信标记（只读）");
        api.MapGet("/me/deferrals", MyDeferrals).RequireAuthorization(AccessPolicies.Holder)
            .WithSummary("我的容缺材料：承诺补交日期、剩余工作日、是否已补交或已终止");
        api.MapPost("/me/cases/{id:long}/materials/{materialId}", Supply).RequireAuthorization(AccessPolicies.Holder).Accepts<SupplyRequest>("application/json")
            .WithSummary("补交容缺材料 {fileId}（先上传到材料库）；终止后不能再补交（409）");
        api.MapPost("/tasks/{id:long}/defer", Defer).RequireAuthorization(AccessPolicies.Reviewer).Accepts<DeferRequest>("application/json")
            .WithSummary("容缺受理 {materialId, promise, until}：仅限本事项可容缺的非核心材料，补交日期不晚于本事项截止日；申请人有失信标记的不予容缺");
        return app;
    }

    public static CreditEventDto ToDto(CreditFlagEvent e, bool staff) => new(e.Id, e.Flagged, e.Reason, e.Source, CreditFlags.SourceText(e.Source),
        staff ? e.By : null, e.At.ToString("O", CultureInfo.InvariantCulture), e.CaseId, e.MaterialId);

    private static async Task<CreditDto> CreditDtoAsync(long subjectId, CreditService credit, bool staff, CancellationToken ct)
    {
        var history = await credit.HistoryAsync(subjectId, ct);
        var current = history.FirstOrDefault() is { Flagged: true } set ? set : null;
        return new CreditDto(subjectId, current != null, current == null ? null : ToDto(current, staff), staff ? history.Select(e => ToDto(e, true)).ToList() : null);
    }

    private static async Task<bool> InScopeAsync(long id, ClaimsPrincipal user, TalentOneDb db, CancellationToken ct) =>
        await RecordsApi.Scoped(db.Subjects.AsNoTracking(), user).AnyAsync(s => s.Id == id, ct);

    private static async Task<Results<Ok<CreditDto>, ProblemHttpResult>> Credit(long id, HttpContext http, TalentOneDb db, CreditService credit, CancellationToken ct) =>
        await InScopeAsync(id, http.User, db, ct) ? TypedResults.Ok(await CreditDtoAsync(id, credit, staff: true, ct))
            : Problems.NotFound("未找到", "档案不存在，或不属于本部门所在的城市");

    private static async Task<Results<Ok<CreditDto>, ValidationProblem, ProblemHttpResult>> ChangeCredit(long id, HttpRequest request, TalentOneDb db, CreditService credit, CancellationToken ct)
    {
        if (!await InScopeAsync(id, request.HttpContext.User, db, ct)) return Problems.NotFound("未找到", "档案不存在，或不属于本部门所在的城市");
        var (body, problem) = await ReadAsync<CreditChangeRequest>(request, ct);
        if (problem != null) return problem;
        if (body?.Flagged is not bool flagged) return Problems.Invalid("flagged", "请说明是设置（true）还是解除（false）失信标记", "失信标记有误");
        try
        {
            await credit.ChangeAsync(id, flagged, body.Reason, request.HttpContext.User.UserId(), ct);
            return TypedResults.Ok(await CreditDtoAsync(id, credit, staff: true, ct));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "失信标记有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Ok<CreditDto>> MyCredit(HttpContext http, CreditService credit, CancellationToken ct) =>
        TypedResults.Ok(await CreditDtoAsync(http.User.SubjectId()!.Value, credit, staff: false, ct));

    private static async Task<Results<Ok<List<DeferralDto>>, ProblemHttpResult>> MyDeferrals(HttpContext http, CasesApi.Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var list = await d.Service.DeferralsAsync(http.User.SubjectId()!.Value, null, cx!, ct);
        return TypedResults.Ok(list.Select(v => ToDto(v, cx!)).ToList());
    }

    private static async Task<Results<Created<DeferralDto>, ValidationProblem, ProblemHttpResult>> Supply(long id, string materialId, HttpRequest request, CasesApi.Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var (body, bad) = await ReadAsync<SupplyRequest>(request, ct);
        if (bad != null) return bad;
        var user = request.HttpContext.User;
        try
        {
            var row = await d.Service.SupplyAsync(user.SubjectId()!.Value, id, materialId, body?.FileId, user.UserId(), cx!, ct);
            var view = (await d.Service.DeferralsAsync(user.SubjectId()!.Value, id, cx!, ct)).First(v => v.Deferral.Id == row.SuppliesId);
            return TypedResults.Created($"/api/v1/me/cases/{id}", ToDto(view, cx!));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "补交材料有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Results<Created<CaseMaterialDto>, ValidationProblem, ProblemHttpResult>> Defer(long id, HttpRequest request, CasesApi.Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var (body, bad) = await ReadAsync<DeferRequest>(request, ct);
        if (bad != null) return bad;
        var user = request.HttpContext.User;
        try
        {
            var row = await d.Service.DeferAsync(id, new CaseActor(user.UserId(), user.DepartmentId()), body?.MaterialId, body?.Promise, body?.Until, cx!, ct);
            return TypedResults.Created($"/api/v1/tasks/{id}", new CaseMaterialDto(row.MaterialId, null, null, row.Deferred, row.DeferredUntil is { } u ? CaseService.D(u) : null, null));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "容缺受理有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<(T? Body, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength == 0 || !(request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false)) return (null, null);
        try { return (await JsonSerializer.DeserializeAsync<T>(request.Body, Json.Options, ct), null); }
        catch (JsonException je) { return (null, Problems.Invalid([Problems.MalformedJson(je)])); }
    }

    public static string StateText(DeferralState s) => s switch
    {
        DeferralState.Open => "待补交", DeferralState.Supplied => "已补交", DeferralState.Terminated => "未按承诺补交，已终止",
        _ => "无需补交（相关事项已结束）",
    };

    public static DeferralDto ToDto(DeferralView v, CaseContext cx)
    {
        var until = v.Deferral.DeferredUntil!.Value;
        int? left = null;
        if (v.State == DeferralState.Open && cx.Calendar.Covers(until) && cx.Calendar.Covers(cx.Today)) left = Math.Max(0, cx.Calendar.WorkingDaysBetween(cx.Today, until));
        return new DeferralDto(v.Deferral.Id, v.Case.Id, cx.Items.BundleById.TryGetValue(v.Case.BundleId, out var b) ? b.Name : v.Case.BundleId,
            v.Material.Id, v.Material.Name, v.Deferral.Deferred ?? "", CaseService.D(until), left, v.State.ToString().ToLowerInvariant(), StateText(v.State),
            v.Supply?.EvidenceFileId, v.Supply?.At.ToString("O", CultureInfo.InvariantCulture), v.TerminatedOn is { } t ? CaseService.D(t) : null,
            v.Items.Select(i => cx.Items.ItemById.TryGetValue(i, out var item) ? item.Name : i).ToList(), v.Material.Accept, v.Material.MaxSizeMb);
    }
}
