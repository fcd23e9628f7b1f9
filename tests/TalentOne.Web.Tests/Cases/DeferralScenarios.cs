using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Data;
using TalentOne.Data.Cases;
using TalentOne.Data.Deferral;
using TalentOne.Data.Sweeps;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Cases;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Cases;

/// <summary>容缺受理 through the real host, on SQLite and on PostgreSQL: a non-core material promised for later (at
/// submission or by the reviewer), the bad-credit flag that forbids it, supplying it, the daily job's reminders and the
/// termination when the promise is broken. The test bundle (not shipped): 主事项 (人力社保局, 5 working days) may defer its
/// 纳税证明; 后续事项 (医保局) needs 主事项's result; 并联事项 (人力社保局) needs neither. Dates the tests choose are driven through
/// <see cref="CaseService"/> and the "deferrals" <see cref="ICaseDailyJob"/> from the host's services with their own
/// <see cref="CaseContext"/>.</summary>
public abstract class DeferralScenarios
{
    private const string Bundle = "test.deferral";
    private const string Permit = "df.permit", Follow = "df.follow", Side = "df.side";
    private const string Tax = "df_tax_record";
    private static readonly string[] Chosen = [Permit, Follow, Side];

    private TalentOneApp? _ready;

    /// <summary>The host with every policy file (the shipped items pay out policies of other cities) and the test items,
    /// written before the host first starts.</summary>
    protected TalentOneApp App
    {
        get
        {
            if (_ready != null) return _ready;
            var app = Host;
            TestCatalog.AddAllPolicies(app.CatalogRoot);
            File.WriteAllText(Path.Combine(app.CatalogRoot, ItemCatalog.ItemsFolder, "test-deferral.yaml"), TestItems);
            File.WriteAllText(Path.Combine(app.CatalogRoot, ItemCatalog.BundlesFolder, "test-deferral.yaml"), TestBundle);
            return _ready = app;
        }
    }

    protected abstract TalentOneApp Host { get; }

    private const string TestItems = """
        document: 测试用事项（容缺受理）
        items:
          - id: df.permit
            name: 容缺测试主事项
            city: quzhou
            department: hrss
            limit_working_days: 5
            source: {quote: 测试}
            materials:
              - {id: identity_card, core: true}
              - {id: df_tax_record, name: 纳税证明, core: false, deferrable: true, accept: [pdf], max_size_mb: 1}
          - id: df.follow
            name: 容缺测试后续事项
            city: quzhou
            department: medical_insurance
            limit_working_days: 3
            prerequisites: [df.permit]
            source: {quote: 测试}
            materials:
              - {id: "result:df.permit"}
          - id: df.side
            name: 容缺测试并联事项
            city: quzhou
            department: hrss
            limit_working_days: 5
            source: {quote: 测试}
            materials:
              - {id: identity_card, core: true}
        """;

    private const string TestBundle = """
        document: 测试用一件事（容缺受理）
        bundles:
          - id: test.deferral
            name: 容缺测试一件事
            city: quzhou
            source: {quote: 测试}
            items: [df.permit, df.follow, df.side]
        """;

    // ---- helpers ----

    private ItemCatalog Items()
    {
        using var scope = App.Services.CreateScope();
        var holder = scope.ServiceProvider.GetRequiredService<CatalogHolder>();
        return scope.ServiceProvider.GetRequiredService<ItemCatalogs>().For(holder.Current!);
    }

