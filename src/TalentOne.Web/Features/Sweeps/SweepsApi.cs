using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Sweeps;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Sweeps;

public static class SweepsSetup
{
    /// <summary>Sweep and outbox services, the launcher, and the background loops (daily sweep, outbox dispatch).</summary>
    public static WebApplicationBuilder AddSweeps(this WebApplicationBuilder builder)
    {
        builder.AddSweepServices();
        builder.Services.AddSingleton(sp => SweepSchedule.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<SweepLauncher>();
        builder.Services.AddHostedService<SweepBackground>();
        return builder;
    }
}

/// <summary>成熟激活 / 主动送达 through the API: the talent office runs a sweep and, with auditors, reads what each sweep
/// found and whom it notified; a talent or enterprise reads its own messages.</summary>
public static class SweepsApi
{
    public static IEndpointRouteBuilder MapSweepsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/sweeps").WithTags("政策巡检与主动送达");
        api.MapPost("/", Run).RequireAuthorization(AccessPolicies.Admin)
            .Accepts<SweepRequest>("application/json")
            .WithSummary("立即巡检（管理员）：按评估日重新评估全部档案，记录变化并发送通知；默认后台运行（202），?wait=true 时等待完成");
        api.MapGet("/", History).RequireAuthorization(AccessPolicies.Oversight).WithSummary("巡检记录");
        api.MapGet("/{id:long}", Detail).RequireAuthorization(AccessPolicies.Oversight)
            .WithSummary("一次巡检：各政策人数、变化明细、已通知的人（脱敏）及各渠道发送状态；?policy=&skip=&take= 分页");
        api.MapGet("/{id:long}/export.xlsx", Export).RequireAuthorization(AccessPolicies.Oversight).WithSummary("导出巡检结果（Excel）");

        var me = app.MapGroup("/api/v1/me/messages").WithTags("消息中心").RequireAuthorization(AccessPolicies.Holder);
        me.MapGet("/", Messages).WithSummary("我的消息（政策主动送达与到期提醒），最新的在前");
        me.MapPost("/{id:long}/read", MarkRead).WithSummary("标记消息为已读");
        return app;
    }

    public sealed record SweepRequest(string? Date);

    private static async Task<Results<Accepted<SweepRunDto>, Ok<SweepRunDto>, ValidationProblem, ProblemHttpResult>> Run(
        HttpContext http, bool? wait, TalentOneDb db, SweepLauncher launcher, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        if (holder.Current == null) return Problems.CatalogUnavailable();
        var (date, error) = await ReadDateAsync(http, clock, ct);
        if (error != null) return Problems.Invalid(error.Field, error.Message);
        SweepLauncher.Started started;
        try { started = await launcher.StartAsync(date, SweepTrigger.Admin, http.User.UserId()); }
        catch (SweepBusyException e) { return TypedResults.Problem(title: "巡检正在进行", detail: e.Message, statusCode: StatusCodes.Status409Conflict); }
        if (wait == true)
        {
            try { await started.Completion.WaitAsync(ct); }
            catch (Exception) when (!ct.IsCancellationRequested) { /* the run row says what went wrong */ }
        }
        var run = await db.Set<SweepRun>().AsNoTracking().FirstAsync(r => r.Id == started.RunId, ct);
        return wait == true ? TypedResults.Ok(SweepViews.ToDto(run)) : TypedResults.Accepted($"/api/v1/sweeps/{run.Id}", SweepViews.ToDto(run));
    }

    /// <summary>The optional body {"date": "yyyy-mm-dd"}; no body = today (China).</summary>
    private static async Task<(DateOnly Date, ProfileError? Error)> ReadDateAsync(HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var today = clock.Today();
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return (today, null);
        JsonElement root;
        try { root = JsonDocument.Parse(text, Json.Reading).RootElement.Clone(); }
        catch (JsonException je) { return (today, Problems.MalformedJson(je)); }
        if (root.ValueKind != JsonValueKind.Object) return (today, new ProfileError("$", "请求体应为 JSON 对象，例如 {\"date\": \"2021-08-01\"}"));
        foreach (var p in root.EnumerateObject())
        {
            if (p.Name != "date") return (today, new ProfileError(p.Name, $"未知字段“{p.Name}”：只接受 date"));
            if (p.Value.ValueKind == JsonValueKind.Null) continue;
            if (p.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(p.Value.GetString())
                || !clock.TryEvaluationDate(p.Value.GetString(), out var d, out var error))
                return (today, new ProfileError("date", $"评估日期应为 {ProfileReader.MinYear}–{ProfileReader.MaxYear} 年间的日期，格式 yyyy-mm-dd，例如 2021-08-01"));
            return (d, null);
        }
        return (today, null);
    }

    private static async Task<Ok<List<SweepRunDto>>> History(TalentOneDb db, int? take, CancellationToken ct) =>
        TypedResults.Ok(await SweepViews.HistoryAsync(db, Math.Clamp(take ?? 100, 1, 500), ct));

    private static async Task<Results<Ok<SweepDetailDto>, ProblemHttpResult>> Detail(long id, string? policy, int? skip, int? take,
        HttpContext http, TalentOneDb db, CatalogHolder holder, CancellationToken ct)
    {
        var detail = await SweepViews.DetailAsync(id, http.User, db, holder.Current, string.IsNullOrEmpty(policy) ? null : policy,
            Math.Max(0, skip ?? 0), Math.Clamp(take ?? 100, 1, 500), ct);
        return detail == null ? NoSuchRun(id) : TypedResults.Ok(detail);
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Export(long id, HttpContext http, TalentOneDb db, CatalogHolder holder, CancellationToken ct)
    {
        var file = await SweepViews.ExportAsync(id, http.User, db, holder.Current, ct);
        return file == null ? NoSuchRun(id)
            : TypedResults.File(file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"sweep-{id}.xlsx");
    }

    private static ProblemHttpResult NoSuchRun(long id) => Problems.NotFound("没有这次巡检", $"巡检 #{id} 不存在，参见 GET /api/v1/sweeps。");

    private static async Task<Ok<List<MessageDto>>> Messages(HttpContext http, TalentOneDb db, CancellationToken ct) =>
        TypedResults.Ok(await SweepViews.MessagesAsync(http.User.SubjectId()!.Value, db, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(long id, HttpContext http, TalentOneDb db, TimeProvider clock, CancellationToken ct)
    {
        var subject = http.User.SubjectId()!.Value;
        var notice = await db.Set<Notice>().FirstOrDefaultAsync(n => n.Id == id && n.SubjectId == subject && n.DeliveredAt != null, ct);
        if (notice == null) return Problems.NotFound("没有这条消息", "消息不存在或不属于您");
        notice.ReadAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
