using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Cases;

public sealed record FieldValueDto(string Id, string Label, JsonNode? Value, string Text);
public sealed record GivenMaterialDto(long Id, string Kind, string KindText, string? FileName, long? Size, string? SizeText, string? Sha256, string? Download,
    string? Commitment, string? Deferred, string? DeferredUntil, long? ResultOfTaskId, string At);
public sealed record TaskMaterialDto(string MaterialId, string Name, bool Core, bool Required, IReadOnlyList<GivenMaterialDto> Given);
public sealed record ExtendRequest(int? WorkingDays, string? Reason);
public sealed record PostalDto(string Recipient, string Mobile, string Address);
public sealed record TaskDetailDto(TaskDto Task, long CaseId, string BundleName, string Applicant, string ApplicantId,
    IReadOnlyList<FieldValueDto> Fields, IReadOnlyList<TaskMaterialDto> Materials, IReadOnlyList<CaseEventDto> Events,
    string Delivery, string DeliveryText, PostalDto? Postal, IReadOnlyList<MailingDto> Mailings);

/// <summary>Handling a case beyond the queue: the reviewer's view of one task with the fields and materials its item
/// needs, the files themselves, recording a mailed result (快递送达), and the applicant's withdrawal (撤回).</summary>
public static class CaseHandlingApi
{
    public static IEndpointRouteBuilder MapCaseHandlingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("一件事办件");
        api.MapGet("/tasks/{id:long}", Detail).RequireAuthorization(AccessPolicies.Reviewer)
            .WithSummary("本部门一个事项的详情：申请人、本事项的表单字段和材料、办理记录、送达方式");
        api.MapGet("/tasks/{id:long}/materials/{materialId:long}", MaterialFile).RequireAuthorization(AccessPolicies.Reviewer)
            .WithSummary("下载本部门事项的一份材料");
        api.MapPost("/tasks/{id:long}/mail", Mail).RequireAuthorization(AccessPolicies.Reviewer)
            .WithSummary("登记已寄出办理结果 {carrier, trackingNumber}（申请人选择快递送达、事项已办结）");
        api.MapPost("/tasks/{id:long}/extend", Extend).RequireAuthorization(AccessPolicies.Reviewer)
            .WithSummary("延长办理期限 {workingDays, reason}：累计不超过法定时限；截止日顺延，申请人收到通知");
        api.MapPost("/me/cases/{id:long}/withdraw", Withdraw).RequireAuthorization(AccessPolicies.Holder)
            .WithSummary("撤回案件 {reason}：未办结的事项不再办理，已办结的结果仍然有效");
        return app;
    }

    private static async Task<Results<Ok<TaskDetailDto>, ProblemHttpResult>> Detail(long id, HttpContext http, CasesApi.Deps d,
        TalentOne.Registry.Supervision.SupervisionService supervision, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var detail = await DetailAsync(id, http.User.DepartmentId(), d, supervision, cx!, ct);
        return detail == null ? Problems.NotFound("事项不存在", $"没有编号为 {id} 的本部门事项。") : TypedResults.Ok(detail);
    }

    /// <summary>The task's detail with its current step (环节) and that step's card.</summary>
    public static async Task<TaskDetailDto?> DetailAsync(long id, string? departmentId, CasesApi.Deps d,
        TalentOne.Registry.Supervision.SupervisionService supervision, CaseContext cx, CancellationToken ct)
    {
        var detail = await d.Service.TaskDetailAsync(id, departmentId, cx, ct);
        if (detail == null) return null;
        var watch = await supervision.WatchAsync([detail.Task.Task], cx, ct);
        var dto = ToDto(detail, cx);
        return dto with { Task = dto.Task with { Step = Supervision.SupervisionApi.Step(watch.GetValueOrDefault(id)) } };
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> MaterialFile(long id, long materialId, HttpContext http, CasesApi.Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var file = await d.Service.TaskMaterialFileAsync(id, materialId, http.User.DepartmentId(), cx!, ct);
        return file == null ? Problems.NotFound("材料不存在", "本部门的这个事项没有这份材料。")
            : TypedResults.File(file.Content, file.ContentType, file.DisplayName, enableRangeProcessing: false);
    }

    private static async Task<Results<Ok<MailingDto>, ValidationProblem, ProblemHttpResult>> Mail(long id, HttpRequest request, CasesApi.Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        MailingRequest? body;
        try { body = await JsonSerializer.DeserializeAsync<MailingRequest>(request.Body, Json.Options, ct); }
        catch (JsonException je) { return Problems.Invalid([Problems.MalformedJson(je)]); }
        var user = request.HttpContext.User;
        try
        {
            var m = await d.Service.RecordMailingAsync(id, new CaseActor(user.UserId(), user.DepartmentId()), body?.Carrier, body?.TrackingNumber, cx!, ct);
            return TypedResults.Ok(CasesApi.ToDto(m));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "寄送登记有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Results<Ok<TaskDto>, ValidationProblem, ProblemHttpResult>> Extend(long id, HttpRequest request, CasesApi.Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        ExtendRequest? body;
        try { body = await JsonSerializer.DeserializeAsync<ExtendRequest>(request.Body, Json.Options, ct); }
        catch (JsonException je) { return Problems.Invalid([Problems.MalformedJson(je)]); }
        var user = request.HttpContext.User;
        try
        {
            var task = await d.Service.ExtendAsync(id, new CaseActor(user.UserId(), user.DepartmentId()), body?.WorkingDays, body?.Reason, cx!, ct);
            return TypedResults.Ok(CasesApi.ToDto(d.Service.View(task, cx!), cx!));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "延长办理期限有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    private static async Task<Results<Ok<CaseDto>, ValidationProblem, ProblemHttpResult>> Withdraw(long id, HttpRequest request, CasesApi.Deps d, CancellationToken ct)
    {
        var (cx, problem) = await d.ContextAsync(ct);
        if (problem != null) return problem;
        var reason = await CasesApi.ReasonAsync(request, ct);
        if (reason.Problem != null) return reason.Problem;
        var user = request.HttpContext.User;
        try
        {
            await d.Service.WithdrawAsync(user.SubjectId()!.Value, id, user.UserId(), reason.Reason, cx!, ct);
            var view = await d.Service.CaseAsync(user.SubjectId()!.Value, id, cx!, ct);
            return TypedResults.Ok(CasesApi.ToDto(view!, cx!, full: true));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "撤回申请有误"); }
        catch (RegistryException re) { return Problems.Refused(re); }
    }

    public static TaskDetailDto ToDto(TaskDetail t, CaseContext cx)
    {
        var link = $"/api/v1/tasks/{t.Task.Task.Id}/materials/";
        return new TaskDetailDto(CasesApi.ToDto(t.Task, cx), t.Case.Id,
            cx.Items.BundleById.TryGetValue(t.Case.BundleId, out var b) ? b.Name : t.Case.BundleId, t.ApplicantName, t.ApplicantIdMasked,
            t.Fields.Select(f => new FieldValueDto(f.Field.Id, f.Field.Label, f.Value, Text(f.Field, f.Value))).ToList(),
            t.Materials.Select(m => new TaskMaterialDto(m.Material.Id, MaterialName(m.Material, cx), m.Material.Core, m.Material.MustHand,
                m.Given.Select(g => Given(g.Row, g.File, link)).ToList())).ToList(),
            t.Events.Select(CasesApi.ToDto).ToList(), t.Delivery.Method, t.Delivery.MethodText,
            t.Delivery is { ByPost: true, Address: not null } p ? new PostalDto(p.Recipient ?? "", p.Mobile ?? "", p.Address) : null,
            t.Mailings.Select(CasesApi.ToDto).ToList());
    }

    private static GivenMaterialDto Given(Data.Cases.CaseMaterial r, FileMeta? f, string link)
    {
        var (kind, text) = r.EvidenceFileId != null ? ("file", "已上传") : r.Commitment != null ? ("commitment", "承诺免提交")
            : r.Deferred != null ? ("deferred", "容缺后补") : r.ResultOfTaskId != null ? ("result", "前置事项办理结果") : ("other", "其他");
        return new GivenMaterialDto(r.Id, kind, text, f?.Name, f?.Size, f == null ? null : Registry.Certification.EvidenceFiles.Size(f.Size), f?.Sha256, f != null ? link + r.Id : null, r.Commitment, r.Deferred,
            r.DeferredUntil is { } du ? CaseService.D(du) : null, r.ResultOfTaskId, r.At.ToString("O"));
    }

    /// <summary>"居民身份证"; for the result of another item "《参保登记》办理结果".</summary>
    public static string MaterialName(ItemMaterial m, CaseContext cx) =>
        m.IsResult ? (cx.Items.ItemById.TryGetValue(m.Id["result:".Length..], out var i) ? $"《{i.Name}》办理结果" : m.Id)
        : m.Name.Length > 0 ? m.Name : m.Id;

    /// <summary>A value as a reviewer reads it: the option's label for an enum, 是/否 for a bool.</summary>
    public static string Text(ItemField f, JsonNode? v)
    {
        if (v == null) return "—";
        var raw = v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>() : v.ToJsonString();
        return f.Type switch
        {
            FieldType.Enum => f.Options.FirstOrDefault(o => o.Code == raw)?.Label ?? raw,
            FieldType.Bool => raw == "true" ? "是" : raw == "false" ? "否" : raw,
            _ => raw,
        };
    }
}
