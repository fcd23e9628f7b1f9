using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using TalentOne.Data;
using TalentOne.Data.Cases;
using TalentOne.Data.Ledger;
using TalentOne.Data.Supervision;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Ledger;
using TalentOne.Web.Tests.Infrastructure;
using TalentOne.Web.Tests.Sweeps;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Supervision;

/// <summary>电子监察 through the real host on SQLite and PostgreSQL, with the host's clock moved day by day: every
/// acceptance, claim, return, resubmission and decision happens on the day the test says, and the daily card job runs
/// for that day (POST /api/v1/cases/daily). Each scenario uses a department of its own (catalog: SupervisionCatalog) and
/// dates of its own, and asserts only its own tasks, so that the scenarios may run in any order on one database.
/// Expected dates and figures are worked out by hand in the comments from the State Council calendar.</summary>
public abstract class SupervisionScenarios
{
    protected abstract TalentOneApp App { get; }

    private ManualClock Clock => ((ISupervisionApp)App).Clock;

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private void Today(string date) => Clock.Now = ManualClock.China(D(date));

    private string TodayText => DateOnly.FromDateTime(Clock.Now.ToOffset(TimeSpan.FromHours(8)).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private readonly Dictionary<string, HttpClient> _clients = [];

    /// <summary>A client signed in on the current day (the sign-in cookie lasts two hours of the host's clock).</summary>
    private async Task<HttpClient> As(string userName)
    {
        var key = userName + "@" + Clock.Now.ToString("O", CultureInfo.InvariantCulture);
        if (!_clients.TryGetValue(key, out var client)) _clients[key] = client = await App.LoginAsync(userName);
        return client;
    }

    private async Task<string> StaffAsync(string role, string? department = null) => (await App.CreateStaffAsync(role, department)).UserName!;

    private sealed record Filed(long CaseId, long TaskId);

    private async Task<Filed> ApplyAsync(TestAccounts.Registered who, string item)
    {
        var c = await (await (await As(who.UserName)).PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["bundleId"] = "sv.all", ["items"] = new JsonArray(item), ["values"] = new JsonObject(), ["materials"] = new JsonObject(),
            ["clientKey"] = Guid.NewGuid().ToString("N"),
        })).ExpectJsonAsync(HttpStatusCode.Created, $"applying for {item} on {TodayText}");
        var task = c["tasks"]!.AsArray().OfType<JsonObject>().Single();
        Http.That(task["acceptedOn"]!.GetValue<string>() == TodayText, "the task reaches its department the day it is applied for", c);
        return new Filed(c["id"]!.GetValue<long>(), task["id"]!.GetValue<long>());
    }

    private async Task ActAsync(string reviewer, Filed f, string action, string? reason = null)
    {
        var client = await As(reviewer);
        var response = reason == null
            ? await client.PostAsync($"/api/v1/tasks/{f.TaskId}/{action}", null)
            : await client.PostJsonAsync($"/api/v1/tasks/{f.TaskId}/{action}", new JsonObject { ["reason"] = reason });
        await response.ExpectJsonAsync(HttpStatusCode.OK, $"{action} of task {f.TaskId} on {TodayText}");
    }

    private async Task ResubmitAsync(TestAccounts.Registered who, Filed f) =>
        await (await (await As(who.UserName)).PostJsonAsync($"/api/v1/me/cases/{f.CaseId}/tasks/{f.TaskId}/resubmit", new JsonObject { ["reason"] = "已补正" }))
            .ExpectJsonAsync(HttpStatusCode.OK, $"resubmitting task {f.TaskId} on {TodayText}");

    /// <summary>Runs the daily jobs for today; returns the card job's summary.</summary>
    private async Task<string> DailyAsync(string admin)
    {
        var body = await (await (await As(admin)).PostAsync("/api/v1/cases/daily", null)).ExpectAsync(HttpStatusCode.OK, $"running the daily jobs on {TodayText}");
        var cards = JsonNode.Parse(body)!.AsArray().OfType<JsonObject>().SingleOrDefault(r => r["job"]!.GetValue<string>() == "cards")
            ?? throw new XunitException("the card job is not registered:\n" + body);
        Http.That(cards["ok"]!.GetValue<bool>(), $"the card job ran on {TodayText}", cards);
        return cards["summary"]!.GetValue<string>();
    }

    private async Task<List<SupervisionCard>> CardsAsync(Filed f)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Set<SupervisionCard>().AsNoTracking()
            .Where(c => c.TaskId == f.TaskId).OrderBy(c => c.Id).ToListAsync();
    }

    /// <summary>(issued on, step no, step, colour, due, remaining) of each card, in the order issued.</summary>
    private static List<string> Rows(IEnumerable<SupervisionCard> cards) =>
        [.. cards.Select(c => $"{c.IssuedOn:yyyy-MM-dd} {c.StepNo} {c.Step} {c.Colour} due {c.Due:yyyy-MM-dd} left {c.Remaining}")];

    private async Task<JsonObject> QueueRowAsync(string reviewer, Filed f)
    {
        var queue = JsonNode.Parse(await (await (await As(reviewer)).GetAsync("/api/v1/tasks")).ExpectAsync(HttpStatusCode.OK, $"the queue on {TodayText}"))!.AsArray();
        return queue.OfType<JsonObject>().FirstOrDefault(t => t["id"]!.GetValue<long>() == f.TaskId)
            ?? throw new XunitException($"task {f.TaskId} is not in the queue:\n{queue}");
    }

    /// <summary>The brief's example: 5 working days from Wednesday 2021-09-29 fall due on Tuesday 2021-10-12 (Thursday
    /// 30 Sep, National Day 1–7 Oct off, Friday 8 Oct, Saturday 9 Oct 调休上班, Monday 11, Tuesday 12): yellow on the 11th,
    /// red on the 13th, for the item and for its step. A (default steps) is claimed on 30 Sep: 受理认领 (1 day) was due
    /// that day, 审查办结 (4 days from the claim) is due 12 Oct. B (steps 受理 2 + 审核决定 3) is never claimed: 受理 is
    /// due 8 Oct, red on the 9th (the 调休 Saturday).</summary>
    [Fact]
    public async Task Cards_per_item_and_per_step_follow_the_calendar_across_National_Day_and_are_recorded_once()
    {
        var admin = await StaffAsync(Roles.Admin);
        var hrss = await StaffAsync(Roles.Reviewer, "lishui.hrss");
        var science = await StaffAsync(Roles.Reviewer, "lishui.science");
        var who = await App.RegisteredTalentAsync();

        Today("2021-09-29");
        var a = await ApplyAsync(who, "sv.five");
        var b = await ApplyAsync(who, "sv.custom");
        await DailyAsync(admin);
        Today("2021-09-30");
        await ActAsync(hrss, a, "claim");
        await DailyAsync(admin);
        Today("2021-10-07"); // a holiday: nothing has moved since 30 Sep
        await DailyAsync(admin);
        var holiday = await QueueRowAsync(hrss, a);
        Http.That(holiday["remaining"]!.GetValue<int>() == 4 && holiday["step"]!["name"]!.GetValue<string>() == "审查办结"
            && holiday["step"]!["remaining"]!.GetValue<int>() == 4, "on 7 Oct only 30 Sep has counted: 4 working days left for the item and for 审查办结", holiday);
        Today("2021-10-09"); // the adjusted working Saturday counts
        await DailyAsync(admin);
        var saturday = await QueueRowAsync(hrss, a);
        Http.That(saturday["remaining"]!.GetValue<int>() == 2 && saturday["card"]!.GetValue<string>() == "normal",
            "on Saturday 9 Oct (调休上班) 30 Sep, 8 and 9 Oct have counted: 2 left, no card yet", saturday);
        var bRow = await QueueRowAsync(science, b);
        Http.That(bRow["step"]!["name"]!.GetValue<string>() == "受理" && bRow["step"]!["card"]!.GetValue<string>() == "red"
            && bRow["step"]!["due"]!.GetValue<string>() == "2021-10-08", "B's 受理 step was due on 8 Oct: red on the 9th", bRow);
        Today("2021-10-10"); // Sunday
        await DailyAsync(admin);
        Today("2021-10-11");
        await DailyAsync(admin);
        Assert.Contains("没有新的", await DailyAsync(admin)); // the same day again: nothing new
        var monday = await QueueRowAsync(hrss, a);
        Http.That(monday["card"]!.GetValue<string>() == "yellow" && monday["due"]!.GetValue<string>() == "2021-10-12"
            && monday["step"]!["card"]!.GetValue<string>() == "yellow" && monday["step"]!["due"]!.GetValue<string>() == "2021-10-12",
            "on 11 Oct the item and its step have 1 working day left: yellow", monday);
        Today("2021-10-12");
        await DailyAsync(admin);
        Today("2021-10-13");
        await DailyAsync(admin);

        Assert.Equal(new[]
        {
            // no yellow 受理认领 card on 29 Sep, the day A arrived (no working day counted yet); claimed on its due date
            "2021-10-11 0 item yellow due 2021-10-12 left 1",
            "2021-10-11 2 审查办结 yellow due 2021-10-12 left 1",
            "2021-10-13 0 item red due 2021-10-12 left -1",
            "2021-10-13 2 审查办结 red due 2021-10-12 left -1",
        }, Rows(await CardsAsync(a)).Order(StringComparer.Ordinal));
        Assert.Equal(new[]
        {
            "2021-09-30 1 受理 yellow due 2021-10-08 left 1",
            "2021-10-09 1 受理 red due 2021-10-08 left -1",
            "2021-10-11 0 item yellow due 2021-10-12 left 1",
            "2021-10-13 0 item red due 2021-10-12 left -1",
        }, Rows(await CardsAsync(b)).Order(StringComparer.Ordinal));
        Assert.All(await CardsAsync(a), c => Assert.Equal("lishui.hrss", c.DepartmentId));

        // Every card is on the ledger (case.card, under the case and the applicant); a red one is also on the case's history.
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        foreach (var (f, cards, reds) in new[] { (a, 4, 2), (b, 4, 2) })
        {
            var chained = await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.CaseId == f.CaseId && e.Kind == "case.card").ToListAsync();
            Assert.Equal(cards, chained.Count);
            Assert.All(chained, e => Assert.Equal(who.SubjectId, e.SubjectId));
            var events = await db.Set<CaseEvent>().AsNoTracking().Where(e => e.CaseId == f.CaseId && e.Kind == "card").ToListAsync();
            Assert.Equal(reds, events.Count);
            Assert.All(events, e => Assert.Contains("\"colour\":\"red\"", e.DetailJson));
        }
        var verification = await scope.ServiceProvider.GetRequiredService<LedgerVerifier>().VerifyAsync(null, default);
        Assert.True(verification.Ok, verification.ToString());
        // the applicant sees the red cards in the case's history
        var mine = await (await (await As(who.UserName)).GetAsync($"/api/v1/me/cases/{b.CaseId}")).ExpectJsonAsync(HttpStatusCode.OK, "B's case");
        Assert.Equal(2, mine["events"]!.AsArray().OfType<JsonObject>().Count(e => e["kind"]!.GetValue<string>() == "card"));
    }

    /// <summary>Accepted and claimed Wednesday 2022-09-28, returned for supplement the next day. Without the return the
    /// item (5 working days: 29, 30 Sep, Saturday 8 and Sunday 9 Oct 调休上班, 10 Oct) would be red from 11 Oct; while
    /// returned it gets no card. Resubmitted on 12 Oct, every working day from 29 Sep to 12 Oct is suspended: the item
    /// is due 19 Oct (13, 14, 17, 18, 19), its step 审查办结 (4 days from the claim, the suspension falling in it) 18 Oct.</summary>
    [Fact]
    public async Task A_task_returned_for_supplement_gets_no_card_while_suspended_and_its_clocks_move_by_the_suspension()
    {
        var admin = await StaffAsync(Roles.Admin);
        var housing = await StaffAsync(Roles.Reviewer, "lishui.housing");
        var who = await App.RegisteredTalentAsync();

        Today("2022-09-28");
        var s = await ApplyAsync(who, "sv.susp");
        await ActAsync(housing, s, "claim");
        Today("2022-09-29");
        await ActAsync(housing, s, "return", "请补充劳动合同");
        foreach (var day in new[] { "2022-10-10", "2022-10-11", "2022-10-12" })
        {
            Today(day);
            await DailyAsync(admin);
        }
        Assert.Empty(await CardsAsync(s));
        var row = await QueueRowAsync(housing, s);
        Http.That(row["card"]!.GetValue<string>() == "suspended" && row["step"]!["card"]!.GetValue<string>() == "suspended",
            "while returned both clocks stand still (暂停计时), no card", row);

        await ResubmitAsync(who, s); // still 12 Oct
        await DailyAsync(admin);
        Assert.Empty(await CardsAsync(s));
        foreach (var day in new[] { "2022-10-13", "2022-10-17", "2022-10-18", "2022-10-19", "2022-10-20" })
        {
            Today(day);
            await DailyAsync(admin);
        }
        Assert.Equal(new[]
        {
            "2022-10-17 2 审查办结 yellow due 2022-10-18 left 1",
            "2022-10-18 0 item yellow due 2022-10-19 left 1",
            "2022-10-19 2 审查办结 red due 2022-10-18 left -1",
            "2022-10-20 0 item red due 2022-10-19 left -1",
        }, Rows(await CardsAsync(s)).Order(StringComparer.Ordinal));
    }

    /// <summary>The 丽水市教育局 queue on Thursday 2023-03-09 (no holiday that week). sv.alert: 3 working days, 受理认领 1 and
    /// 审查办结 2. T3 (accepted and claimed Wed 1 Mar, due Mon 6 Mar; 审查办结 due Fri 3 Mar): item red, step red. T1
    /// (accepted Mon 6 Mar, not claimed; due Thu 9, 受理认领 due Tue 7): item yellow, step red. T2 (accepted Mon 6, claimed
    /// Tue 7; 审查办结 due Thu 9): item yellow, step yellow. T4 (accepted today): no card yet (no working day counted). T5
    /// (returned on Tue 7): suspended, no card. T6 (decided 2 Mar): closed.</summary>
    [Fact]
    public async Task The_department_queue_shows_an_alert_with_its_red_and_yellow_items_and_steps()
    {
        var education = await StaffAsync(Roles.Reviewer, "lishui.education");
        var auditor = await StaffAsync(Roles.Auditor);
        var who = await App.RegisteredTalentAsync();

        Today("2023-03-01");
        var t3 = await ApplyAsync(who, "sv.alert");
        await ActAsync(education, t3, "claim");
        var t6 = await ApplyAsync(who, "sv.alert");
        Today("2023-03-02");
        await ActAsync(education, t6, "approve");
        Today("2023-03-06");
        var t1 = await ApplyAsync(who, "sv.alert");
        var t2 = await ApplyAsync(who, "sv.alert");
        var t5 = await ApplyAsync(who, "sv.alert");
        Today("2023-03-07");
        await ActAsync(education, t2, "claim");
        await ActAsync(education, t5, "return", "请补充学历证书");
        Today("2023-03-09");
        var t4 = await ApplyAsync(who, "sv.alert");

        var alert = await (await (await As(education)).GetAsync("/api/v1/tasks/alert")).ExpectJsonAsync(HttpStatusCode.OK, "the department's alert");
        var counts = alert["counts"]!;
        Http.That(alert["openTasks"]!.GetValue<int>() == 5 && counts["redItems"]!.GetValue<int>() == 1 && counts["redSteps"]!.GetValue<int>() == 2
            && counts["yellowItems"]!.GetValue<int>() == 2 && counts["yellowSteps"]!.GetValue<int>() == 1 && counts["red"]!.GetValue<int>() == 3,
            "5 open tasks: red — T3's item, T1's and T3's steps; yellow — T1's and T2's items, T2's step (T4 arrived today: no card yet)", alert);
        Assert.Contains("红牌 3 张（事项 1、环节 2）", alert["text"]!.GetValue<string>());

        var queue = JsonNode.Parse(await (await (await As(education)).GetAsync("/api/v1/tasks")).ExpectAsync(HttpStatusCode.OK, "the queue"))!.AsArray().OfType<JsonObject>().ToList();
        string Cards(Filed f)
        {
            var t = queue.Single(x => x["id"]!.GetValue<long>() == f.TaskId);
            return $"{t["card"]} {t["step"]!["name"]} {t["step"]!["card"]}";
        }
        Assert.Equal("red 审查办结 red", Cards(t3));
        Assert.Equal("yellow 受理认领 red", Cards(t1));
        Assert.Equal("yellow 审查办结 yellow", Cards(t2));
        Assert.Equal("normal 受理认领 normal", Cards(t4));
        Assert.Equal("suspended 受理认领 suspended", Cards(t5));
        Assert.DoesNotContain(queue, x => x["id"]!.GetValue<long>() == t6.TaskId);

        var page = WebUtility.HtmlDecode(await (await (await As(education)).GetAsync("/review/tasks")).ExpectAsync(HttpStatusCode.OK, "the queue page"));
        Assert.Contains("data-red-items=\"1\" data-red-steps=\"2\" data-yellow-items=\"2\" data-yellow-steps=\"1\"", page);
        Assert.Contains("红牌 3 张（事项 1、环节 2），黄牌 3 张（事项 2、环节 1）", page);
        Assert.Contains("受理认领", page);

        // the talent office's and auditors' overview: the same six cards, none recorded yet (the job has not run)
        var overview = await (await (await As(auditor)).GetAsync("/api/v1/supervision/cards?department=lishui.education"))
            .ExpectJsonAsync(HttpStatusCode.OK, "the open cards of 丽水市教育局");
        var dept = overview["departments"]!.AsArray().Single()!;
        Http.That(dept["departmentName"]!.GetValue<string>() == "丽水市教育局" && dept["cards"]!.AsArray().Count == 6
            && dept["counts"]!["red"]!.GetValue<int>() == 3 && dept["counts"]!["yellow"]!.GetValue<int>() == 3
            && dept["cards"]!.AsArray().All(c => c!["issuedOn"] == null), "six live cards, red first", overview);
        var cardsPage = WebUtility.HtmlDecode(await (await (await As(auditor)).GetAsync("/supervision/cards")).ExpectAsync(HttpStatusCode.OK, "the cards page"));
        Assert.Contains("data-department=\"lishui.education\"", cardsPage);
        Assert.Contains("三日事项", cardsPage);
    }

    /// <summary>丽水市财政局 in May 2021 (劳动节 1–5 May off, Sunday 25 Apr and Saturday 8 May 调休上班). Items: a (5 working
    /// days; 受理认领 1, 审查办结 4) and b (3; 1 + 2).
    /// M2 a: accepted Wed 28 Apr, never claimed, approved Tue 11 May. Due Sat 8 May (29, 30 Apr, 6, 7, 8 May): late;
    ///   handling 29, 30 Apr, 6, 7, 8, 10, 11 May = 7.
    /// M1 a: accepted and claimed Thu 29 Apr, approved Mon 10 May. Due 10 May (30 Apr, 6, 7, 8, 10): on time; handling 5.
    /// M6 a: accepted and approved Fri 30 Apr: April's (handling 0, on time).
    /// M3 b: accepted and claimed Thu 6 May, returned Fri 7, resubmitted Mon 10, rejected Wed 12. Suspended 7, 8, 10 May:
    ///   due Thu 13 (11, 12, 13): on time; handling (7, 8, 10, 11, 12) − 3 suspended = 2.
    /// M7 b: accepted Mon 17 May, approved Thu 3 Jun. Due Thu 20 May: open and 7 working days overdue on 31 May.
    /// M4 b: accepted Mon 24 May, open: due Thu 27 May, 2 working days overdue on 31 May (28, 31).
    /// M5 a: accepted Thu 27 May, open: due Thu 3 Jun, not overdue on 31 May.
    /// Received in May: M3, M7, M4, M5 = 4. Decided: M1, M2 (approved), M3 (rejected) = 3, on time M1, M3: 66.67%.
    /// Average handling: (5 + 7 + 2) / 3 = 4.67 working days. Open overdue at month end: M7, M4 = 2.
    /// Cards (job on 7, 10, 18, 24, 31 May): 7 May — M1 审查办结 yellow, M2 item yellow, M2 受理认领 red (M3 suspended);
    /// 10 May — M2 item red (M3 still suspended that day); 18 May — M7 受理认领 yellow; 24 May — (M4 arrived that day: no card yet)
    /// M7 item red, M7 受理认领 red; 31 May — M4 item red, M4 受理认领 red, M5 受理认领 red.
    /// Yellow: items 1, steps 2. Red: items 3, steps 4.</summary>
    [Fact]
    public async Task The_monthly_report_of_a_month_with_a_holiday_counts_decisions_on_time_handling_days_and_cards_the_same_on_page_and_xlsx()
    {
        var admin = await StaffAsync(Roles.Admin);
        var finance = await StaffAsync(Roles.Reviewer, "lishui.finance");
        var who = await App.RegisteredTalentAsync();

        Today("2021-04-28");
        var m2 = await ApplyAsync(who, "sv.month.a");
        Today("2021-04-29");
        var m1 = await ApplyAsync(who, "sv.month.a");
        await ActAsync(finance, m1, "claim");
        Today("2021-04-30");
        var m6 = await ApplyAsync(who, "sv.month.a");
        await ActAsync(finance, m6, "approve");
        Today("2021-05-06");
        var m3 = await ApplyAsync(who, "sv.month.b");
        await ActAsync(finance, m3, "claim");
        Today("2021-05-07");
        await ActAsync(finance, m3, "return", "请补充银行卡");
        await DailyAsync(admin);
        Today("2021-05-10");
        await ResubmitAsync(who, m3);
        await ActAsync(finance, m1, "approve");
        await DailyAsync(admin);
        Today("2021-05-11");
        await ActAsync(finance, m2, "approve");
        Today("2021-05-12");
        await ActAsync(finance, m3, "reject", "不符合条件");
        Today("2021-05-17");
        var m7 = await ApplyAsync(who, "sv.month.b");
        Today("2021-05-18");
        await DailyAsync(admin);
        Today("2021-05-24");
        var m4 = await ApplyAsync(who, "sv.month.b");
        await DailyAsync(admin);
        Today("2021-05-27");
        var m5 = await ApplyAsync(who, "sv.month.a");
        Today("2021-05-31");
        await DailyAsync(admin);
        Today("2021-06-03");
        await ActAsync(finance, m7, "approve");
        Today("2021-06-10");

        var report = await (await (await As(finance)).GetAsync("/api/v1/supervision/monthly?month=2021-05")).ExpectJsonAsync(HttpStatusCode.OK, "May's report");
        Http.That(report["departmentId"]!.GetValue<string>() == "lishui.finance" && report["departmentName"]!.GetValue<string>() == "丽水市财政局"
            && report["asOf"]!.GetValue<string>() == "2021-05-31", "a reviewer's own department, as of the month's last day", report);
        var t = report["total"]!.AsObject();
        int N(JsonNode f, string name) => f[name]!.GetValue<int>();
        Http.That(N(t, "received") == 4 && N(t, "casesReceived") == 4 && N(t, "decided") == 3 && N(t, "approved") == 2 && N(t, "rejected") == 1
            && N(t, "decidedOnTime") == 2 && t["onTimeRate"]!.GetValue<double>() == 0.6667 && N(t, "handlingWorkingDays") == 14
            && t["averageHandlingWorkingDays"]!.GetValue<double>() == 4.67 && N(t, "openOverdue") == 2, "May's totals, as worked out by hand", report);
        Http.That(N(t, "yellowItemCards") == 1 && N(t, "yellowStepCards") == 2 && N(t, "redItemCards") == 3 && N(t, "redStepCards") == 4,
            "May's cards: yellow 1 item + 2 steps, red 3 items + 4 steps", report);
        Assert.Equal("66.7%", report["onTimeRateText"]!.GetValue<string>());
        var decisions = report["decisions"]!.AsArray().OfType<JsonObject>()
            .Select(d => $"{d["taskId"]} {d["due"]} {d["decidedOn"]} {d["handlingWorkingDays"]} {d["onTime"]}").ToList();
        Assert.Equal(new[]
        {
            $"{m1.TaskId} 2021-05-10 2021-05-10 5 true", $"{m2.TaskId} 2021-05-08 2021-05-11 7 false", $"{m3.TaskId} 2021-05-13 2021-05-12 2 true",
        }, decisions);
        Assert.Equal(new[] { $"{m7.TaskId} 2021-05-20 7", $"{m4.TaskId} 2021-05-27 2" },
            report["overdue"]!.AsArray().OfType<JsonObject>().Select(o => $"{o["taskId"]} {o["due"]} {o["overdueWorkingDays"]}"));
        var items = report["items"]!.AsArray().OfType<JsonObject>().ToDictionary(i => i["itemId"]!.GetValue<string>(), i => i["figures"]!.AsObject());
        var a = items["sv.month.a"];
        Http.That(N(a, "received") == 1 && N(a, "decided") == 2 && N(a, "decidedOnTime") == 1 && a["onTimeRate"]!.GetValue<double>() == 0.5
            && a["averageHandlingWorkingDays"]!.GetValue<double>() == 6 && N(a, "yellowItemCards") == 1 && N(a, "yellowStepCards") == 1
            && N(a, "redItemCards") == 1 && N(a, "redStepCards") == 2 && N(a, "openOverdue") == 0, "item a: M5 received; M1, M2 decided (5 + 7 days)", report);
        var b = items["sv.month.b"];
        Http.That(N(b, "received") == 3 && N(b, "decided") == 1 && N(b, "rejected") == 1 && b["onTimeRate"]!.GetValue<double>() == 1
            && b["averageHandlingWorkingDays"]!.GetValue<double>() == 2 && N(b, "yellowItemCards") == 0 && N(b, "yellowStepCards") == 1
            && N(b, "redItemCards") == 2 && N(b, "redStepCards") == 2 && N(b, "openOverdue") == 2, "item b: M3, M7, M4 received; M3 decided", report);
        Assert.Equal(10, report["cards"]!.AsArray().Count);

        var april = await (await (await As(finance)).GetAsync("/api/v1/supervision/monthly?month=2021-04")).ExpectJsonAsync(HttpStatusCode.OK, "April's report");
        Http.That(N(april["total"]!, "received") == 3 && N(april["total"]!, "decided") == 1 && april["total"]!["averageHandlingWorkingDays"]!.GetValue<double>() == 0
            && april["total"]!["onTimeRate"]!.GetValue<double>() == 1, "April: M2, M1, M6 received; M6 decided the day it arrived (0 working days)", april);

        // the .xlsx has the same figures
        var xlsx = await (await As(finance)).GetAsync("/api/v1/supervision/monthly.xlsx?department=lishui.finance&month=2021-05");
        await xlsx.ExpectAsync(HttpStatusCode.OK, "May's report as .xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal(new[] { "汇总", "分事项", "办结明细", "月末超期", "红黄牌" }, MiniExcel.GetSheetNames(book));
        var summary = MiniExcel.Query(book, useHeaderRow: true, sheetName: "汇总").Cast<IDictionary<string, object>>()
            .ToDictionary(r => (string)r["项目"], r => r["数值"]);
        double X(string label) => Convert.ToDouble(summary[label], CultureInfo.InvariantCulture);
        Assert.Equal("丽水市财政局", summary["部门"]);
        Assert.Equal(new double[] { 4, 4, 3, 2, 1, 2, 0.6667, 14, 4.67, 1, 2, 3, 4, 2 },
            new[] { "收件（事项）", "涉及案件", "办结", "其中准予", "其中不予办理", "按时办结", "按时办结率", "办理工作日合计", "平均办理工作日",
                "黄牌（事项）", "黄牌（环节）", "红牌（事项）", "红牌（环节）", "月末超期未办结" }.Select(X));
        var perItem = MiniExcel.Query(book, useHeaderRow: true, sheetName: "分事项").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(new[] { "sv.month.a", "sv.month.b" }, perItem.Select(r => (string)r["事项编号"]));
        Assert.Equal(new double[] { 1, 1 }, perItem.Select(r => Convert.ToDouble(r["按时办结"], CultureInfo.InvariantCulture)));
        Assert.Equal(new double[] { 0.5, 1 }, perItem.Select(r => Convert.ToDouble(r["按时办结率"], CultureInfo.InvariantCulture)));
        Assert.Equal(3, MiniExcel.Query(book, useHeaderRow: true, sheetName: "办结明细").Count());
        Assert.Equal(10, MiniExcel.Query(book, useHeaderRow: true, sheetName: "红黄牌").Count());

        // the page: the reviewer's own department; the talent office sees every department and picks one
        var page = WebUtility.HtmlDecode(await (await (await As(finance)).GetAsync("/supervision?month=2021-05")).ExpectAsync(HttpStatusCode.OK, "the report page"));
        Assert.Contains("丽水市财政局 · 2021 年 5 月", page);
        Assert.Contains("data-figure=\"on-time-rate\">66.7%<", page);
        Assert.Contains("data-figure=\"average-days\">4.67<", page);
        Assert.Contains("data-figure=\"red\">3 / 4<", page);
        Assert.Contains("/api/v1/supervision/monthly.xlsx?department=lishui.finance&month=2021-05", page);
        var overview = WebUtility.HtmlDecode(await (await (await As(admin)).GetAsync("/supervision?month=2021-05")).ExpectAsync(HttpStatusCode.OK, "the overview page"));
        Assert.Contains("/supervision?month=2021-05&department=lishui.finance", overview);
        var chosen = WebUtility.HtmlDecode(await (await (await As(admin)).GetAsync("/supervision?month=2021-05&department=lishui.finance"))
            .ExpectAsync(HttpStatusCode.OK, "the talent office's view of one department"));
        Assert.Contains("data-figure=\"on-time-rate\">66.7%<", chosen);
    }

    [Fact]
    public async Task A_reviewer_sees_only_their_own_department_and_the_talent_office_only_its_city()
    {
        Today("2021-06-10");
        var health = await StaffAsync(Roles.Reviewer, "lishui.health");
        var cityAdmin = await StaffAsync(Roles.Admin, "quzhou.talent_office");
        var auditor = await StaffAsync(Roles.Auditor);
        var window = await StaffAsync(Roles.Window, "lishui.hrss");
        var who = await App.RegisteredTalentAsync();
        const string Finance = "/api/v1/supervision/monthly?department=lishui.finance&month=2021-05";

        var other = await (await (await As(health)).GetAsync(Finance)).ExpectProblemAsync(HttpStatusCode.NotFound, "a reviewer asking for another department");
        Assert.Contains("不在您的查看范围内", other["detail"]!.GetValue<string>());
        await (await (await As(health)).GetAsync(Finance.Replace("monthly?", "monthly.xlsx?"))).ExpectProblemAsync(HttpStatusCode.NotFound, "… or its .xlsx");
        var own = await (await (await As(health)).GetAsync("/api/v1/supervision/monthly?month=2021-05")).ExpectJsonAsync(HttpStatusCode.OK, "a reviewer's own");
        Assert.Equal("lishui.health", own["departmentId"]!.GetValue<string>());
        var page = await (await As(health)).GetAsync("/supervision?month=2021-05&department=lishui.finance");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        await (await (await As(health)).GetAsync("/api/v1/supervision/cards")).ExpectProblemAsync(HttpStatusCode.Forbidden, "a reviewer asking for every department's cards");

        await (await (await As(cityAdmin)).GetAsync(Finance)).ExpectProblemAsync(HttpStatusCode.NotFound, "Quzhou's talent office asking for a Lishui department");
        await (await (await As(cityAdmin)).GetAsync("/api/v1/supervision/monthly?department=quzhou.hrss&month=2021-05"))
            .ExpectJsonAsync(HttpStatusCode.OK, "Quzhou's talent office asking for a Quzhou department");
        await (await (await As(auditor)).GetAsync(Finance)).ExpectJsonAsync(HttpStatusCode.OK, "an auditor of every city");
        var none = await (await (await As(auditor)).GetAsync("/api/v1/supervision/monthly?month=2021-05")).ExpectProblemAsync(HttpStatusCode.BadRequest, "no department named");
        Assert.Contains("请选择部门", none["errors"]!["department"]![0]!.GetValue<string>());

        await (await (await As(window)).GetAsync(Finance)).ExpectProblemAsync(HttpStatusCode.Forbidden, "window staff");
        await (await (await As(who.UserName)).GetAsync(Finance)).ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent");

        var bad = await (await (await As(auditor)).GetAsync("/api/v1/supervision/monthly?department=lishui.finance&month=2021-13"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a month that does not exist");
        Assert.Contains("yyyy-MM", bad["errors"]!["month"]![0]!.GetValue<string>());
        var future = await (await (await As(auditor)).GetAsync("/api/v1/supervision/monthly?department=lishui.finance&month=2021-07"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a month not yet begun");
        Assert.Contains("尚未开始", future["errors"]!["month"]![0]!.GetValue<string>());
    }
}

public sealed class SupervisionScenariosOnSqlite(SupervisionSqliteApp app) : SupervisionScenarios, IClassFixture<SupervisionSqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class SupervisionScenariosOnPostgres(PostgresServer server) : SupervisionScenarios, IAsyncLifetime
{
    private SupervisionPostgresApp? _app;

    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await SupervisionPostgresApp.CreateAsync(server);

    public async Task DisposeAsync()
    {
        if (_app != null) await _app.DisposeAsync();
    }
}
