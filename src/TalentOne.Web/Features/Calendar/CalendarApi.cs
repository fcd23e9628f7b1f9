using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Data.Calendar;
using TalentOne.Policies.Language;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Calendar;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Calendar;

public sealed record CalendarDayDto(string Date, string Weekday, string Kind, string KindText, bool Working, string? Holiday, string? Source, bool Overridden);

public sealed record CalendarOverrideDto(long Id, string Date, string Kind, string KindText, string Reason, string CreatedAt);

public sealed record CalendarNoticeDto(int Year, string Notice, string Title);

public sealed record CalendarYearDto(int Year, CalendarNoticeDto Notice, int WorkingDays, int Holidays, int AdjustedWorkdays,
    IReadOnlyList<CalendarDayDto> Days, IReadOnlyList<CalendarOverrideDto> Overrides);

public sealed record SuspensionDto(string? From, string? To, string? Reason);
public sealed record ExtensionDto(int WorkingDays, string? Reason);

/// <summary>A deadline question: accepted on a date with a limit in working days, optional suspensions and extensions,
/// asked on <c>today</c> (default: today in China).</summary>
public sealed record DeadlineRequest(string? AcceptedOn, int? LimitWorkingDays, List<SuspensionDto>? Suspensions, List<ExtensionDto>? Extensions,
    string? Today, int? YellowThreshold);

public sealed record DeadlineDto(string AcceptedOn, int LimitWorkingDays, string? Due, int Remaining, string Status, string StatusText, IReadOnlyList<string> Explanation);

/// <summary>The Chinese working-day calendar (工作日历): anyone may read it and compute a deadline; administrators
/// correct single days. See docs/calendar.md.</summary>
public static class CalendarApi
{
    public static WebApplicationBuilder AddCalendar(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CalendarFilesCache>();
        builder.Services.AddScoped<CalendarService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCalendarApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/calendar").WithTags("工作日历");
        api.MapGet("/{year:int}", Year).WithSummary("一年中每一天：工作日、休息日、节假日（休）或调休上班（班），及其依据（国务院办公厅通知文号或管理员调整）");
        api.MapPost("/overrides", AddOverride).RequireAuthorization(AccessPolicies.Admin)
            .Accepts<CalendarOverrideRequest>("application/json")
            .WithSummary("调整某一天（管理员）：kind 为 holiday（放假）、workday（上班）或 normal（恢复常规）；只追加，同一天以最新一条为准");
        api.MapPost("/deadline", Deadline).Accepts<DeadlineRequest>("application/json")
            .WithSummary("计算办理期限：受理日次日起算的工作日、暂停（不计时）与延长；返回截止日、剩余工作日、黄牌/红牌及中文说明");
        return app;
    }

    public static CalendarDayDto Dto(CalendarDay d) => new(d.Date.ToString("yyyy-MM-dd"), WorkingCalendar.WeekdayName(d.Date),
        WorkingCalendar.KindCode(d.Kind), WorkingCalendar.KindText(d.Kind), d.Working, d.Holiday, d.Source, d.Overridden);

    private static ProblemHttpResult CalendarBroken(CatalogException ce) => TypedResults.Problem(title: "工作日历文件有误",
        detail: "catalog/calendar 无法使用，请联系管理员：" + ce.Errors[0], statusCode: StatusCodes.Status503ServiceUnavailable);

    private static async Task<Results<Ok<CalendarYearDto>, ProblemHttpResult>> Year(int year, CalendarService service, CatalogHolder holder, CancellationToken ct)
    {
        WorkingCalendar calendar;
        try { calendar = await service.CurrentAsync(holder.Root, ct); }
        catch (CatalogException ce) { return CalendarBroken(ce); }
        if (calendar.Years.FirstOrDefault(y => y.Year == year) is not { } notice)
            return Problems.NotFound("没有该年度的工作日历", $"工作日历覆盖 {calendar.First.Year}—{calendar.Last.Year} 年，没有 {year} 年的节假日安排");
        var days = calendar.YearDays(year);
        var overrides = await service.OverridesOfYearAsync(year, ct);
        return TypedResults.Ok(new CalendarYearDto(year, new CalendarNoticeDto(year, notice.Notice, notice.Title),
            days.Count(d => d.Working), days.Count(d => d.Kind == DayKind.Holiday), days.Count(d => d.Kind == DayKind.AdjustedWorkday),
            days.Select(Dto).ToList(),
            overrides.Select(o => new CalendarOverrideDto(o.Id, o.Date.ToString("yyyy-MM-dd"), o.Kind, CalendarService.KindText(o.Kind), o.Reason, o.CreatedAt.ToString("O"))).ToList()));
    }