    private async Task<WorkingCalendar> CalendarAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CalendarService>().CurrentAsync(scope.ServiceProvider.GetRequiredService<CatalogHolder>().Root, default);
    }

    private async Task<CaseContext> OnAsync(DateOnly day) => new(Items(), await CalendarAsync(), day);

    private static DateOnly ChinaToday() => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Pdf(int padding = 0) => [.. Encoding.ASCII.GetBytes("%PDF-1.4\n% test " + Guid.NewGuid() + "\n"), .. new byte[padding], .. "%%EOF\n"u8];

    private static byte[] Png() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Guid.NewGuid().ToByteArray()];

    private static async Task<long> UploadAsync(HttpClient client, string materialId, byte[]? bytes = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(materialId), "materialId");
        var content = bytes ?? Pdf();
        var png = content[0] == 0x89;
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(png ? "image/png" : "application/pdf");
        form.Add(file, "file", png ? "photo.png" : "scan.pdf");
        var kept = await (await client.PostAsync("/api/v1/me/materials", form)).ExpectJsonAsync(HttpStatusCode.Created, $"uploading {materialId}");
        return kept["fileId"]!.GetValue<long>();
    }

    private static JsonObject Deferred(DateOnly until) => new() { ["deferred"] = "本人承诺在期限内补交纳税证明，逾期愿承担相应责任", ["until"] = D(until) };

    /// <summary>An application through the API (the China date of today): identity card uploaded, the tax record
    /// deferred until <paramref name="until"/> or left out (it is not core).</summary>
    private static async Task<HttpResponseMessage> ApplyAsync(TestAccounts.Registered who, DateOnly? until, bool deferCore = false)
    {
        var materials = new JsonObject();
        if (deferCore) materials["identity_card"] = Deferred(until!.Value);
        else materials["identity_card"] = await UploadAsync(who.Client, "identity_card");
        if (until is { } u && !deferCore) materials[Tax] = Deferred(u);
        return await who.Client.PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["bundleId"] = Bundle, ["items"] = new JsonArray(Chosen.Select(i => (JsonNode)i).ToArray()), ["values"] = new JsonObject(),
            ["materials"] = materials, ["clientKey"] = Guid.NewGuid().ToString("N"),
        });
    }

    /// <summary>An application through the service, accepted on a day the test chooses, with the tax record deferred.</summary>
    private async Task<CaseFile> ApplyOnAsync(TestAccounts.Registered who, DateOnly day, DateOnly until)
    {
        var card = await UploadAsync(who.Client, "identity_card");
        await using var scope = App.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<CaseService>();
        var submitted = await service.SubmitAsync(who.SubjectId, "test", new CaseSubmission(Bundle, Chosen, [],
            new JsonObject { ["identity_card"] = card, [Tax] = Deferred(until) }, Guid.NewGuid().ToString("N")), await OnAsync(day), default);
        return submitted.Case;
    }

    /// <summary>Runs the "deferrals" daily job for a day, as the daily runner does (a scope of its own).</summary>
    private async Task<string> RunJobAsync(DateOnly day)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetServices<ICaseDailyJob>().Single(j => j.Name == "deferrals");
        return await job.RunAsync(await OnAsync(day), default);
    }

    private async Task<T> DbAsync<T>(Func<TalentOneDb, Task<T>> read)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<TalentOneDb>());
    }

    private Task<List<Notice>> NoticesAsync(long subjectId) =>
        DbAsync(db => db.Set<Notice>().AsNoTracking().Where(n => n.SubjectId == subjectId).OrderBy(n => n.Id).ToListAsync());

    private Task<List<string>> StepsAsync(long caseId) =>
        DbAsync(db => db.Set<DeferralStep>().AsNoTracking().Where(s => s.CaseId == caseId).OrderBy(s => s.Id).Select(s => s.Kind).ToListAsync());

    private Task<Dictionary<string, string>> StatesAsync(long caseId) =>
        DbAsync(db => db.Set<CaseTask>().AsNoTracking().Where(t => t.CaseId == caseId).ToDictionaryAsync(t => t.ItemId, t => t.Status));

    private static JsonObject TaskOf(JsonObject c, string itemId) =>
        c["tasks"]!.AsArray().OfType<JsonObject>().FirstOrDefault(t => t["itemId"]!.GetValue<string>() == itemId)
        ?? throw new XunitException($"no task for {itemId}");

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"") is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new XunitException("no antiforgery token on the page");

    private async Task<HttpClient> AdminAsync() => await App.ClientAsync(Roles.Admin);

    private static Task<HttpResponseMessage> FlagAsync(HttpClient admin, long subjectId, bool flagged, string? reason) =>
        admin.PostJsonAsync($"/api/v1/records/{subjectId}/credit", new JsonObject { ["flagged"] = flagged, ["reason"] = reason });

    // ---- scenarios ----

    [Fact]
    public async Task A_core_material_cannot_be_deferred_and_a_date_beyond_the_limit_is_refused_at_submission_and_by_the_reviewer()
    {
        var who = await App.RegisteredTalentAsync();
        var calendar = await CalendarAsync();
        var today = ChinaToday();

        var core = await (await ApplyAsync(who, calendar.AddWorkingDays(today, 1), deferCore: true)).ExpectProblemAsync(HttpStatusCode.BadRequest, "deferring the identity card");
        Http.That(core["errors"]!["materials.identity_card"]![0]!.GetValue<string>().Contains("不能容缺受理"), "a core material is never deferred", core);

        var late = await (await ApplyAsync(who, calendar.AddWorkingDays(today, 6))).ExpectProblemAsync(HttpStatusCode.BadRequest, "a date after the item's limit");
        Http.That(late["errors"]![$"materials.{Tax}"]![0]!.GetValue<string>().Contains(D(calendar.AddWorkingDays(today, 5))),
            "the refusal names the latest date allowed (the item's limit of 5 working days)", late);
        Assert.False(await DbAsync(db => db.Set<CaseFile>().AnyAsync(c => c.SubjectId == who.SubjectId)), "a refused application stores nothing");

        // the reviewer's action: the same rules, and the date is bounded by the task's own due date
        var c = await (await ApplyAsync(who, null)).ExpectJsonAsync(HttpStatusCode.Created, "applying without the tax record (not core)");
        var task = TaskOf(c, Permit);
        var hrss = await App.ClientAsync(Roles.Reviewer, "quzhou.hrss");
        var coreByReviewer = await (await hrss.PostJsonAsync($"/api/v1/tasks/{task["id"]}/defer", new JsonObject
        {
            ["materialId"] = "identity_card", ["promise"] = "承诺后补", ["until"] = D(calendar.AddWorkingDays(today, 1)),
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "a reviewer deferring the identity card");
        Http.That(coreByReviewer["errors"]!["materialId"]![0]!.GetValue<string>().Contains("不能容缺受理"), "core refused for the reviewer too", coreByReviewer);
        var due = task["due"]!.GetValue<string>();
        var beyond = await (await hrss.PostJsonAsync($"/api/v1/tasks/{task["id"]}/defer", new JsonObject
        {
            ["materialId"] = Tax, ["promise"] = "承诺后补", ["until"] = D(DateOnly.Parse(due).AddDays(1)),
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "a date after the task's due date");
        Http.That(beyond["errors"]!["until"]![0]!.GetValue<string>().Contains(due), "the refusal names the task's due date", beyond);
        var past = await (await hrss.PostJsonAsync($"/api/v1/tasks/{task["id"]}/defer", new JsonObject
        {
            ["materialId"] = Tax, ["promise"] = "承诺后补", ["until"] = D(today),
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "today as the promised date");
        Http.That(past["errors"]!["until"] != null, "the date must be after today", past);
        var medical = await App.ClientAsync(Roles.Reviewer, "quzhou.medical_insurance");
        await (await medical.PostJsonAsync($"/api/v1/tasks/{task["id"]}/defer", new JsonObject
        {
            ["materialId"] = Tax, ["promise"] = "承诺后补", ["until"] = D(calendar.AddWorkingDays(today, 1)),
        })).ExpectProblemAsync(HttpStatusCode.NotFound, "another department's reviewer");
        Assert.False(await DbAsync(db => db.Set<CaseMaterial>().AnyAsync(m => m.CaseId == c["id"]!.GetValue<long>() && m.Deferred != null)),
            "no refused deferral is stored");
    }

    [Fact]
    public async Task A_flagged_applicant_is_refused_at_submission_and_by_the_reviewer_and_may_defer_again_once_the_flag_is_cleared()
    {
        var who = await App.RegisteredTalentAsync();
        var admin = await AdminAsync();
        var calendar = await CalendarAsync();
        var until = calendar.AddWorkingDays(ChinaToday(), 1);

        var missing = await (await FlagAsync(admin, who.SubjectId, true, " ")).ExpectProblemAsync(HttpStatusCode.BadRequest, "a flag without a reason");
        Http.That(missing["errors"]!["reason"] != null, "a reason is required", missing);
        var set = await (await FlagAsync(admin, who.SubjectId, true, "曾提供虚假承诺（测试）")).ExpectJsonAsync(HttpStatusCode.OK, "setting the flag");
        Http.That(set["flagged"]!.GetValue<bool>() && set["current"]!["source"]!.GetValue<string>() == "manual", "flagged by hand", set);
        await (await FlagAsync(admin, who.SubjectId, true, "再次")).ExpectProblemAsync(HttpStatusCode.Conflict, "setting it twice");

        var mine = await (await who.Client.GetAsync("/api/v1/me/credit")).ExpectJsonAsync(HttpStatusCode.OK, "the holder's own flag");
        Http.That(mine["flagged"]!.GetValue<bool>() && mine["current"]!["reason"]!.GetValue<string>() == "曾提供虚假承诺（测试）"
            && mine["current"]!["by"] == null && mine["history"] == null, "the holder sees the flag and why, not who set it", mine);

        var refused = await (await ApplyAsync(who, until)).ExpectProblemAsync(HttpStatusCode.BadRequest, "deferring while flagged");
        Http.That(refused["errors"]![$"materials.{Tax}"]![0]!.GetValue<string>().Contains("失信标记"), "refused at submission, naming the flag", refused);

        var c = await (await ApplyAsync(who, null)).ExpectJsonAsync(HttpStatusCode.Created, "applying with every material instead");
        var hrss = await App.ClientAsync(Roles.Reviewer, "quzhou.hrss");
        var task = TaskOf(c, Permit)["id"]!.GetValue<long>();
        var defer = new JsonObject { ["materialId"] = Tax, ["promise"] = "申请人书面承诺 5 日内补交", ["until"] = D(until) };
        var byReviewer = await (await hrss.PostJsonAsync($"/api/v1/tasks/{task}/defer", defer.DeepClone())).ExpectProblemAsync(HttpStatusCode.Forbidden, "the reviewer deferring for a flagged applicant");
        Http.That(byReviewer["detail"]!.GetValue<string>().Contains("失信标记"), "refused by the reviewer's action too, naming the flag", byReviewer);

        var cleared = await (await FlagAsync(admin, who.SubjectId, false, "异议核实，撤销标记")).ExpectJsonAsync(HttpStatusCode.OK, "clearing the flag");
        Http.That(!cleared["flagged"]!.GetValue<bool>() && cleared["history"]!.AsArray().Count == 2, "cleared; both events kept", cleared);
        await (await FlagAsync(admin, who.SubjectId, false, "再次")).ExpectProblemAsync(HttpStatusCode.Conflict, "clearing a flag that is not set");

        var deferred = await (await hrss.PostJsonAsync($"/api/v1/tasks/{task}/defer", defer.DeepClone())).ExpectJsonAsync(HttpStatusCode.Created, "the reviewer deferring once cleared");
        Http.That(deferred["deferredUntil"]!.GetValue<string>() == D(until), "the promise and its date recorded", deferred);
        await (await hrss.PostJsonAsync($"/api/v1/tasks/{task}/defer", defer.DeepClone())).ExpectProblemAsync(HttpStatusCode.Conflict, "deferring the same material twice");
        var list = JsonNode.Parse(await (await who.Client.GetAsync("/api/v1/me/deferrals")).ExpectAsync(HttpStatusCode.OK, "my deferrals"))!.AsArray();
        Http.That(list.OfType<JsonObject>().Any(d => d["caseId"]!.GetValue<long>() == c["id"]!.GetValue<long>() && d["state"]!.GetValue<string>() == "open"
            && d["materialName"]!.GetValue<string>() == "纳税证明"), "the applicant sees the open deferral", list);
        var events = (await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case"))["events"]!.AsArray();
        Http.That(events.OfType<JsonObject>().Any(e => e["kind"]!.GetValue<string>() == "deferred" && e["taskId"]!.GetValue<long>() == task), "the deferral is in the case history", events);

        await (await ApplyAsync(who, until)).ExpectJsonAsync(HttpStatusCode.Created, "deferring at submission once cleared");
        // the flag events went on the ledger with the record
        var kinds = await DbAsync(db => db.Set<TalentOne.Data.Ledger.LedgerEntry>().AsNoTracking().Where(e => e.SubjectId == who.SubjectId && e.Kind.StartsWith("credit."))
            .OrderBy(e => e.Seq).Select(e => e.Kind).ToListAsync());
        Assert.Equal(new[] { "credit.flag_set", "credit.flag_cleared" }, kinds);
    }

    /// <summary>Accepted Monday 2021-09-27 with the tax record promised for Friday 2021-10-08, the first working day after
    /// the National Day holiday (10-01 to 10-07; Sunday 09-26 and Saturday 10-09 are adjusted working days). Two working
    /// days before 10-08 is Wednesday 09-29: the early reminder. Saturday 10-09 is the first working day after the date.</summary>
    [Fact]
    public async Task Reminders_fall_on_the_right_working_days_across_the_holiday_once_each_and_a_supplied_material_keeps_the_task_going()
    {
        var kept = await App.RegisteredTalentAsync();
        var broken = await App.RegisteredTalentAsync();
        var accepted = new DateOnly(2021, 9, 27);
        var until = new DateOnly(2021, 10, 8);
        var a = await ApplyOnAsync(kept, accepted, until);
        var b = await ApplyOnAsync(broken, accepted, until);
        async Task<int> Reminders(long subjectId) => (await NoticesAsync(subjectId)).Count(n => n.Title.Contains("补交", StringComparison.Ordinal));

        await RunJobAsync(new DateOnly(2021, 9, 28));
        Assert.Empty(await StepsAsync(a.Id));
        await RunJobAsync(new DateOnly(2021, 9, 29));
        Assert.Equal(new[] { DeferralStepKind.RemindBefore }, await StepsAsync(a.Id));
        var early = (await NoticesAsync(kept.SubjectId)).Last();
        Assert.Contains("纳税证明", early.Title);
        Assert.Contains("2021-10-08", early.Body);
        Assert.Contains("还有 2 个工作日", early.Body);
        var channels = await DbAsync(db => db.Set<OutboxMessage>().Where(o => o.NoticeId == early.Id).Select(o => o.Channel).OrderBy(x => x).ToListAsync());
        Assert.Equal(new[] { "inapp", "sms" }, channels);

        foreach (var day in new[] { new DateOnly(2021, 9, 29), new DateOnly(2021, 9, 30), new DateOnly(2021, 10, 3), new DateOnly(2021, 10, 7) })
            await RunJobAsync(day);
        Assert.Equal(new[] { DeferralStepKind.RemindBefore }, await StepsAsync(a.Id));
        Assert.Equal(1, await Reminders(kept.SubjectId));

        await RunJobAsync(until);
        await RunJobAsync(until);
        Assert.Equal(new[] { DeferralStepKind.RemindBefore, DeferralStepKind.RemindDue }, await StepsAsync(a.Id));
        Assert.Equal(2, await Reminders(kept.SubjectId));
        Assert.Contains("最后一天", (await NoticesAsync(kept.SubjectId)).Last().Title);
        Assert.Equal(2, await Reminders(broken.SubjectId));

        // the first applicant supplies on the promised date; the second does not
        var file = await UploadAsync(kept.Client, Tax);
        await using (var scope = App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<CaseService>().SupplyAsync(kept.SubjectId, a.Id, Tax, file, "test", await OnAsync(until), default);
        await RunJobAsync(new DateOnly(2021, 10, 9));
        Assert.Equal("queued", (await StatesAsync(a.Id))[Permit]);
        Assert.Equal(new[] { DeferralStepKind.RemindBefore, DeferralStepKind.RemindDue }, await StepsAsync(a.Id));
        Assert.Null(await DbAsync(db => CreditFlags.CurrentAsync(db, kept.SubjectId, default)));
        Assert.Equal("terminated", (await StatesAsync(b.Id))[Permit]);
        Assert.NotNull(await DbAsync(db => CreditFlags.CurrentAsync(db, broken.SubjectId, default)));
    }

    /// <summary>Accepted Tuesday 2022-03-01, the tax record promised for Friday 03-04; nothing supplied. Saturday 03-05
    /// is not a working day (the due-date reminder is caught up, nothing ends); Monday 03-07 the promise has lapsed.</summary>
    [Fact]
    public async Task Without_the_material_the_task_is_terminated_its_dependant_cancelled_the_applicant_flagged_and_told()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await ApplyOnAsync(who, new DateOnly(2022, 3, 1), new DateOnly(2022, 3, 4));
        await RunJobAsync(new DateOnly(2022, 3, 5));
        Assert.Equal(new[] { DeferralStepKind.RemindDue }, await StepsAsync(c.Id));
        Assert.Equal("queued", (await StatesAsync(c.Id))[Permit]);

        var summary = await RunJobAsync(new DateOnly(2022, 3, 7));
        Assert.Contains("未按承诺补交", summary);
        var states = await StatesAsync(c.Id);
        Assert.Equal("terminated", states[Permit]);
        Assert.Equal("cancelled", states[Follow]);
        Assert.Equal("queued", states[Side]);

        var view = await (await who.Client.GetAsync($"/api/v1/me/cases/{c.Id}")).ExpectJsonAsync(HttpStatusCode.OK, "the case after termination");
        Http.That(TaskOf(view, Permit)["statusText"]!.GetValue<string>() == "已终止（未按承诺补交）"
            && TaskOf(view, Permit)["reason"]!.GetValue<string>().Contains("2022-03-04"), "the terminated task says why", view);
        Http.That(TaskOf(view, Follow)["reason"]!.GetValue<string>().StartsWith("前置事项《容缺测试主事项》已终止", StringComparison.Ordinal), "the dependant says why", view);
        Http.That(view["status"]!.GetValue<string>() == "open", "the independent item goes on", view);
        var kinds = view["events"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).ToList();
        Assert.Equal(new[] { "reminded", "terminated", "cancelled", "lapsed", "credit_flagged" }, kinds.Skip(kinds.IndexOf("reminded")));

        var flag = await (await who.Client.GetAsync("/api/v1/me/credit")).ExpectJsonAsync(HttpStatusCode.OK, "the holder's flag");
        Http.That(flag["flagged"]!.GetValue<bool>() && flag["current"]!["source"]!.GetValue<string>() == "automatic"
            && flag["current"]!["reason"]!.GetValue<string>().Contains($"案件 {c.Id}") && flag["current"]!["reason"]!.GetValue<string>().Contains("纳税证明"),
            "flagged automatically, naming the case and the material", flag);
        var told = (await NoticesAsync(who.SubjectId)).Last();
        Assert.Contains("未按承诺补交", told.Title);
        Assert.Contains("《容缺测试主事项》已终止", told.Body);
        Assert.Contains("《容缺测试后续事项》同时终止", told.Body);
        Assert.Contains("失信标记", told.Body);
        Assert.Equal(2, await DbAsync(db => db.Set<OutboxMessage>().CountAsync(o => o.NoticeId == told.Id)));

        // once only: running again that day or the next changes nothing
        var notices = (await NoticesAsync(who.SubjectId)).Count;
        await RunJobAsync(new DateOnly(2022, 3, 7));
        await RunJobAsync(new DateOnly(2022, 3, 8));
        Assert.Equal(notices, (await NoticesAsync(who.SubjectId)).Count);
        Assert.Equal(1, await DbAsync(db => db.Set<CreditFlagEvent>().CountAsync(e => e.SubjectId == who.SubjectId)));
        Assert.Equal(new[] { DeferralStepKind.RemindDue, DeferralStepKind.Terminated }, await StepsAsync(c.Id));

        // every change is on the ledger in its transaction, and the chain verifies
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
            var chained = await db.Set<TalentOne.Data.Ledger.LedgerEntry>().AsNoTracking().Where(e => e.CaseId == c.Id).OrderBy(e => e.Seq).Select(e => e.Kind).ToListAsync();
            var caseEvents = await db.Set<CaseEvent>().AsNoTracking().Where(e => e.CaseId == c.Id).OrderBy(e => e.Id).Select(e => "case." + e.Kind).ToListAsync();
            Assert.Equal(caseEvents, chained.Where(k => k.StartsWith("case.", StringComparison.Ordinal)));
            Assert.Contains("credit.flag_set", chained);
            var verification = await scope.ServiceProvider.GetRequiredService<TalentOne.Registry.Ledger.LedgerVerifier>().VerifyAsync(null, default);
            Assert.True(verification.Ok, verification.ToString());
        }

        // too late: supplying after termination is refused
        var file = await UploadAsync(who.Client, Tax);
        var late = await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{c.Id}/materials/{Tax}", new JsonObject { ["fileId"] = file }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "supplying after termination");
        Http.That(late["detail"]!.GetValue<string>().Contains("已终止"), "the applicant is told it ended", late);

        // the holder sees the flag and why on /me
        var me = WebUtility.HtmlDecode(await (await who.Client.GetAsync("/me")).ExpectAsync(HttpStatusCode.OK, "my record page"));
        Assert.Contains("失信标记", me);
        Assert.Contains($"案件 {c.Id}", me);
    }

    [Fact]
    public async Task A_withdrawn_case_owes_nothing_no_reminder_no_termination_no_flag()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await ApplyOnAsync(who, new DateOnly(2022, 3, 1), new DateOnly(2022, 3, 4));
        await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{c.Id}/withdraw", new JsonObject { ["reason"] = "不再需要" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "withdrawing the case");
        await RunJobAsync(new DateOnly(2022, 3, 4));
        await RunJobAsync(new DateOnly(2022, 3, 7));
        Assert.Empty(await StepsAsync(c.Id));
        Assert.All((await StatesAsync(c.Id)).Values, s => Assert.Equal("withdrawn", s));
        Assert.Equal(0, await DbAsync(db => db.Set<CreditFlagEvent>().CountAsync(e => e.SubjectId == who.SubjectId)));
    }

    [Fact]
    public async Task Supplying_before_the_date_keeps_the_task_going_and_only_the_applicant_may_supply()
    {
        var who = await App.RegisteredTalentAsync();
        var calendar = await CalendarAsync();
        var today = ChinaToday();
        var until = calendar.AddWorkingDays(today, 2);
        var c = await (await ApplyAsync(who, until)).ExpectJsonAsync(HttpStatusCode.Created, "applying with the tax record deferred");
        var caseId = c["id"]!.GetValue<long>();
        Http.That(c["materials"]!.AsArray().OfType<JsonObject>().Any(m => m["materialId"]!.GetValue<string>() == Tax && m["deferredUntil"]!.GetValue<string>() == D(until)),
            "the deferral is a material of the case", c);

        // someone else's case does not exist for them
        var other = await App.RegisteredTalentAsync();
        var otherFile = await UploadAsync(other.Client, Tax);
        await (await other.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/materials/{Tax}", new JsonObject { ["fileId"] = otherFile }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "supplying to someone else's case");
        // another subject's file is not the applicant's
        var foreign = await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/materials/{Tax}", new JsonObject { ["fileId"] = otherFile }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "someone else's file");
        Http.That(foreign["errors"]!["fileId"] != null, "the file is refused", foreign);
        // type and size as at submission: the tax record takes PDF only, 1 MB at most
        var png = await UploadAsync(who.Client, "identity_card", Png());
        var wrongType = await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/materials/{Tax}", new JsonObject { ["fileId"] = png }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a PNG for a PDF-only material");
        Http.That(wrongType["errors"]!["fileId"]![0]!.GetValue<string>().Contains("PDF"), "the accepted type is named", wrongType);
        var big = await UploadAsync(who.Client, "identity_card", Pdf(1_200_000));
        var tooBig = await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/materials/{Tax}", new JsonObject { ["fileId"] = big }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a file over the material's limit");
        Http.That(tooBig["errors"]!["fileId"]![0]!.GetValue<string>().Contains("1 MB"), "the size limit is named", tooBig);
        await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/materials/identity_card", new JsonObject { ["fileId"] = png }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "a material that was not deferred");

        var file = await UploadAsync(who.Client, Tax);
        var supplied = await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/materials/{Tax}", new JsonObject { ["fileId"] = file }))
            .ExpectJsonAsync(HttpStatusCode.Created, "supplying the tax record");
        Http.That(supplied["state"]!.GetValue<string>() == "supplied" && supplied["suppliedFileId"]!.GetValue<long>() == file, "supplied", supplied);
        await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/materials/{Tax}", new JsonObject { ["fileId"] = file }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "supplying twice");

        var after = await (await who.Client.GetAsync($"/api/v1/me/cases/{caseId}")).ExpectJsonAsync(HttpStatusCode.OK, "the case after supplying");
        var rows = after["materials"]!.AsArray().OfType<JsonObject>().Where(m => m["materialId"]!.GetValue<string>() == Tax).ToList();
        Assert.Equal(2, rows.Count);
        Http.That(rows[0]["deferred"] != null && rows[0]["fileId"] == null, "the deferral row is kept as it was (append-only)", after);
        Http.That(rows[1]["fileId"]!.GetValue<long>() == file && rows[1]["suppliesId"] != null, "the file is a new row pointing at the deferral", after);
        Http.That(after["events"]!.AsArray().OfType<JsonObject>().Any(e => e["kind"]!.GetValue<string>() == "supplied"), "the supply is in the history", after);
        Assert.Contains(await NoticesAsync(who.SubjectId), n => n.Title.Contains("已收到补交", StringComparison.Ordinal));

        // after the date nothing ends: the promise was kept
        await RunJobAsync(calendar.AddWorkingDays(until, 1));
        Assert.Equal("queued", (await StatesAsync(caseId))[Permit]);
        Assert.Null(await DbAsync(db => CreditFlags.CurrentAsync(db, who.SubjectId, default)));
        Assert.Empty(await StepsAsync(caseId));
    }

    [Fact]
    public async Task The_reviewer_defers_on_the_page_and_the_applicant_supplies_on_the_page()
    {
        var who = await App.RegisteredTalentAsync();
        var calendar = await CalendarAsync();
        var until = calendar.AddWorkingDays(ChinaToday(), 1);
        var c = await (await ApplyAsync(who, null)).ExpectJsonAsync(HttpStatusCode.Created, "applying without the tax record");
        var task = TaskOf(c, Permit)["id"]!.GetValue<long>();

        var hrss = await App.ClientAsync(Roles.Reviewer, "quzhou.hrss");
        var queue = await (await hrss.GetAsync("/review/tasks")).ExpectAsync(HttpStatusCode.OK, "the queue page");
        Assert.Contains($"/review/tasks/{task}/defer", queue);
        var pageHtml = await (await hrss.GetAsync($"/review/tasks/{task}/defer")).ExpectAsync(HttpStatusCode.OK, "the deferral page");
        Assert.Contains("纳税证明", WebUtility.HtmlDecode(pageHtml));
        var missing = await hrss.PostAsync($"/review/tasks/{task}/defer", new FormUrlEncodedContent(
            [new("MaterialId", Tax), new("Promise", ""), new("Until", D(until)), new("__RequestVerificationToken", Token(pageHtml))]));
        Assert.Contains("请写明申请人对“纳税证明”的书面承诺", WebUtility.HtmlDecode(await missing.ExpectAsync(HttpStatusCode.OK, "a deferral without a promise")));
        var done = await hrss.PostAsync($"/review/tasks/{task}/defer", new FormUrlEncodedContent(
            [new("MaterialId", Tax), new("Promise", "申请人书面承诺按期补交"), new("Until", D(until)), new("__RequestVerificationToken", Token(pageHtml))]));
        var donePage = WebUtility.HtmlDecode(await done.ExpectAsync(HttpStatusCode.OK, "deferring on the page (then redirected back)"));
        Assert.Contains($"承诺于 {D(until)} 前补交", donePage);
        var medical = await App.ClientAsync(Roles.Reviewer, "quzhou.medical_insurance");
        await (await medical.GetAsync($"/review/tasks/{task}/defer")).ExpectAsync(HttpStatusCode.NotFound, "another department's task page");

        var casesHtml = await (await who.Client.GetAsync("/me/cases")).ExpectAsync(HttpStatusCode.OK, "my cases page");
        var cases = WebUtility.HtmlDecode(casesHtml);
        Assert.Contains("纳税证明", cases);
        Assert.Contains($"承诺 {D(until)} 前补交", cases);
        Assert.Contains("待补交", cases);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(Tax), "materialId");
        form.Add(new StringContent(Token(casesHtml)), "__RequestVerificationToken");
        var pdf = new ByteArrayContent(Pdf());
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(pdf, "file", "纳税证明.pdf");
        var posted = await who.Client.PostAsync($"/me/cases?id={c["id"]}&handler=Supply", form);
        var afterPage = WebUtility.HtmlDecode(await posted.ExpectAsync(HttpStatusCode.OK, "supplying on the page (then redirected back)"));
        Assert.Contains("已补交", afterPage);
        var list = JsonNode.Parse(await (await who.Client.GetAsync("/api/v1/me/deferrals")).ExpectAsync(HttpStatusCode.OK, "my deferrals"))!.AsArray();
        Http.That(list.OfType<JsonObject>().Single(d => d["caseId"]!.GetValue<long>() == c["id"]!.GetValue<long>())["state"]!.GetValue<string>() == "supplied",
            "supplied through the page", list);
    }

    [Fact]
    public async Task The_talent_office_sets_and_clears_a_flag_on_the_page_and_the_holder_sees_it_on_the_record_page()
    {
        var who = await App.RegisteredTalentAsync();
        var admin = await AdminAsync();
        var record = await (await admin.GetAsync($"/staff/records/{who.SubjectId}")).ExpectAsync(HttpStatusCode.OK, "the staff record page");
        Assert.Contains($"/staff/records/{who.SubjectId}/credit", record);
        var html = await (await admin.GetAsync($"/staff/records/{who.SubjectId}/credit")).ExpectAsync(HttpStatusCode.OK, "the flag page");
        Assert.Contains("无失信标记", WebUtility.HtmlDecode(html));

        var empty = await admin.PostAsync($"/staff/records/{who.SubjectId}/credit?handler=Set", new FormUrlEncodedContent(
            [new("Reason", ""), new("__RequestVerificationToken", Token(html))]));
        Assert.Contains("设置失信标记须写明理由", WebUtility.HtmlDecode(await empty.ExpectAsync(HttpStatusCode.OK, "a flag without a reason")));
        var set = await admin.PostAsync($"/staff/records/{who.SubjectId}/credit?handler=Set", new FormUrlEncodedContent(
            [new("Reason", "补贴申领中提供不实材料（测试）"), new("__RequestVerificationToken", Token(html))]));
        var setPage = WebUtility.HtmlDecode(await set.ExpectAsync(HttpStatusCode.OK, "setting the flag on the page"));
        Assert.Contains("已设置失信标记", setPage);
        Assert.Contains("原因：补贴申领中提供不实材料（测试）", setPage);

        var listed = WebUtility.HtmlDecode(await (await admin.GetAsync("/admin/credit")).ExpectAsync(HttpStatusCode.OK, "the flagged list"));
        Assert.Contains("补贴申领中提供不实材料（测试）", listed);
        Assert.Contains($"/staff/records/{who.SubjectId}/credit", listed);

        var me = WebUtility.HtmlDecode(await (await who.Client.GetAsync("/me")).ExpectAsync(HttpStatusCode.OK, "my record page"));
        Assert.Contains("补贴申领中提供不实材料（测试）", me);

        var flaggedHtml = await (await admin.GetAsync($"/staff/records/{who.SubjectId}/credit")).ExpectAsync(HttpStatusCode.OK, "the flag page again");
        var clear = await admin.PostAsync($"/staff/records/{who.SubjectId}/credit?handler=Clear", new FormUrlEncodedContent(
            [new("Reason", "经复核撤销"), new("__RequestVerificationToken", Token(flaggedHtml))]));
        var clearPage = WebUtility.HtmlDecode(await clear.ExpectAsync(HttpStatusCode.OK, "clearing the flag on the page"));
        Assert.Contains("已解除失信标记", clearPage);
        Assert.Contains("经复核撤销", clearPage);
        me = WebUtility.HtmlDecode(await (await who.Client.GetAsync("/me")).ExpectAsync(HttpStatusCode.OK, "my record page after clearing"));
        Assert.DoesNotContain("补贴申领中提供不实材料（测试）", me);

    }
}

public sealed class DeferralScenariosOnSqlite(SqliteApp app) : DeferralScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp Host => app;
}

[Collection(PostgresCollection.Name)]
public sealed class DeferralScenariosOnPostgres(PostgresServer server) : DeferralScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;

    protected override TalentOneApp Host => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await server.AppFor(nameof(DeferralScenariosOnPostgres));

    public Task DisposeAsync() => System.Threading.Tasks.Task.CompletedTask;
}
