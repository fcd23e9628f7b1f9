using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Supervision;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Roster;
using TalentOne.Registry.Supervision;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Supervision;

public sealed record TaskStepDto(int No, string Name, int LimitWorkingDays, string? Start, string? Due, int? Remaining, string? Card, string? CardText);
public sealed record CardCountsDto(int Red, int RedItems, int RedSteps, int Yellow, int YellowItems, int YellowSteps);
public sealed record QueueAlertDto(string DepartmentId, string Today, int OpenTasks, CardCountsDto Counts, string Text);
public sealed record LiveCardDto(long TaskId, long CaseId, string DepartmentId, string ItemId, string ItemName, int StepNo, string Step, string Colour,
    string ColourText, string Due, int Remaining, string? IssuedOn, string TaskStatus, string TaskStatusText);
public sealed record DepartmentCardsDto(string DepartmentId, string DepartmentName, CardCountsDto Counts, IReadOnlyList<LiveCardDto> Cards);
public sealed record CardsOverviewDto(string Today, CardCountsDto Total, IReadOnlyList<DepartmentCardsDto> Departments);
public sealed record MonthlyItemDto(string ItemId, string ItemName, MonthlyFigures Figures);
public sealed record DecidedTaskDto(long TaskId, long CaseId, string ItemId, string Status, string AcceptedOn, string? Due, string DecidedOn, int HandlingWorkingDays, bool OnTime);
public sealed record OverdueTaskDto(long TaskId, long CaseId, string ItemId, string AcceptedOn, string Due, int OverdueWorkingDays);
public sealed record CardRecordDto(long TaskId, long CaseId, string ItemId, int StepNo, string Step, string Colour, string IssuedOn, string Due, int Remaining);
public sealed record MonthlyReportDto(string DepartmentId, string DepartmentName, string Month, string From, string To, string AsOf, MonthlyFigures Total,
    string OnTimeRateText, IReadOnlyList<MonthlyItemDto> Items, IReadOnlyList<DecidedTaskDto> Decisions, IReadOnlyList<OverdueTaskDto> Overdue,
    IReadOnlyList<CardRecordDto> Cards);

/// <summary>A department a user may supervise.</summary>
public sealed record SupervisedDepartment(string Id, string Name, string City);

/// <summary>电子监察: department alerts, the open cards overview and the monthly report (部门月度通报). A reviewer sees their own
/// department; the talent office and auditors every department of their scope (their city, or all); nobody else.
/// See docs/supervision.md.</summary>
public static class SupervisionApi
{
    /// <summary>Reviewers (their own department), the talent office and auditors (their scope).</summary>
    public const string Policy = "supervision";

