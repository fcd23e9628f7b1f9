using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Data;
using TalentOne.Data.Calendar;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Calendar;

/// <summary>The working-day calendar through the real host, on SQLite and on PostgreSQL. Each test uses dates of its
/// own year so that the overrides one test stores do not change another's answers.</summary>
public abstract class CalendarScenarios
{
    protected abstract TalentOneApp App { get; }

    private HttpClient? _admin;
    private async Task<HttpClient> AdminAsync() => _admin ??= await App.ClientAsync(Roles.Admin);

    private static JsonObject Day(JsonObject year, string date) =>
        year["days"]!.AsArray().OfType<JsonObject>().Single(d => d["date"]!.GetValue<string>() == date);

    private async Task<JsonObject> DeadlineAsync(string acceptedOn, int limit, string today, JsonArray? suspensions = null) =>
        await (await App.CreateClient().PostJsonAsync("/api/v1/calendar/deadline", new JsonObject
        {
            ["acceptedOn"] = acceptedOn, ["limitWorkingDays"] = limit, ["today"] = today, ["suspensions"] = suspensions ?? [],
        })).ExpectJsonAsync(HttpStatusCode.OK, $"deadline of {limit} working days from {acceptedOn}");

    private async Task<int> OverrideCountAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Set<CalendarOverride>().CountAsync();
    }

    [Fact]
    public async Task Anyone_reads_a_year_with_its_holidays_adjusted_working_days_and_their_notice()
    {
        var year = await (await App.CreateClient().GetAsync("/api/v1/calendar/2021")).ExpectJsonAsync(HttpStatusCode.OK, "reading 2021");
        Http.That(year["days"]!.AsArray().Count == 365 && year["workingDays"]!.GetValue<int>() == 250, "2021 has 365 days, 250 of them working", year["workingDays"]);
        Http.That(year["notice"]!["notice"]!.GetValue<string>() == "国办发明电〔2020〕27号", "2021 cites its notice", year["notice"]);
        var nationalDay = Day(year, "2021-10-01");
        Http.That(nationalDay["kind"]!.GetValue<string>() == "holiday" && nationalDay["holiday"]!.GetValue<string>() == "国庆节" && !nationalDay["working"]!.GetValue<bool>(),
            "1 October 2021 is the National Day holiday", nationalDay);
        var saturday = Day(year, "2021-10-09");
        Http.That(saturday["kind"]!.GetValue<string>() == "adjusted_workday" && saturday["working"]!.GetValue<bool>() && saturday["weekday"]!.GetValue<string>() == "星期六"
            && saturday["source"]!.GetValue<string>() == "国办发明电〔2020〕27号", "Saturday 9 October 2021 is an adjusted working day", saturday);
        Http.That(Day(year, "2021-02-07")["kind"]!.GetValue<string>() == "adjusted_workday", "Sunday 7 February 2021 is an adjusted working day", Day(year, "2021-02-07"));

        var missing = await (await App.CreateClient().GetAsync("/api/v1/calendar/2019")).ExpectProblemAsync(HttpStatusCode.NotFound, "a year not loaded");
        Http.That(missing["detail"]!.GetValue<string>().Contains("2020—2026"), "the error says which years there are", missing);
    }

    [Fact]
    public async Task Anyone_computes_a_deadline_across_National_Day_with_its_card_and_explanation()
    {
        var state = await DeadlineAsync("2021-09-29", 5, "2021-10-11");
        Http.That(state["due"]!.GetValue<string>() == "2021-10-12" && state["remaining"]!.GetValue<int>() == 1 && state["status"]!.GetValue<string>() == "yellow",
            "5 working days from 2021-09-29 fall due on 2021-10-12; on 10-11 one is left (yellow card)", state);
        Http.That(state["explanation"]!.AsArray().Any(l => l!.GetValue<string>().Contains("2021-10-09（星期六）调休上班，计入期限")), "the explanation names the adjusted Saturday", state);

        var late = await DeadlineAsync("2021-09-29", 5, "2021-10-13");
        Http.That(late["status"]!.GetValue<string>() == "red" && late["remaining"]!.GetValue<int>() == -1, "the day after the due date is a red card", late);

        var suspended = await DeadlineAsync("2021-09-29", 5, "2021-10-12",
            [new JsonObject { ["from"] = "2021-10-08", ["to"] = "2021-10-11", ["reason"] = "补正材料" }]);
        Http.That(suspended["due"]!.GetValue<string>() == "2021-10-15"
            && suspended["explanation"]!.AsArray().Any(l => l!.GetValue<string>() == "补正材料暂停 2021-10-08 至 2021-10-11，截止日顺延 3 个工作日"),
            "a suspension moves the due date by its working days and says so", suspended);

        var outside = await (await App.CreateClient().PostJsonAsync("/api/v1/calendar/deadline",
            new JsonObject { ["acceptedOn"] = "2019-12-30", ["limitWorkingDays"] = 5, ["today"] = "2020-01-02" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a date outside the calendar");
        var malformed = await (await App.CreateClient().PostJsonAsync("/api/v1/calendar/deadline", """{"acceptedOn": "2021-09-29", "limitWorkingDays": "five"}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a limit that is not a number");
        Http.That(malformed["title"]!.GetValue<string>() == "期限计算有误", "a Chinese title", malformed);

        Http.That(outside["errors"]?["acceptedOn"]?.AsArray().Any(m => m!.GetValue<string>().Contains("超出工作日历的范围（2020-01-01 至 2026-12-31）")) == true,
            "a date outside the calendar is a clear Chinese error", outside);
    }

    [Fact]
    public async Task An_administrator_override_changes_deadlines_and_the_newest_override_of_a_day_wins()
    {
        // Thursday 2022-06-02: Friday 06-03 is 端午节, so one working day later is Monday 06-06
        Http.That((await DeadlineAsync("2022-06-02", 1, "2022-06-02"))["due"]!.GetValue<string>() == "2022-06-06", "before the override", null);

        var admin = await AdminAsync();
        var before = await OverrideCountAsync();
        var day = await (await admin.PostJsonAsync("/api/v1/calendar/overrides",
            new JsonObject { ["date"] = "2022-06-06", ["kind"] = "holiday", ["reason"] = "测试：当地防汛停工（示例）" }))
            .ExpectJsonAsync(HttpStatusCode.Created, "an administrator declares Monday 2022-06-06 a holiday");
        Http.That(day["kind"]!.GetValue<string>() == "holiday" && day["overridden"]!.GetValue<bool>() && day["source"]!.GetValue<string>().Contains("防汛"),
            "the day answered is the overridden one", day);
        Http.That(await OverrideCountAsync() == before + 1, "one override row stored", day);
        Http.That((await DeadlineAsync("2022-06-02", 1, "2022-06-02"))["due"]!.GetValue<string>() == "2022-06-07", "after the override the due date moves a day", null);

        var year = await (await App.CreateClient().GetAsync("/api/v1/calendar/2022")).ExpectJsonAsync(HttpStatusCode.OK, "reading 2022");
        Http.That(Day(year, "2022-06-06")["kind"]!.GetValue<string>() == "holiday" && year["overrides"]!.AsArray().Count >= 1, "everyone sees the override", year["overrides"]);

        await (await admin.PostJsonAsync("/api/v1/calendar/overrides",
            new JsonObject { ["date"] = "2022-06-06", ["kind"] = "normal", ["reason"] = "撤销测试调整" })).ExpectJsonAsync(HttpStatusCode.Created, "undoing it");
        Http.That((await DeadlineAsync("2022-06-02", 1, "2022-06-02"))["due"]!.GetValue<string>() == "2022-06-06", "the newest override (normal) wins", null);
        Http.That(await OverrideCountAsync() == before + 2, "overrides are appended, never replaced", null);
    }

    [Theory]
    [InlineData("""{"date": "2022-13-45", "kind": "sometimes", "reason": "x"}""", "date", "不是有效日期")]
    [InlineData("""{"date": "2022-07-01", "kind": "sometimes", "reason": "x"}""", "kind", "未知的调整类型")]
    [InlineData("""{"date": 20220701, "kind": "holiday", "reason": "x"}""", "date", "应为文字")]
    [InlineData("""{"date": "2019-07-01", "kind": "holiday", "reason": "x"}""", "date", "不在工作日历的年份范围内")]
    [InlineData("""{"date": "2022-07-01", "kind": "holiday"}""", "reason", "请填写调整原因")]
    [InlineData("""{"date": "2022-07-01", "kind": """, "$", "")]
    public async Task A_bad_override_is_refused_in_Chinese_and_nothing_is_stored(string json, string field, string words)
    {
        var admin = await AdminAsync();
        var before = await OverrideCountAsync();
        var problem = await (await admin.PostJsonAsync("/api/v1/calendar/overrides", json)).ExpectProblemAsync(HttpStatusCode.BadRequest, "a bad override");
        Http.That(problem["title"]!.GetValue<string>() == "日历调整有误", "a Chinese title", problem);
        var messages = problem["errors"]?[field]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];
        Http.That(messages.Count > 0 && messages.Any(m => m.Contains(words)), $"errors.{field} says “{words}”", problem);
        Http.That(await OverrideCountAsync() == before, "nothing stored", problem);
    }

    [Fact]
    public async Task The_calendar_page_shows_a_month_grid_with_holiday_and_working_marks()
    {
        var html = WebUtility.HtmlDecode(await (await App.CreateClient().GetAsync("/calendar?year=2021")).ExpectAsync(HttpStatusCode.OK, "the public calendar page"));
        Assert.Contains("国办发明电〔2020〕27号", html);
        Assert.Contains("data-date=\"2021-10-09\"", html);
        Assert.Contains("<span class=\"cal-mark\">班</span>", html);
        Assert.Contains("<span class=\"cal-mark\">休</span>", html);
        Assert.Contains("10 月", html);

        var admin = await AdminAsync();
        var adminPage = WebUtility.HtmlDecode(await (await admin.GetAsync("/admin/calendar?year=2021")).ExpectAsync(HttpStatusCode.OK, "the administrator's calendar page"));
        Assert.Contains("调整某一天", adminPage);
    }
}

public sealed class CalendarScenariosOnSqlite(SqliteApp app) : CalendarScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class CalendarScenariosOnPostgres(PostgresServer server) : CalendarScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;

    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await server.AppFor(nameof(CalendarScenariosOnPostgres));

    public Task DisposeAsync() => Task.CompletedTask;
}
