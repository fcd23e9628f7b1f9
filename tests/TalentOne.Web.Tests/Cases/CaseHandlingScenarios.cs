using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Data;
using TalentOne.Data.Cases;
using TalentOne.Data.Ledger;
using TalentOne.Data.Sweeps;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Cases;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Cases;

/// <summary>Withdrawal (撤回), delivery of results by post (快递送达) and the reviewer's view of a task with its
/// materials — on both databases, through the real host.</summary>
public abstract partial class CaseScenarios
{
    [Fact]
    public async Task Withdrawing_a_case_closes_the_undecided_items_keeps_the_decided_ones_and_stops_the_departments()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await SubmitAsync(who);
        var caseId = c["id"]!.GetValue<long>();
        var hrss = await ReviewerAsync(Insurance);
        var insurance = TaskOf(c, Insurance)["id"]!.GetValue<long>();
        var archive = TaskOf(c, Archive)["id"]!.GetValue<long>();
        await (await hrss.PostAsync($"/api/v1/tasks/{archive}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 人事档案转移");

        var stranger = await App.RegisteredTalentAsync();
        await (await stranger.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/withdraw", new JsonObject { ["reason"] = "x" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "withdrawing someone else's case");

        var after = await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/withdraw", new JsonObject { ["reason"] = "已找到工作，暂不创业" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "withdrawing my case");
        Assert.Equal("withdrawn", after["status"]!.GetValue<string>());
        Assert.Equal("approved", TaskOf(after, Archive)["status"]!.GetValue<string>());
        Assert.Equal("withdrawn", TaskOf(after, Insurance)["status"]!.GetValue<string>());
        Assert.Equal("withdrawn", TaskOf(after, Medical)["status"]!.GetValue<string>());
        Http.That(TaskOf(after, Insurance)["reason"]!.GetValue<string>().Contains("已找到工作"), "the withdrawn task says why", after);

        // the departments can no longer act, the queue no longer shows it, and a second withdrawal is refused
        var refused = await (await hrss.PostAsync($"/api/v1/tasks/{insurance}/approve", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "approving a withdrawn task");
        Http.That(refused["detail"]!.GetValue<string>().Contains("已撤回"), "the reviewer is told it was withdrawn", refused);
        var queue = JsonNode.Parse(await (await hrss.GetAsync("/api/v1/tasks")).ExpectAsync(HttpStatusCode.OK, "the queue"))!.AsArray();
        Assert.DoesNotContain(queue.OfType<JsonObject>(), t => t["caseId"]!.GetValue<long>() == caseId);
        await (await who.Client.PostJsonAsync($"/api/v1/me/cases/{caseId}/withdraw", new JsonObject()))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "withdrawing twice");

        // nothing deleted: the withdrawal is an event, chained in the ledger, and the applicant is told
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        Assert.Equal(3, await db.Set<CaseTask>().CountAsync(t => t.CaseId == caseId));
        Assert.Equal(1, await db.Set<CaseEvent>().CountAsync(e => e.CaseId == caseId && e.Kind == "withdrawn"));
        Assert.Equal(1, await db.Set<LedgerEntry>().CountAsync(e => e.CaseId == caseId && e.Kind == "case.withdrawn"));
        Assert.Contains(await db.Set<Notice>().Where(n => n.PolicyId == "case:" + caseId).Select(n => n.Title).ToListAsync(), t => t.Contains("撤回"));
    }

    [Fact]
    public async Task A_result_sent_by_post_shows_the_address_to_the_department_only_once_approved_and_the_tracking_number_to_the_applicant()
    {
        var who = await App.RegisteredTalentAsync();
        var request = await ApplicationAsync(who, Guid.NewGuid().ToString("N"));
        request["delivery"] = new JsonObject { ["method"] = "post", ["recipient"] = "", ["mobile"] = "123", ["address"] = "杭州" };
        var problem = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectProblemAsync(HttpStatusCode.BadRequest, "post without a usable address");
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("delivery.recipient") && errors.ContainsKey("delivery.mobile") && errors.ContainsKey("delivery.address"), problem.ToJsonString());
        request["delivery"] = new JsonObject { ["method"] = "pigeon" };
        problem = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectProblemAsync(HttpStatusCode.BadRequest, "an unknown delivery method");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("delivery.method"), problem.ToJsonString());