    public static WebApplicationBuilder AddSupervision(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SupervisionService>();
        builder.Services.AddScoped<ICaseDailyJob, CardJob>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireRole(Roles.Reviewer, Roles.Admin, Roles.Auditor));
        return builder;
    }

    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("电子监察");
        api.MapGet("/tasks/alert", Alert).RequireAuthorization(AccessPolicies.Reviewer)
            .WithSummary("本部门时限预警：在办事项当前的红牌、黄牌数（事项和环节）");
        api.MapGet("/supervision/cards", Cards).RequireAuthorization(AccessPolicies.Oversight)
            .WithSummary("在办事项的红牌、黄牌，按部门（人才办和审计人员：本人范围内的全部部门；?department= 只看一个部门）");
        api.MapGet("/supervision/monthly", Monthly).RequireAuthorization(Policy)
            .WithSummary("部门月度通报 ?department=&month=yyyy-MM：收件、办结、按时办结率、平均办理工作日、红黄牌、月末超期（审核人员只能看本部门）");
        api.MapGet("/supervision/monthly.xlsx", MonthlyXlsx).RequireAuthorization(Policy)
            .WithSummary("部门月度通报（Excel）?department=&month=yyyy-MM");
        return app;
    }

    /// <summary>The departments the user may supervise: a reviewer's own; every department of the city of an
    /// administrator or auditor attached to one, or of every city for one without a department (RecordsApi's scope).</summary>
    public static async Task<List<SupervisedDepartment>> DepartmentsAsync(ClaimsPrincipal user, TalentOneDb db, CancellationToken ct)
    {
        var q = db.Departments.AsNoTracking();
        if (user.IsInRole(Roles.Reviewer))
        {
            var own = user.DepartmentId();
            q = q.Where(d => d.Id == own);
        }
        else if (user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Auditor))
        {
            if (RecordsApi.ScopeCity(user) is { } city) q = q.Where(d => d.City == city);
        }
        else return [];
        return (await q.Select(d => new SupervisedDepartment(d.Id, d.Name, d.City)).ToListAsync(ct)).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    public const string OutOfScope = "没有这个部门，或不在您的查看范围内";

    /// <summary>The department asked for, within the user's scope; a reviewer's own when none is named. Null with a
    /// problem when there is none such (404: existence outside the scope is not revealed) or none was named.</summary>
    public static async Task<(SupervisedDepartment? Department, List<SupervisedDepartment> Scope, string? Error, int Status)> ResolveAsync(
        string? department, ClaimsPrincipal user, TalentOneDb db, CancellationToken ct)
    {
        var scope = await DepartmentsAsync(user, db, ct);
        var wanted = department?.Trim();
        if (string.IsNullOrEmpty(wanted))
            return user.IsInRole(Roles.Reviewer) && scope.Count == 1 ? (scope[0], scope, null, 200) : (null, scope, "请选择部门（department，如 quzhou.hrss）", 400);
        return scope.FirstOrDefault(d => d.Id == wanted) is { } found ? (found, scope, null, 200) : (null, scope, OutOfScope, 404);
    }

    private static async Task<Results<Ok<QueueAlertDto>, ProblemHttpResult>> Alert(HttpContext http, CasesApi.Deps deps, SupervisionService supervision, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) return problem;
        var department = http.User.DepartmentId()!;
        var open = await supervision.OpenAsync(department, null, cx!, ct);
        return TypedResults.Ok(ToDto(QueueAlert.Of(department, cx!.Today, open)));
    }

    private static async Task<Results<Ok<CardsOverviewDto>, ProblemHttpResult>> Cards(string? department, HttpContext http, CasesApi.Deps deps,
        SupervisionService supervision, TalentOneDb db, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) return problem;
        var scope = await DepartmentsAsync(http.User, db, ct);
        if (!string.IsNullOrWhiteSpace(department))
        {
            scope = scope.Where(d => d.Id == department.Trim()).ToList();
            if (scope.Count == 0) return Problems.NotFound("未找到", OutOfScope);
        }
        return TypedResults.Ok(await OverviewAsync(scope, http.User, cx!, supervision, ct));
    }

    /// <summary>The open cards of the departments in scope (each department with at least one card).</summary>
    public static async Task<CardsOverviewDto> OverviewAsync(IReadOnlyList<SupervisedDepartment> scope, ClaimsPrincipal user, CaseContext cx,
        SupervisionService supervision, CancellationToken ct)
    {
        var single = scope.Count == 1 ? scope[0].Id : null;
        var city = single == null ? RecordsApi.ScopeCity(user) : null;
        var open = await supervision.OpenAsync(single, city, cx, ct);
        var names = scope.ToDictionary(d => d.Id, d => d.Name);
        var cards = (await supervision.LiveCardsAsync(open, ct)).Where(c => names.ContainsKey(c.Watch.Task.DepartmentId)).ToList();
        var departments = cards.GroupBy(c => c.Watch.Task.DepartmentId).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DepartmentCardsDto(g.Key, names[g.Key], ToDto(CardCounts.Of(g)),
                [.. g.OrderBy(c => c.Colour == CardColour.Red ? 0 : 1).ThenBy(c => c.Due).ThenBy(c => c.Watch.Task.Id).ThenBy(c => c.StepNo).Select(ToDto)]))
            .ToList();
        return new CardsOverviewDto(CaseService.D(cx.Today), ToDto(CardCounts.Of(cards)), departments);
    }

    /// <summary>The report asked for, or why not: a problem (503 catalog, 404 department out of scope) or bad input (400).</summary>
    private static async Task<(MonthlyReport? Report, CaseContext? Context, ValidationProblem? Invalid, ProblemHttpResult? Problem)> ReportAsync(
        string? department, string? month, HttpContext http, CasesApi.Deps deps, SupervisionService supervision, TalentOneDb db, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) return (null, null, null, problem);
        var (dept, _, error, status) = await ResolveAsync(department, http.User, db, ct);
        if (dept == null)
            return status == 404 ? (null, null, null, Problems.NotFound("未找到", error!)) : (null, null, Problems.Invalid("department", error!, "查询条件有误"), null);
        if (!MonthlyReports.TryMonth(month, cx!.Today, out var from, out var monthError))
            return (null, null, Problems.Invalid("month", monthError!, "查询条件有误"), null);
        if (!cx.Calendar.Covers(from))
            return (null, null, Problems.Invalid("month", $"{from:yyyy-MM} 不在工作日历的范围内（{cx.Calendar.First:yyyy-MM} 起）", "查询条件有误"), null);
        var report = (await supervision.MonthlyAsync([(dept.Id, dept.Name)], from, cx, ct))[0];
        return (report, cx, null, null);
    }

    private static async Task<Results<Ok<MonthlyReportDto>, ValidationProblem, ProblemHttpResult>> Monthly(string? department, string? month, HttpContext http,
        CasesApi.Deps deps, SupervisionService supervision, TalentOneDb db, CancellationToken ct)
    {
        var (report, _, invalid, problem) = await ReportAsync(department, month, http, deps, supervision, db, ct);
        if (invalid != null) return invalid;
        if (problem != null) return problem;
        return TypedResults.Ok(ToDto(report!));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> MonthlyXlsx(string? department, string? month,
        HttpContext http, CasesApi.Deps deps, SupervisionService supervision, TalentOneDb db, CancellationToken ct)
    {
        var (report, cx, invalid, problem) = await ReportAsync(department, month, http, deps, supervision, db, ct);
        if (invalid != null) return invalid;
        if (problem != null) return problem;
        return TypedResults.File(MonthlyReports.Workbook(report!, cx!.Items), Xlsx.ContentType, $"supervision-{report!.DepartmentId}-{report.Month}.xlsx");
    }

    public static TaskStepDto? Step(TaskWatch? w) => w?.Current is { } s
        ? new TaskStepDto(s.No, s.Name, s.LimitWorkingDays, s.Start is { } st ? CaseService.D(st) : null, s.State?.Due is { } due ? CaseService.D(due) : null,
            s.State?.Remaining, s.State == null ? null : DeadlineClock.StatusCode(s.State.Status), s.State?.StatusText)
        : null;

    public static CardCountsDto ToDto(CardCounts c) => new(c.Red, c.RedItems, c.RedSteps, c.Yellow, c.YellowItems, c.YellowSteps);

    public static QueueAlertDto ToDto(QueueAlert a) => new(a.DepartmentId, CaseService.D(a.Today), a.OpenTasks, ToDto(a.Counts), a.Text);

    public static LiveCardDto ToDto(LiveCard c) => new(c.Watch.Task.Id, c.Watch.Task.CaseId, c.Watch.Task.DepartmentId, c.Watch.Task.ItemId,
        c.Watch.Item?.Name ?? c.Watch.Task.ItemId, c.StepNo, c.IsItem ? "事项" : c.Step, c.Colour, SupervisionService.ColourText(c.Colour), CaseService.D(c.Due),
        c.Remaining, c.IssuedOn is { } i ? CaseService.D(i) : null, c.Watch.Task.Status, CaseService.StatusText(c.Watch.Task.Status));

    public static MonthlyReportDto ToDto(MonthlyReport r) => new(r.DepartmentId, r.DepartmentName, r.Month, CaseService.D(r.From), CaseService.D(r.To),
        CaseService.D(r.AsOf), r.Total, MonthlyFigures.Rate(r.Total.OnTimeRate),
        [.. r.Items.Select(i => new MonthlyItemDto(i.ItemId, i.ItemName, i.Figures))],
        [.. r.Decisions.Select(d => new DecidedTaskDto(d.TaskId, d.CaseId, d.ItemId, d.Status, CaseService.D(d.AcceptedOn), d.Due is { } due ? CaseService.D(due) : null,
            CaseService.D(d.DecidedOn), d.HandlingWorkingDays, d.OnTime))],
        [.. r.Overdue.Select(o => new OverdueTaskDto(o.TaskId, o.CaseId, o.ItemId, CaseService.D(o.AcceptedOn), CaseService.D(o.Due), o.OverdueWorkingDays))],
        [.. r.Cards.Select(c => new CardRecordDto(c.TaskId, c.CaseId, c.ItemId, c.StepNo, c.Step, c.Colour, CaseService.D(c.IssuedOn), CaseService.D(c.Due), c.Remaining))]);
}