    private static async Task<Results<Created<CalendarDayDto>, ValidationProblem, ProblemHttpResult>> AddOverride(
        HttpRequest request, CalendarService service, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        CalendarOverrideRequest body;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return Problems.Invalid("$", "请求体必须是 JSON 对象，例如 {\"date\": \"2021-10-09\", \"kind\": \"holiday\", \"reason\": \"……\"}", "日历调整有误");
            string? Text(string name, List<ProfileError> errors)
            {
                if (!doc.RootElement.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind == JsonValueKind.String) return v.GetString();
                errors.Add(new(name, $"{name} 应为文字（字符串）"));
                return null;
            }
            var typeErrors = new List<ProfileError>();
            body = new CalendarOverrideRequest(Text("date", typeErrors), Text("kind", typeErrors), Text("reason", typeErrors));
            if (typeErrors.Count > 0) return Problems.Invalid(typeErrors, "日历调整有误");
        }
        catch (JsonException je) { return Problems.Invalid([Problems.MalformedJson(je)], "日历调整有误"); }

        try
        {
            var (stored, errors) = await service.AddOverrideAsync(body, request.HttpContext.User.UserId(), holder.Root, clock.GetUtcNow(), ct);
            if (stored == null) return Problems.Invalid(errors, "日历调整有误");
            var calendar = await service.CurrentAsync(holder.Root, ct);
            return TypedResults.Created($"/api/v1/calendar/{stored.Date.Year}", Dto(calendar.Day(stored.Date)));
        }
        catch (CatalogException ce) { return CalendarBroken(ce); }
    }

    private static async Task<Results<Ok<DeadlineDto>, ValidationProblem, ProblemHttpResult>> Deadline(
        HttpRequest request, CalendarService service, CatalogHolder holder, TimeProvider clock, IConfiguration config, CancellationToken ct)
    {
        // Read by hand so that malformed JSON or a wrongly typed field gets a Chinese problem, not the framework's.
        DeadlineRequest? body;
        try { body = await JsonSerializer.DeserializeAsync<DeadlineRequest>(request.Body, JsonSerializerOptions.Web, ct); }
        catch (JsonException je) { return Problems.Invalid([Problems.MalformedJson(je)], "期限计算有误"); }
        var errors = new List<ProfileError>();
        DateOnly? Date(string? text, string field, bool required)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                if (required) errors.Add(new(field, "请填写日期（yyyy-mm-dd）"));
                return null;
            }
            if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            errors.Add(new(field, $"“{(text.Length > 20 ? text[..20] : text)}”不是有效日期，请按 yyyy-mm-dd 填写"));
            return null;
        }
        if (body == null) return Problems.Invalid("$", "请求体必须是 JSON 对象", "期限计算有误");
        var accepted = Date(body.AcceptedOn, "acceptedOn", true);
        var today = Date(body.Today, "today", false) ?? clock.Today();
        if (body.LimitWorkingDays is not (>= 0 and <= 3650)) errors.Add(new("limitWorkingDays", "办理时限应为 0—3650 之间的整数（工作日）"));
        var suspensions = new List<Suspension>();
        foreach (var (s, i) in (body.Suspensions ?? []).Select((s, i) => (s, i)))
        {
            var from = Date(s.From, $"suspensions[{i}].from", true);
            var to = Date(s.To, $"suspensions[{i}].to", false);
            if (from is { } f) suspensions.Add(new Suspension(f, to, string.IsNullOrWhiteSpace(s.Reason) ? "暂停" : s.Reason.Trim()));
        }
        var extensions = new List<Extension>();
        foreach (var (e, i) in (body.Extensions ?? []).Select((e, i) => (e, i)))
        {
            if (e.WorkingDays is < 1 or > 3650) errors.Add(new($"extensions[{i}].workingDays", "延长的工作日数应为 1—3650 之间的整数"));
            else extensions.Add(new Extension(e.WorkingDays, string.IsNullOrWhiteSpace(e.Reason) ? "延长" : e.Reason.Trim()));
        }
        var threshold = body.YellowThreshold ?? config.GetValue("TalentOne:Calendar:YellowThreshold", DeadlineClock.DefaultYellowThreshold);
        if (threshold is < 0 or > 100) errors.Add(new("yellowThreshold", "黄牌阈值应为 0—100 之间的整数（剩余工作日）"));
        if (errors.Count > 0) return Problems.Invalid(errors, "期限计算有误");
        try
        {
            var calendar = await service.CurrentAsync(holder.Root, ct);
            var clockState = new DeadlineClock(accepted!.Value, body.LimitWorkingDays!.Value, suspensions, extensions);
            var state = clockState.On(calendar, today, threshold);
            return TypedResults.Ok(new DeadlineDto(accepted.Value.ToString("yyyy-MM-dd"), clockState.LimitWorkingDays, state.Due?.ToString("yyyy-MM-dd"),
                state.Remaining, DeadlineClock.StatusCode(state.Status), state.StatusText, state.Explanation));
        }
        catch (CalendarRangeException re) { return Problems.Invalid("acceptedOn", re.Message, "期限计算有误"); }
        catch (DeadlineException de) { return Problems.Invalid("suspensions", de.Message, "期限计算有误"); }
        catch (CatalogException ce) { return CalendarBroken(ce); }
    }
}