        request["delivery"] = new JsonObject { ["method"] = "post", ["recipient"] = "张三", ["mobile"] = "13812345678", ["address"] = "浙江省杭州市西湖区文三路 100 号 3 幢 501 室" };
        var c = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectJsonAsync(HttpStatusCode.Created, "applying with delivery by post");
        Assert.Equal("post", c["delivery"]!.GetValue<string>());
        Http.That(c["postalAddress"]!.GetValue<string>().Contains("文三路") && c["postalAddress"]!.GetValue<string>().Contains("138****5678"),
            "the applicant sees their address, the mobile masked", c);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Set<CaseFile>().AsNoTracking()
                .Where(x => x.Id == c["id"]!.GetValue<long>()).Select(x => x.FormJson).FirstAsync();
            Assert.DoesNotContain("文三路", stored);
            Assert.DoesNotContain("13812345678", stored);
        }

        var hrss = await ReviewerAsync(Insurance);
        var task = TaskOf(c, Archive)["id"]!.GetValue<long>();
        var before = await (await hrss.GetAsync($"/api/v1/tasks/{task}")).ExpectJsonAsync(HttpStatusCode.OK, "the task before approval");
        Assert.Equal("post", before["delivery"]!.GetValue<string>());
        Http.That(before["postal"] == null, "the address is not shown before the result is to be mailed", before);
        await (await hrss.PostJsonAsync($"/api/v1/tasks/{task}/mail", new JsonObject { ["carrier"] = "EMS", ["trackingNumber"] = "1187654321098" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "mailing before approval");
        await (await hrss.PostAsync($"/api/v1/tasks/{task}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving");
        var approved = await (await hrss.GetAsync($"/api/v1/tasks/{task}")).ExpectJsonAsync(HttpStatusCode.OK, "the approved task");
        Assert.Equal("13812345678", approved["postal"]!["mobile"]!.GetValue<string>());
        Assert.Contains("文三路", approved["postal"]!["address"]!.GetValue<string>());

        problem = await (await hrss.PostJsonAsync($"/api/v1/tasks/{task}/mail", new JsonObject { ["carrier"] = "", ["trackingNumber"] = "12-34" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a bad mailing");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("carrier") && problem["errors"]!.AsObject().ContainsKey("trackingNumber"), problem.ToJsonString());
        var medical = await ReviewerAsync(Medical);
        await (await medical.PostJsonAsync($"/api/v1/tasks/{task}/mail", new JsonObject { ["carrier"] = "EMS", ["trackingNumber"] = "1187654321098" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "another department mailing");
        await (await hrss.PostJsonAsync($"/api/v1/tasks/{task}/mail", new JsonObject { ["carrier"] = "EMS", ["trackingNumber"] = "1187654321098" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "recording the mailing");

        var mine = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "my case");
        var mailing = mine["mailings"]!.AsArray().OfType<JsonObject>().Single();
        Assert.Equal(task, mailing["taskId"]!.GetValue<long>());
        Assert.Equal("1187654321098", mailing["trackingNumber"]!.GetValue<string>());
        var page = await (await who.Client.GetAsync("/me/cases")).ExpectAsync(HttpStatusCode.OK, "my cases page");
        Assert.Contains("运单号 1187654321098", page);

        // a case delivered online has nothing to mail
        var online = await SubmitAsync(who);
        var onlineTask = TaskOf(online, Archive)["id"]!.GetValue<long>();
        await (await hrss.PostAsync($"/api/v1/tasks/{onlineTask}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving");
        await (await hrss.PostJsonAsync($"/api/v1/tasks/{onlineTask}/mail", new JsonObject { ["carrier"] = "EMS", ["trackingNumber"] = "1187654321099" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "mailing a result delivered online");
    }

    [Fact]
    public async Task A_reviewer_sees_the_fields_and_files_of_their_own_item_only_and_opens_the_files()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await SubmitAsync(who);
        var items = Items();
        var hrss = await ReviewerAsync(Insurance);
        var medical = await ReviewerAsync(Medical);
        var archive = TaskOf(c, Archive)["id"]!.GetValue<long>();

        var detail = await (await hrss.GetAsync($"/api/v1/tasks/{archive}")).ExpectJsonAsync(HttpStatusCode.OK, "the 人事档案转移 task");
        Http.That(detail["task"]!["step"]!["name"]!.GetValue<string>() == "受理认领" && detail["task"]!["step"]!["no"]!.GetValue<int>() == 1,
            "a queued task is in its first step (受理认领)", detail);
        var fieldIds = detail["fields"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(items.ItemById[Archive].Fields.Select(f => f.Id).ToList(), fieldIds);
        Http.That(detail["fields"]!.AsArray().Any(f => f!["id"]!.GetValue<string>() == "applicant.idNumber" && f["text"]!.GetValue<string>().Contains('*')),
            "the identity number is masked", detail);
        Http.That(detail["applicantId"]!.GetValue<string>().Contains('*') && !detail.ToJsonString().Contains(who.IdNumber), "no full ID number anywhere", detail);
        var materialIds = detail["materials"]!.AsArray().Select(m => m!["materialId"]!.GetValue<string>()).ToList();
        Assert.Equal(items.ItemById[Archive].Materials.Select(m => m.Id).ToList(), materialIds);
        var idCard = detail["materials"]!.AsArray().OfType<JsonObject>().Single(m => m["materialId"]!.GetValue<string>() == "identity_card")["given"]!.AsArray().OfType<JsonObject>().Single();
        var download = idCard["download"]!.GetValue<string>();
        var response = await hrss.GetAsync(download);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(idCard["sha256"]!.GetValue<string>(), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant());

        // another department sees neither the task nor its files; a file of the case that this item does not use is not served
        await (await medical.GetAsync($"/api/v1/tasks/{archive}")).ExpectProblemAsync(HttpStatusCode.NotFound, "another department's task");
        await (await medical.GetAsync(download)).ExpectProblemAsync(HttpStatusCode.NotFound, "another department's file");
        var insurance = await (await hrss.GetAsync($"/api/v1/tasks/{TaskOf(c, Insurance)["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the 参保登记 task");
        var contract = insurance["materials"]!.AsArray().OfType<JsonObject>().Single(m => m["materialId"]!.GetValue<string>() == "labour_contract")["given"]![0]!;
        var medicalTask = TaskOf(c, Medical)["id"]!.GetValue<long>();
        await (await medical.GetAsync($"/api/v1/tasks/{medicalTask}/materials/{contract["id"]}")).ExpectProblemAsync(HttpStatusCode.NotFound,
            "the labour contract, which 医保参保登记 does not ask for");
        var other = await SubmitAsync(who);
        await (await medical.GetAsync($"/api/v1/tasks/{TaskOf(other, Medical)["id"]}/materials/{idCard["id"]}")).ExpectProblemAsync(HttpStatusCode.NotFound,
            "a file of another case");

        // the page: fields, files and the actions
        var page = await (await hrss.GetAsync($"/review/tasks/{archive}")).ExpectAsync(HttpStatusCode.OK, "the task page");
        Assert.True(page.Contains(items.ItemById[Archive].Name), page[page.IndexOf("<main", StringComparison.Ordinal)..]);
        Assert.Contains(download, page);
        Assert.Contains("认领", page);
        Assert.Contains("当前环节：受理认领", page);
        Assert.Equal(HttpStatusCode.NotFound, (await medical.GetAsync($"/review/tasks/{archive}")).StatusCode);
    }

    private static string PageToken(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"") is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException("no antiforgery token on the page");

    [Fact]
    public async Task The_pages_record_a_mailing_and_withdraw_a_case_with_messages_in_Chinese()
    {
        var who = await App.RegisteredTalentAsync();
        var request = await ApplicationAsync(who, Guid.NewGuid().ToString("N"));
        request["delivery"] = new JsonObject { ["method"] = "post", ["recipient"] = "李四", ["mobile"] = "13912345678", ["address"] = "浙江省杭州市滨江区江南大道 1 号" };
        var c = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectJsonAsync(HttpStatusCode.Created, "applying");
        var hrss = await ReviewerAsync(Insurance);
        var archive = TaskOf(c, Archive)["id"]!.GetValue<long>();

        // the reviewer claims and approves on the task page, then records the parcel
        var html = await hrss.GetStringAsync($"/review/tasks/{archive}");
        var claimed = await hrss.PostAsync($"/review/tasks/{archive}?handler=Claim", new FormUrlEncodedContent([new("__RequestVerificationToken", PageToken(html))]));
        html = await claimed.ExpectAsync(HttpStatusCode.OK, "claiming on the page (redirected back to it)");
        Assert.Contains("已认领。", html);
        await hrss.PostAsync($"/review/tasks/{archive}?handler=Approve", new FormUrlEncodedContent([new("reason", "材料齐全"), new("__RequestVerificationToken", PageToken(html))]));
        html = await hrss.GetStringAsync($"/review/tasks/{archive}");
        Assert.Contains("江南大道", html);
        var bad = await hrss.PostAsync($"/review/tasks/{archive}?handler=Mail", new FormUrlEncodedContent(
            [new("carrier", "顺丰"), new("trackingNumber", "SF-1"), new("__RequestVerificationToken", PageToken(html))]));
        Assert.Contains("快递单号应为 8—30 位字母或数字", await bad.ExpectAsync(HttpStatusCode.OK, "a bad tracking number on the page"));
        var good = await hrss.PostAsync($"/review/tasks/{archive}?handler=Mail", new FormUrlEncodedContent(
            [new("carrier", "顺丰"), new("trackingNumber", "SF1234567890"), new("__RequestVerificationToken", PageToken(html))]));
        Assert.Contains("顺丰 运单号 SF1234567890", await good.ExpectAsync(HttpStatusCode.OK, "recording the parcel"));

        // the applicant withdraws on 我的办件: without ticking the confirmation nothing happens
        var mine = await who.Client.GetStringAsync("/me/cases");
        Assert.Contains("顺丰 运单号 SF1234567890", mine);
        var unconfirmed = await who.Client.PostAsync($"/me/cases?handler=Withdraw&id={c["id"]}", new FormUrlEncodedContent(
            [new("reason", "不需要了"), new("__RequestVerificationToken", PageToken(mine))]));
        Assert.Contains("请勾选“我确认撤回”", await unconfirmed.ExpectAsync(HttpStatusCode.OK, "withdrawing without confirming"));
        var withdrawn = await who.Client.PostAsync($"/me/cases?handler=Withdraw&id={c["id"]}", new FormUrlEncodedContent(
            [new("reason", "不需要了"), new("confirm", "yes"), new("__RequestVerificationToken", PageToken(mine))]));
        Assert.Contains($"案件 {c["id"]} 已撤回", await withdrawn.ExpectAsync(HttpStatusCode.OK, "withdrawing on the page"));
        var after = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case after");
        Assert.Equal("withdrawn", after["status"]!.GetValue<string>());
        Assert.Equal("approved", TaskOf(after, Archive)["status"]!.GetValue<string>());
    }
}

/// <summary>A crash in the middle of submission or routing, simulated by the database refusing the ledger entry of a
/// routing step (the last write of the transaction): nothing of the change may remain — no case, no half-released
/// dependant, no notice, no outbox row, no ledger entry — and the same request succeeds once the fault is gone.</summary>
public abstract partial class CaseScenarios
{
    private async Task FaultAsync(bool on)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        var sqlite = App.ProviderName == "SQLite";
        string[] sql = (on, sqlite) switch
        {
            (true, true) => ["CREATE TRIGGER crash_on_queue BEFORE INSERT ON ledger_entries WHEN NEW.\"Kind\" = 'case.queued' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END"],
            (false, true) => ["DROP TRIGGER crash_on_queue"],
            (true, false) =>
            [
                "CREATE FUNCTION crash_on_queue() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER crash_on_queue BEFORE INSERT ON ledger_entries FOR EACH ROW WHEN (NEW.\"Kind\" = 'case.queued') EXECUTE FUNCTION crash_on_queue()",
            ],
            (false, false) => ["DROP TRIGGER crash_on_queue ON ledger_entries", "DROP FUNCTION crash_on_queue()"],
        };
        foreach (var s in sql) await db.Database.ExecuteSqlRawAsync(s);
    }

    private async Task<(int Cases, int Tasks, int Materials, int Events, int Notices, int Outbox, int Ledger)> CountsAsync(long subjectId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        var cases = await db.Set<CaseFile>().Where(c => c.SubjectId == subjectId).Select(c => c.Id).ToListAsync();
        var notices = await db.Set<Notice>().Where(n => n.SubjectId == subjectId).Select(n => n.Id).ToListAsync();
        return (cases.Count, await db.Set<CaseTask>().CountAsync(t => cases.Contains(t.CaseId)), await db.Set<CaseMaterial>().CountAsync(m => cases.Contains(m.CaseId)),
            await db.Set<CaseEvent>().CountAsync(e => cases.Contains(e.CaseId)), notices.Count,
            await db.Set<OutboxMessage>().CountAsync(o => notices.Contains(o.NoticeId)), await db.Set<LedgerEntry>().CountAsync());
    }

    [Fact]
    public async Task A_crash_while_submitting_or_releasing_a_dependant_leaves_nothing_half_done_and_the_retry_succeeds()
    {
        var who = await App.RegisteredTalentAsync();
        var request = await ApplicationAsync(who, Guid.NewGuid().ToString("N"));
        var before = await CountsAsync(who.SubjectId);

        await FaultAsync(on: true);
        try
        {
            await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectProblemAsync(HttpStatusCode.InternalServerError, "submitting while the database fails");
            Assert.Equal(before, await CountsAsync(who.SubjectId));
        }
        finally { await FaultAsync(on: false); }

        // the retry with the same client key makes the case, whole
        var c = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectJsonAsync(HttpStatusCode.Created, "the retry");
        var hrss = await ReviewerAsync(Insurance);
        var insurance = TaskOf(c, Insurance)["id"]!.GetValue<long>();
        var submitted = await CountsAsync(who.SubjectId);

        // routing: approving 参保登记 releases 医保参保登记 — a crash there undoes the approval as well
        await FaultAsync(on: true);
        try
        {
            await (await hrss.PostAsync($"/api/v1/tasks/{insurance}/approve", null)).ExpectProblemAsync(HttpStatusCode.InternalServerError, "approving while the database fails");
            Assert.Equal(submitted, await CountsAsync(who.SubjectId));
            var mine = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case after the crash");
            Assert.Equal("queued", TaskOf(mine, Insurance)["status"]!.GetValue<string>());
            Assert.Equal("waiting", TaskOf(mine, Medical)["status"]!.GetValue<string>());
        }
        finally { await FaultAsync(on: false); }

        await (await hrss.PostAsync($"/api/v1/tasks/{insurance}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving again");
        var after = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case after the retry");
        Assert.Equal("queued", TaskOf(after, Medical)["status"]!.GetValue<string>());
        await using var scope = App.Services.CreateAsyncScope();
        var verification = await scope.ServiceProvider.GetRequiredService<TalentOne.Registry.Ledger.LedgerVerifier>().VerifyAsync(null, default);
        Assert.True(verification.Ok, verification.ToString());
    }
}

/// <summary>Extension of the limit (延长办理期限) on chosen days.</summary>
public abstract partial class CaseScenarios
{
    /// <summary>人事档案转移 (5 working days) accepted Wednesday 2021-09-29 is due 2021-10-12; extended by 3 working days on
    /// 2021-10-11 it is due Friday 2021-10-15 (13, 14, 15 Oct). At most the limit itself in all: 2 more are refused.</summary>
    [Fact]
    public async Task Extending_the_limit_moves_the_due_date_by_working_days_says_why_and_is_capped_by_the_limit()
    {
        var who = await App.RegisteredTalentAsync();
        var request = await ApplicationAsync(who, Guid.NewGuid().ToString("N"));
        var items = Items();
        var calendar = await CalendarAsync();
        await using var scope = App.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<CaseService>();
        CaseContext On(DateOnly d) => new(items, calendar, d);
        var submitted = await service.SubmitAsync(who.SubjectId, "test", new CaseSubmission(Bundle, Chosen, request["values"]!.AsObject(),
            request["materials"]!.AsObject(), request["clientKey"]!.GetValue<string>()), On(new DateOnly(2021, 9, 29)), default);
        var archive = submitted.Case.Tasks.Single(t => t.ItemId == Archive);
        var actor = new CaseActor("reviewer", archive.DepartmentId);
        var monday = On(new DateOnly(2021, 10, 11));
        Assert.Equal(DeadlineStatus.Yellow, service.View(archive, monday).Deadline!.Status);

        var other = new CaseActor("reviewer", "hangzhou.medical_insurance");
        var e = await Assert.ThrowsAsync<TalentOne.Registry.Records.RegistryException>(() => service.ExtendAsync(archive.Id, other, 3, "需要专家评审", monday, default));
        Assert.Equal(404, e.Status);
        e = await Assert.ThrowsAsync<TalentOne.Registry.Records.RegistryException>(() => service.ExtendAsync(archive.Id, actor, 3, " ", monday, default));
        Assert.Contains(e.Errors, x => x.Field == "reason");

        var extended = await service.ExtendAsync(archive.Id, actor, 3, "需要专家评审", monday, default);
        var state = service.View(extended, monday).Deadline!;
        Assert.Equal(new DateOnly(2021, 10, 15), state.Due);
        Assert.Equal(DeadlineStatus.Normal, state.Status);
        Assert.Contains(state.Explanation, l => l.Contains("延长办理期限 3 个工作日（需要专家评审）", StringComparison.Ordinal));

        e = await Assert.ThrowsAsync<TalentOne.Registry.Records.RegistryException>(() => service.ExtendAsync(archive.Id, actor, 3, "再延长", monday, default));
        Assert.Contains(e.Errors, x => x.Field == "workingDays" && x.Message.Contains("最多还能延长 2 个工作日", StringComparison.Ordinal));

        // the applicant is told the new due date; the record keeps the old one and why
        var view = await service.CaseAsync(who.SubjectId, submitted.Case.Id, monday, default);
        var detail = JsonNode.Parse(view!.Events.Single(x => x.Kind == "extended").DetailJson)!;
        Assert.Equal("2021-10-12", detail["dueBefore"]!.GetValue<string>());
        Assert.Equal("2021-10-15", detail["due"]!.GetValue<string>());
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        var notice = await db.Set<Notice>().Where(n => n.PolicyId == "case:" + submitted.Case.Id && n.Title.Contains("延长")).SingleAsync();
        Assert.Contains("2021-10-15", notice.Body);
    }
}
