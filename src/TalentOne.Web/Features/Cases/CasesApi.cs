using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TalentOne.Data.Cases;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Certification;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Bundles;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Certification;
using TalentOne.Web.Features.Supervision;
using TalentOne.Web.Infrastructure;
using TalentOne.Registry.Accounts;

namespace TalentOne.Web.Features.Cases;

/// <summary>Request of POST /api/v1/cases.</summary>
/// <param name="Materials">Material id → the file id of an upload (POST /api/v1/me/materials), {"commitment": "…"}
/// (承诺免提交) or {"deferred": "…", "until": "yyyy-MM-dd"} (容缺). A core material left out is taken from the files
/// uploaded before under the same material id (once-only).</param>
/// <param name="Delivery">How the results are delivered: {"method": "online"} (default), {"method": "window"} or
/// {"method": "post", "recipient": "…", "mobile": "…", "address": "…"}.</param>
public sealed record CaseRequest(string? BundleId, List<string>? Items, JsonObject? Values, JsonObject? Materials, string? ClientKey,
    DeliveryRequest? Delivery = null);

public sealed record DeliveryRequest(string? Method, string? Recipient, string? Mobile, string? Address)
{
    public CaseDelivery ToDelivery() => new(Method ?? "", Recipient, Mobile, Address);
}

public sealed record MailingRequest(string? Carrier, string? TrackingNumber);
public sealed record MailingDto(long TaskId, string Carrier, string TrackingNumber, string At);

public sealed record ReasonRequest(string? Reason);

public sealed record TaskDto(long Id, long CaseId, string ItemId, string ItemName, string DepartmentId, string DepartmentName, string Status,
    string StatusText, string? AcceptedOn, int LimitWorkingDays, string? Due, int? Remaining, string? Card, string? CardText,
    IReadOnlyList<string>? Explanation, string? Reason, string? ClaimedBy, string? DecidedAt, TaskStepDto? Step = null);
/// <param name="SuppliesId">For a file supplied after 容缺受理: the id of the deferral row it fulfils.</param>
public sealed record CaseMaterialDto(string MaterialId, long? FileId, string? Commitment, string? Deferred, string? DeferredUntil, long? ResultOfTaskId, long? SuppliesId = null);
public sealed record CaseEventDto(string Kind, long? TaskId, string At, string By, JsonNode? Detail);
public sealed record CaseDto(long Id, string BundleId, string BundleName, string Status, string StatusText, string SubmittedAt, string AcceptedOn,
    string? Due, string? Card, IReadOnlyList<TaskDto> Tasks, IReadOnlyList<CaseMaterialDto>? Materials, IReadOnlyList<CaseEventDto>? Events,
    string Delivery, string DeliveryText, string? PostalAddress, IReadOnlyList<MailingDto> Mailings);
public sealed record VaultFileDto(long Id, long FileId, string MaterialId, string Name, long Size, string SizeText, string Sha256, string ContentType, string UploadedAt);

/// <summary>一件事 cases through the API: a holder applies once and follows the case; a reviewer works the queue of
/// their own department (claim, approve, reject with reason, return for supplement). See docs/items-and-bundles.md.</summary>
public static class CasesApi
{
    public static WebApplicationBuilder AddCases(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CaseService>();
        builder.Services.AddScoped<Deps>();
        builder.Services.AddSingleton<CaseDailyRunner>();
        builder.Services.AddHostedService<CaseDailyBackground>();
        builder.AddSubmissionLimit();
        return builder;
    }

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("一件事办件");
        api.MapPost("/cases", Submit).RequireAuthorization(AccessPolicies.Holder).RequireRateLimiting(SubmissionLimit.Policy).Accepts<CaseRequest>("application/json")
            .WithSummary("一次申请（一件事）：{bundleId, items, values, materials, clientKey}；同一 clientKey 重复提交返回同一案件（200）");
        api.MapGet("/me/cases", MyCases).RequireAuthorization(AccessPolicies.Holder).WithSummary("我的案件");
        api.MapGet("/me/cases/{id:long}", MyCase).RequireAuthorization(AccessPolicies.Holder).WithSummary("一个案件：各事项的办理状态、截止日、亮牌和办理记录");
        api.MapPost("/me/cases/{id:long}/tasks/{taskId:long}/resubmit", Resubmit).RequireAuthorization(AccessPolicies.Holder)
            .WithSummary("补正后重新提交：恢复计时，记录截止日为何顺延");
        api.MapPost("/me/materials", Upload).RequireAuthorization(AccessPolicies.Holder)
            .WithMetadata(new RequestSizeLimitAttribute(EvidenceFiles.MaxBytes + 1024 * 1024))
            .WithSummary("上传材料（multipart/form-data：materialId、file；PDF/JPG/PNG，不超过 10 MB），存入本人材料库，以后可重复使用");
        api.MapGet("/me/materials", Vault).RequireAuthorization(AccessPolicies.Holder).WithSummary("我的材料库");
        api.MapGet("/tasks", Queue).RequireAuthorization(AccessPolicies.Reviewer).WithSummary("本部门待办事项：红牌、黄牌在前，再按截止日");
        api.MapPost("/tasks/{id:long}/claim", (long id, HttpContext http, Deps d, CancellationToken ct) => Act(id, TaskAction.Claim, http, d, ct))
            .RequireAuthorization(AccessPolicies.Reviewer).WithSummary("认领事项");
        api.MapPost("/tasks/{id:long}/approve", (long id, HttpContext http, Deps d, CancellationToken ct) => Act(id, TaskAction.Approve, http, d, ct))
            .RequireAuthorization(AccessPolicies.Reviewer).WithSummary("办结（通过）：依赖它的事项随即推送");
        api.MapPost("/tasks/{id:long}/reject", (long id, HttpContext http, Deps d, CancellationToken ct) => Act(id, TaskAction.Reject, http, d, ct))
            .RequireAuthorization(AccessPolicies.Reviewer).WithSummary("不予办理 {reason}：依赖它的事项一并终止");
        api.MapPost("/tasks/{id:long}/return", (long id, HttpContext http, Deps d, CancellationToken ct) => Act(id, TaskAction.Return, http, d, ct))
            .RequireAuthorization(AccessPolicies.Reviewer).WithSummary("退回补正 {reason}：暂停计时");
        app.MapCaseHandlingApi();
        api.MapPost("/cases/daily", async (CaseDailyRunner runner, CancellationToken ct) => TypedResults.Ok(await runner.RunAsync(ct)))
            .RequireAuthorization(AccessPolicies.Admin).WithSummary("立即运行每日办件检查（亮牌、容缺提醒与终止等；同一天重复运行不会重复处理）");
        return app;
    }

    /// <summary>The services every endpoint needs.</summary>
    public sealed class Deps(CaseService service, CatalogHolder holder, ItemCatalogs items, CalendarService calendar, TimeProvider clock, IConfiguration config)
    {
        public CaseService Service => service;
        public CatalogHolder Holder => holder;
        public ItemCatalogs Items => items;

        public async Task<(CaseContext? Context, ProblemHttpResult? Problem)> ContextAsync(CancellationToken ct)
        {
            var (c, problem) = BundlesApi.Load(holder, items);
            if (problem != null) return (null, problem);
            WorkingCalendar cal;
            try { cal = await calendar.CurrentAsync(holder.Root, ct); }
            catch (Exception e) when (e is TalentOne.Policies.Language.CatalogException or IOException)
            {
                return (null, TypedResults.Problem(title: "工作日历暂不可用", detail: "catalog/calendar 中的文件有错误，请管理员修正。", statusCode: 503));
            }
            var threshold = config.GetValue("TalentOne:Calendar:YellowThreshold", DeadlineClock.DefaultYellowThreshold);
            return (new CaseContext(c!, cal, clock.Today(), threshold), null);
        }
    }

    private static async Task<Results<Created<CaseDto>, Ok<CaseDto>, ValidationProblem, ProblemHttpResult>> Submit(HttpRequest request, Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        CaseRequest? body;
        try { body = await JsonSerializer.DeserializeAsync<CaseRequest>(request.Body, Json.Options, ct); }
        catch (JsonException je) { return Problems.Invalid([Problems.MalformedJson(je)]); }
        if (body == null) return Problems.Invalid("$", "请提交申请内容");
        var user = request.HttpContext.User;
        try
        {
            var result = await d.Service.SubmitAsync(user.SubjectId()!.Value, user.UserId(),
                new CaseSubmission(body.BundleId, body.Items, body.Values, body.Materials, body.ClientKey, body.Delivery?.ToDelivery()), cx!, ct);
            var view = result.View ?? await d.Service.CaseAsync(user.SubjectId()!.Value, result.Case.Id, cx!, ct);
            var dto = ToDto(view!, cx!, full: true);
            return result.Created ? TypedResults.Created($"/api/v1/me/cases/{result.Case.Id}", dto) : TypedResults.Ok(dto);
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "申请内容有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Results<Ok<List<CaseDto>>, ProblemHttpResult>> MyCases(HttpContext http, Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var list = await d.Service.MyCasesAsync(http.User.SubjectId()!.Value, cx!, ct);
        return TypedResults.Ok(list.Select(c => ToDto(c, cx!, full: false)).ToList());
    }

    private static async Task<Results<Ok<CaseDto>, ProblemHttpResult>> MyCase(long id, HttpContext http, Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var view = await d.Service.CaseAsync(http.User.SubjectId()!.Value, id, cx!, ct);
        return view == null ? Problems.NotFound("案件不存在", $"没有编号为 {id} 的本人案件。") : TypedResults.Ok(ToDto(view, cx!, full: true));
    }

    private static async Task<Results<Ok<TaskDto>, ValidationProblem, ProblemHttpResult>> Resubmit(long id, long taskId, HttpRequest request, Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var note = await ReasonAsync(request, ct);
        if (note.Problem != null) return note.Problem;
        var user = request.HttpContext.User;
        try
        {
            var task = await d.Service.ResubmitAsync(user.SubjectId()!.Value, id, taskId, user.UserId(), note.Reason, cx!, ct);
            return TypedResults.Ok(ToDto(d.Service.View(task, cx!), cx!));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "补正提交有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Results<Ok<List<TaskDto>>, ProblemHttpResult>> Queue(HttpContext http, Deps d, TalentOne.Registry.Supervision.SupervisionService supervision, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var list = await d.Service.QueueAsync(http.User.DepartmentId()!, cx!, ct);
        // each row with its current step (环节) and that step's card; the department's counts: GET /api/v1/tasks/alert
        var steps = await supervision.WatchAsync([.. list.Select(v => v.Task)], cx!, ct);
        return TypedResults.Ok(list.Select(v => ToDto(v, cx!) with { Step = SupervisionApi.Step(steps.GetValueOrDefault(v.Task.Id)) }).ToList());
    }

    private static async Task<Results<Ok<TaskDto>, ValidationProblem, ProblemHttpResult>> Act(long id, TaskAction action, HttpContext http, Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        string? reason = null;
        if (action is TaskAction.Reject or TaskAction.Return or TaskAction.Approve)
        {
            var r = await ReasonAsync(http.Request, ct);
            if (r.Problem != null) return r.Problem;
            reason = r.Reason;
        }
        try
        {
            var task = await d.Service.ActAsync(id, new CaseActor(http.User.UserId(), http.User.DepartmentId()), action, reason, cx!, ct);
            return TypedResults.Ok(ToDto(d.Service.View(task, cx!), cx!));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "办理操作有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    /// <summary>An optional JSON body {"reason": "…"} (an empty body is no reason).</summary>
    public static async Task<(string? Reason, ValidationProblem? Problem)> ReasonAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength == 0 || !(request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false)) return (null, null);
        try
        {
            var body = await JsonSerializer.DeserializeAsync<ReasonRequest>(request.Body, Json.Options, ct);
            return (body?.Reason, null);
        }
        catch (JsonException je) { return (null, Problems.Invalid([Problems.MalformedJson(je)])); }
    }

    private static async Task<Results<Created<VaultFileDto>, ValidationProblem, ProblemHttpResult>> Upload(HttpRequest request, Deps d, CancellationToken ct)
    {
        var (c, problem) = BundlesApi.Load(d.Holder, d.Items);
        if (problem != null) return problem;
        if (!request.HasFormContentType) return Problems.Invalid("$", "请以 multipart/form-data 提交：materialId 和 file");
        IFormCollection form;
        try { form = await request.ReadFormAsync(ct); }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Problems.Invalid("file", $"上传内容无法读取或超过上限（不超过 {EvidenceFiles.Size(EvidenceFiles.MaxBytes)}）");
        }
        var uploads = await CertificationApi.ReadUploadsAsync(form.Files, ct);
        var user = request.HttpContext.User;
        try
        {
            var kept = await d.Service.UploadAsync(user.SubjectId()!.Value, user.UserId(), form["materialId"].ToString(), uploads.FirstOrDefault(), c!, ct);
            return TypedResults.Created($"/api/v1/me/materials", ToDto(kept));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "材料上传有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Ok<List<VaultFileDto>>> Vault(HttpContext http, Deps d, CancellationToken ct) =>
        TypedResults.Ok((await d.Service.VaultAsync(http.User.SubjectId()!.Value, ct)).Select(ToDto).ToList());

    public static CaseEventDto ToDto(CaseEvent e) => new(e.Kind, e.TaskId, e.At.ToString("O"), e.By, JsonNode.Parse(e.DetailJson));

    public static MailingDto ToDto(Mailing m) => new(m.TaskId, m.Carrier, m.TrackingNumber, m.At.ToString("O"));

    private static VaultFileDto ToDto(MaterialFile v) => new(v.Id, v.EvidenceFileId, v.MaterialId, v.File?.DisplayName ?? "", v.File?.Size ?? 0,
        EvidenceFiles.Size(v.File?.Size ?? 0), v.File?.Sha256 ?? "", v.File?.ContentType ?? "", v.At.ToString("O"));

    public static TaskDto ToDto(TaskView v, CaseContext cx)
    {
        var t = v.Task;
        var s = v.Deadline;
        return new TaskDto(t.Id, t.CaseId, t.ItemId, v.Item?.Name ?? t.ItemId, t.DepartmentId, v.Item?.DepartmentName ?? t.DepartmentId, t.Status,
            CaseService.StatusText(t.Status), t.AcceptedOn is { } a ? CaseService.D(a) : null, t.LimitWorkingDays,
            s?.Due is { } due ? CaseService.D(due) : null, s?.Remaining, s == null ? null : DeadlineClock.StatusCode(s.Status), s?.StatusText,
            s?.Explanation, t.Reason, t.ClaimedBy, t.DecidedAt?.ToString("O"));
    }

    public static CaseDto ToDto(CaseView v, CaseContext cx, bool full)
    {
        var c = v.Case;
        var states = v.Tasks.Select(t => t.Deadline).OfType<DeadlineState>().ToList();
        var overall = states.Count > 0 ? CaseDeadline.Of(states) : null;
        return new CaseDto(c.Id, c.BundleId, cx.Items.BundleById.TryGetValue(c.BundleId, out var b) ? b.Name : c.BundleId, c.Status,
            CaseService.CaseStatusText(c.Status), c.SubmittedAt.ToString("O"), CaseService.D(c.AcceptedOn),
            overall?.Due is { } due ? CaseService.D(due) : null, overall == null ? null : DeadlineClock.StatusCode(overall.Status),
            v.Tasks.Select(t => ToDto(t, cx)).ToList(),
            full ? v.Materials.Select(m => new CaseMaterialDto(m.MaterialId, m.EvidenceFileId, m.Commitment, m.Deferred,
                m.DeferredUntil is { } du ? CaseService.D(du) : null, m.ResultOfTaskId, m.SuppliesId)).ToList() : null,
            full ? v.Events.Select(ToDto).ToList() : null,
            v.Delivery.Method, v.Delivery.MethodText, v.Delivery.PostalText, v.Mailings.Select(ToDto).ToList());
    }
}
