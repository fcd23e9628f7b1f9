using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Data;
using TalentOne.Data.Cases;
using TalentOne.Data.Sweeps;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Cases;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Cases;

/// <summary>一件事 cases through the real host, on SQLite and on PostgreSQL. The bundle is Hangzhou's graduate
/// start-up bundle (seed 002): 参保登记 and 人事档案转移 are independent (并联, both at the 人力社保局), 医保参保登记 needs the
/// result of 参保登记 (串联, at the 医保局). Item names, departments and limits are read from the item catalog.</summary>
public abstract partial class CaseScenarios
{
    private const string Bundle = "hangzhou.graduate_startup";
    private const string Insurance = "hz.grad.insurance_registration";
    private const string Archive = "hz.grad.archive_transfer";
    private const string Medical = "hz.grad.medical_insurance";
    private static readonly string[] Chosen = [Insurance, Archive, Medical];

    private TalentOneApp? _ready;

    /// <summary>The host with every policy file of the repository (the items pay out Hangzhou policies; the test
    /// catalog copy holds only Quzhou's), copied before the host first starts.</summary>
    protected TalentOneApp App
    {
        get
        {
            if (_ready != null) return _ready;
            var app = Host;
            TestCatalog.AddAllPolicies(app.CatalogRoot);
            File.WriteAllText(Path.Combine(app.CatalogRoot, ItemCatalog.ItemsFolder, "test-diamond.yaml"), DiamondItems);
            File.WriteAllText(Path.Combine(app.CatalogRoot, ItemCatalog.BundlesFolder, "test-diamond.yaml"), DiamondBundle);
            return _ready = app;
        }
    }

    protected abstract TalentOneApp Host { get; }

    /// <summary>A diamond of test items (not in the shipped catalog): B and C need A, D needs B and C.</summary>
    private const string DiamondItems = """
        document: 测试用事项（菱形依赖）
        items:
          - id: dm.a
            name: 甲事项
            city: quzhou
            department: hrss
            limit_working_days: 3
            source: {quote: 测试}
            materials:
              - {id: identity_card, core: true}
            fields:
              - {id: applicant.name, label: 姓名, type: text, required: true, max_length: 30}
          - id: dm.b
            name: 乙事项
            city: quzhou
            department: medical_insurance
            limit_working_days: 5
            prerequisites: [dm.a]
            source: {quote: 测试}
            materials:
              - {id: "result:dm.a"}
          - id: dm.c
            name: 丙事项
            city: quzhou
            department: hrss
            limit_working_days: 2
            prerequisites: [dm.a]
            source: {quote: 测试}
            materials:
              - {id: "result:dm.a"}
          - id: dm.d
            name: 丁事项
            city: quzhou
            department: hrss
            limit_working_days: 4
            prerequisites: [dm.b, dm.c]
            source: {quote: 测试}
            materials:
              - {id: "result:dm.b"}
              - {id: "result:dm.c"}
        """;

    private const string DiamondBundle = """
        document: 测试用一件事
        bundles:
          - id: test.diamond
            name: 菱形测试一件事
            city: quzhou
            source: {quote: 测试}
            items: [dm.a, dm.b, dm.c, dm.d]
        """;

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

    private static DateOnly ChinaToday() => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.4\n% test " + Guid.NewGuid() + "\n%%EOF\n");

    private static byte[] Png() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Guid.NewGuid().ToByteArray()];

    private static async Task<long> UploadAsync(HttpClient client, string materialId, IReadOnlyList<string> accept)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(materialId), "materialId");
        var pdf = accept.Count == 0 || accept.Contains("pdf");
        var file = new ByteArrayContent(pdf ? Pdf() : Png());
        file.Headers.ContentType = new MediaTypeHeaderValue(pdf ? "application/pdf" : "image/png");
        form.Add(file, "file", pdf ? "scan.pdf" : "photo.png");
        var kept = await (await client.PostAsync("/api/v1/me/materials", form)).ExpectJsonAsync(HttpStatusCode.Created, $"uploading {materialId}");
        return kept["fileId"]!.GetValue<long>();
    }

    /// <summary>A complete application: every field of the combined form filled as its type asks, every core material
    /// uploaded (a material that may be promised instead is promised).</summary>
    private async Task<JsonObject> ApplicationAsync(TestAccounts.Registered who, string clientKey, bool uploadAll = true)
    {
        var plan = await (await who.Client.PostJsonAsync($"/api/v1/bundles/{Bundle}/plan", new JsonObject { ["items"] = new JsonArray(Chosen.Select(i => (JsonNode)i).ToArray()) }))
            .ExpectJsonAsync(HttpStatusCode.OK, "planning the chosen items");
        var values = new JsonObject();
        foreach (var f in plan["fields"]!.AsArray().OfType<JsonObject>())
        {
            var id = f["id"]!.GetValue<string>();
            values[id] = f["type"]!.GetValue<string>() switch
            {
                "enum" => (JsonNode)JsonValue.Create(f["options"]![0]!["code"]!.GetValue<string>()),
                "date" => JsonValue.Create("2019-06-30"),
                "number" => JsonValue.Create(f["min"]?.GetValue<double>() ?? 1),
                "bool" => JsonValue.Create(true),
                _ => JsonValue.Create(id.EndsWith("idNumber", StringComparison.Ordinal) ? who.IdNumber : id.EndsWith("mobile", StringComparison.Ordinal) ? who.Mobile : "测试填写"),
            };
        }
        var materials = new JsonObject();
        foreach (var m in plan["materials"]!.AsArray().OfType<JsonObject>().Where(m => m["required"]!.GetValue<bool>()))
        {
            var id = m["id"]!.GetValue<string>();
            if (m["waivableByCommitment"]!.GetValue<bool>()) materials[id] = new JsonObject { ["commitment"] = "本人承诺所填信息真实，如有不实愿承担责任" };
            else if (uploadAll) materials[id] = await UploadAsync(who.Client, id, m["accept"]!.AsArray().Select(a => a!.GetValue<string>()).ToList());
        }
        return new JsonObject
        {
            ["bundleId"] = Bundle, ["items"] = new JsonArray(Chosen.Select(i => (JsonNode)i).ToArray()),
            ["values"] = values, ["materials"] = materials, ["clientKey"] = clientKey,
        };
    }

    private static JsonObject TaskOf(JsonObject c, string itemId) =>
        c["tasks"]!.AsArray().OfType<JsonObject>().FirstOrDefault(t => t["itemId"]!.GetValue<string>() == itemId)
        ?? throw new XunitException($"no task for {itemId}");

    private async Task<HttpClient> ReviewerAsync(string itemId) => await App.ClientAsync(Roles.Reviewer, Items().ItemById[itemId].DepartmentId);

    private async Task<JsonObject> SubmitAsync(TestAccounts.Registered who)
    {
        var request = await ApplicationAsync(who, Guid.NewGuid().ToString("N"));
        return await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectJsonAsync(HttpStatusCode.Created, "applying once");
    }

    [Fact]
    public async Task Applying_once_sends_the_independent_items_to_their_departments_at_once_and_the_dependent_one_after_its_prerequisite()
    {
        var who = await App.RegisteredTalentAsync();
        var items = Items();
        var calendar = await CalendarAsync();
        var today = ChinaToday();
        var c = await SubmitAsync(who);
        Http.That(c["status"]!.GetValue<string>() == "open", "a new case is open", c);

        foreach (var id in new[] { Insurance, Archive })
        {
            var t = TaskOf(c, id);
            Http.That(t["status"]!.GetValue<string>() == "queued" && t["departmentId"]!.GetValue<string>() == items.ItemById[id].DepartmentId,
                $"{id} has no prerequisite: it reaches {items.ItemById[id].DepartmentId} at once", c);
            Http.That(t["due"]!.GetValue<string>() == calendar.AddWorkingDays(today, items.ItemById[id].LimitWorkingDays).ToString("yyyy-MM-dd"),
                $"{id} is due its limit in working days after today, by the calendar", t);
        }
        Http.That(TaskOf(c, Medical)["status"]!.GetValue<string>() == "waiting" && TaskOf(c, Medical)["due"] == null,
            "医保参保登记 waits for 参保登记 and has no clock yet", c);

        // the acceptance notice is in the outbox (SMS and in-app), written with the case
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
            var caseId = c["id"]!.GetValue<long>();
            var notices = await db.Set<Notice>().Where(n => n.SubjectId == who.SubjectId && n.PolicyId == "case:" + caseId).ToListAsync();
            Assert.Single(notices);
            Assert.Contains("已受理", notices[0].Title);
            var channels = await db.Set<OutboxMessage>().Where(o => o.NoticeId == notices[0].Id).Select(o => o.Channel).OrderBy(x => x).ToListAsync();
            Assert.Equal(new[] { "inapp", "sms" }, channels);
            // the identity number typed into the form is checked against the record and kept only masked
            var form = await db.Set<CaseFile>().AsNoTracking().Where(x => x.Id == caseId).Select(x => x.FormJson).FirstAsync();
            Assert.DoesNotContain(who.IdNumber, form);
            Assert.DoesNotContain(who.IdNumber[..17], form);
            // the application is stored encrypted (it holds names, school, bank account…); opened with the key it has them
            Assert.DoesNotContain("测试填写", form);
            var (values, _) = CaseApplication.Open(scope.ServiceProvider.GetRequiredService<TalentOne.Registry.Records.PersonalDataProtector>(), form);
            Assert.Equal("测试填写", values["applicant.name"]!.GetValue<string>());
            Assert.Contains("*", values["applicant.idNumber"]!.GetValue<string>());
        }

        var hrss = await ReviewerAsync(Insurance);
        var medical = await ReviewerAsync(Medical);
        var queue = (await hrss.GetAsync("/api/v1/tasks")).ExpectAsync(HttpStatusCode.OK, "the 人力社保局 queue");
        var queued = JsonNode.Parse(await queue)!.AsArray().OfType<JsonObject>().Where(t => t["caseId"]!.GetValue<long>() == c["id"]!.GetValue<long>()).Select(t => t["itemId"]!.GetValue<string>()).ToList();
        Assert.Equal(new[] { Archive, Insurance }, queued.Order(StringComparer.Ordinal));
        var medicalQueue = JsonNode.Parse(await (await medical.GetAsync("/api/v1/tasks")).ExpectAsync(HttpStatusCode.OK, "the 医保局 queue"))!.AsArray();
        Assert.DoesNotContain(medicalQueue.OfType<JsonObject>(), t => t["caseId"]!.GetValue<long>() == c["id"]!.GetValue<long>());

        // another department's task does not exist for its reviewers
        var insuranceTask = TaskOf(c, Insurance)["id"]!.GetValue<long>();
        await (await medical.PostAsync($"/api/v1/tasks/{insuranceTask}/claim", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "a 医保局 reviewer claiming a 人社 task");

        await (await hrss.PostAsync($"/api/v1/tasks/{insuranceTask}/claim", null)).ExpectJsonAsync(HttpStatusCode.OK, "claiming 参保登记");
        await (await hrss.PostAsync($"/api/v1/tasks/{insuranceTask}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 参保登记");
        await (await hrss.PostJsonAsync($"/api/v1/tasks/{insuranceTask}/reject", new JsonObject { ["reason"] = "晚了" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "rejecting an approved task");

        var after = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case after 参保登记");
        var released = TaskOf(after, Medical);
        Http.That(released["status"]!.GetValue<string>() == "queued" && released["acceptedOn"]!.GetValue<string>() == today.ToString("yyyy-MM-dd"),
            "approving the prerequisite releases 医保参保登记 to its department today", after);
        Http.That(after["materials"]!.AsArray().OfType<JsonObject>().Any(m => m["materialId"]!.GetValue<string>() == "result:" + Insurance
            && m["resultOfTaskId"]!.GetValue<long>() == insuranceTask), "the result of 参保登记 is attached as its material", after);
        Http.That(after["events"]!.AsArray().OfType<JsonObject>().Select(e => e["kind"]!.GetValue<string>()).SequenceEqual(
            new[] { "submitted", "queued", "queued", "claimed", "approved", "queued" }), "the history lists every step in order", after);

        var medicalTask = released["id"]!.GetValue<long>();
        await (await medical.PostAsync($"/api/v1/tasks/{medicalTask}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 医保参保登记");
        await (await hrss.PostAsync($"/api/v1/tasks/{TaskOf(c, Archive)["id"]}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 人事档案转移");
        var done = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the finished case");
        Http.That(done["status"]!.GetValue<string>() == "completed", "every item approved: the case is completed", done);

        // 上链: every step of the case is on the ledger, in order, under the case and the applicant, and the chain verifies
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var caseId = c["id"]!.GetValue<long>();
            var chained = await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Set<TalentOne.Data.Ledger.LedgerEntry>().AsNoTracking()
                .Where(e => e.CaseId == caseId).OrderBy(e => e.Seq).ToListAsync();
            Assert.Equal(done["events"]!.AsArray().OfType<JsonObject>().Select(e => "case." + e["kind"]!.GetValue<string>()), chained.Select(e => e.Kind));
            Assert.All(chained, e => Assert.Equal(who.SubjectId, e.SubjectId));
            var verification = await scope.ServiceProvider.GetRequiredService<TalentOne.Registry.Ledger.LedgerVerifier>().VerifyAsync(null, default);
            Assert.True(verification.Ok, verification.ToString());
        }
    }

    [Fact]
    public async Task A_rejected_prerequisite_cancels_its_dependants_with_the_reason_and_the_case_ends_partly_rejected()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await SubmitAsync(who);
        var hrss = await ReviewerAsync(Insurance);
        var insuranceTask = TaskOf(c, Insurance)["id"]!.GetValue<long>();
        var noReason = await (await hrss.PostAsync($"/api/v1/tasks/{insuranceTask}/reject", null)).ExpectProblemAsync(HttpStatusCode.BadRequest, "rejecting without a reason");
        Http.That(noReason["errors"]?["reason"] != null, "the reason is named as missing", noReason);
        await (await hrss.PostJsonAsync($"/api/v1/tasks/{insuranceTask}/reject", new JsonObject { ["reason"] = "用人单位未办理参保" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "rejecting 参保登记");

        var after = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case after the rejection");
        var medical = TaskOf(after, Medical);
        Http.That(medical["status"]!.GetValue<string>() == "cancelled"
            && medical["reason"]!.GetValue<string>() == $"前置事项《{Items().ItemById[Insurance].Name}》未通过：用人单位未办理参保",
            "the dependant is cancelled with the prerequisite's name and reason", after);
        Http.That(TaskOf(after, Archive)["status"]!.GetValue<string>() == "queued" && after["status"]!.GetValue<string>() == "open",
            "the independent item goes on", after);

        await (await hrss.PostAsync($"/api/v1/tasks/{TaskOf(c, Archive)["id"]}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 人事档案转移");
        var done = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the closed case");
        Http.That(done["status"]!.GetValue<string>() == "partly_rejected", "nothing left open, something refused: partly rejected", done);
    }

    [Fact]
    public async Task The_same_client_key_twice_makes_one_case()
    {
        var who = await App.RegisteredTalentAsync();
        var request = await ApplicationAsync(who, "key-" + Guid.NewGuid().ToString("N")[..8]);
        var first = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectJsonAsync(HttpStatusCode.Created, "the first submission");
        var again = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectJsonAsync(HttpStatusCode.OK, "the same submission again");
        Assert.Equal(first["id"]!.GetValue<long>(), again["id"]!.GetValue<long>());
        var mine = JsonNode.Parse(await (await who.Client.GetAsync("/api/v1/me/cases")).ExpectAsync(HttpStatusCode.OK, "my cases"))!.AsArray();
        Assert.Single(mine);
    }

    [Fact]
    public async Task Materials_uploaded_once_are_reused_by_the_next_case()
    {
        var who = await App.RegisteredTalentAsync();
        await SubmitAsync(who);
        var vault = JsonNode.Parse(await (await who.Client.GetAsync("/api/v1/me/materials")).ExpectAsync(HttpStatusCode.OK, "my materials"))!.AsArray();
        Http.That(vault.OfType<JsonObject>().Any(v => v["materialId"]!.GetValue<string>() == "identity_card" && v["sha256"]!.GetValue<string>().Length == 64),
            "the vault lists the identity card with its hash", vault);
        var second = await ApplicationAsync(who, Guid.NewGuid().ToString("N"), uploadAll: false);
        var c = await (await who.Client.PostJsonAsync("/api/v1/cases", second)).ExpectJsonAsync(HttpStatusCode.Created, "applying again without uploading");
        Http.That(c["materials"]!.AsArray().OfType<JsonObject>().Any(m => m["materialId"]!.GetValue<string>() == "identity_card" && m["fileId"] != null),
            "the identity card uploaded before is used again (once-only)", c);
    }

    [Fact]
    public async Task A_missing_core_material_or_required_field_is_named_and_nothing_is_stored()
    {
        var who = await App.RegisteredTalentAsync();
        var request = await ApplicationAsync(who, Guid.NewGuid().ToString("N"), uploadAll: false);
        request["values"]!.AsObject().Remove("applicant.name");
        var problem = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectProblemAsync(HttpStatusCode.BadRequest, "an incomplete application");
        var errors = problem["errors"]!.AsObject();
        Http.That(errors["applicant.name"]![0]!.GetValue<string>().Contains("姓名"), "the missing field is named", problem);
        Http.That(errors["materials.identity_card"]![0]!.GetValue<string>().Contains("居民身份证"), "the missing core material is named", problem);

        request["materials"]!.AsObject()["identity_card"] = new JsonObject { ["deferred"] = "后补", ["until"] = ChinaToday().AddDays(2).ToString("yyyy-MM-dd") };
        problem = await (await who.Client.PostJsonAsync("/api/v1/cases", request)).ExpectProblemAsync(HttpStatusCode.BadRequest, "deferring a core material");
        Http.That(problem["errors"]!["materials.identity_card"]![0]!.GetValue<string>().Contains("不能容缺"), "a core material cannot be deferred (容缺)", problem);

        var mine = JsonNode.Parse(await (await who.Client.GetAsync("/api/v1/me/cases")).ExpectAsync(HttpStatusCode.OK, "my cases"))!.AsArray();
        Assert.Empty(mine);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        Assert.False(await db.Set<Notice>().AnyAsync(n => n.SubjectId == who.SubjectId), "a refused application sends no notice");
        Assert.False(await db.Set<CaseFile>().AnyAsync(c => c.SubjectId == who.SubjectId), "a refused application stores no case");
    }

    [Fact]
    public async Task A_material_file_is_checked_by_its_bytes_and_its_material()
    {
        var who = await App.RegisteredTalentAsync();
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new StringContent("identity_card"), "materialId");
            var exe = new ByteArrayContent([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00]);
            exe.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(exe, "file", "id.pdf");
            var problem = await (await who.Client.PostAsync("/api/v1/me/materials", form)).ExpectProblemAsync(HttpStatusCode.BadRequest, "a renamed executable");
            Http.That(problem["errors"]!["file"]![0]!.GetValue<string>().Contains("不是可接受的格式"), "the file is refused by what its bytes are", problem);
        }
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new StringContent("no_such_material"), "materialId");
            form.Add(new ByteArrayContent(Pdf()), "file", "x.pdf");
            var problem = await (await who.Client.PostAsync("/api/v1/me/materials", form)).ExpectProblemAsync(HttpStatusCode.BadRequest, "an unknown material");
            Http.That(problem["errors"]!["materialId"] != null, "the unknown material id is named", problem);
        }
        var first = await UploadAsync(who.Client, "identity_card", ["pdf"]);
        var vault = JsonNode.Parse(await (await who.Client.GetAsync("/api/v1/me/materials")).ExpectAsync(HttpStatusCode.OK, "my materials"))!.AsArray();
        Assert.Single(vault);
        Assert.Equal(first, vault[0]!["fileId"]!.GetValue<long>());
    }

    [Fact]
    public async Task Two_reviewers_of_the_department_claiming_at_once_one_wins_the_other_is_told()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await SubmitAsync(who);
        var a = await ReviewerAsync(Archive);
        var b = await ReviewerAsync(Archive);
        var task = TaskOf(c, Archive)["id"]!.GetValue<long>();
        var answers = await System.Threading.Tasks.Task.WhenAll(a.PostAsync($"/api/v1/tasks/{task}/claim", null), b.PostAsync($"/api/v1/tasks/{task}/claim", null));
        var codes = answers.Select(r => r.StatusCode).OrderBy(s => s).ToList();
        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }, codes);
        var lost = await answers.Single(r => r.StatusCode == HttpStatusCode.Conflict).ExpectProblemAsync(HttpStatusCode.Conflict, "the losing claim");
        Http.That(lost["detail"]!.GetValue<string>().Contains(CaseService.ConflictMessage), "the loser is told someone else handled it", lost);
    }

    private async Task<JsonObject> DiamondCaseAsync(TestAccounts.Registered who)
    {
        var file = await UploadAsync(who.Client, "identity_card", ["pdf"]);
        return await (await who.Client.PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["bundleId"] = "test.diamond", ["items"] = new JsonArray("dm.d"), ["values"] = new JsonObject { ["applicant.name"] = "张三" },
            ["materials"] = new JsonObject { ["identity_card"] = file }, ["clientKey"] = Guid.NewGuid().ToString("N"),
        })).ExpectJsonAsync(HttpStatusCode.Created, "applying for 丁事项 (its prerequisites are added)");
    }

    private static string[] States(JsonObject c) => new[] { "dm.a", "dm.b", "dm.c", "dm.d" }.Select(i => TaskOf(c, i)["status"]!.GetValue<string>()).ToArray();

    [Fact]
    public async Task In_a_diamond_the_last_item_waits_for_both_of_its_prerequisites_and_receives_both_results()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await DiamondCaseAsync(who);
        Assert.Equal(new[] { "queued", "waiting", "waiting", "waiting" }, States(c));
        var hrss = await App.ClientAsync(Roles.Reviewer, "quzhou.hrss");
        var medical = await App.ClientAsync(Roles.Reviewer, "quzhou.medical_insurance");
        async Task<JsonObject> Now() => await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case");

        await (await hrss.PostAsync($"/api/v1/tasks/{TaskOf(c, "dm.a")["id"]}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 甲");
        Assert.Equal(new[] { "approved", "queued", "queued", "waiting" }, States(await Now()));
        await (await hrss.PostAsync($"/api/v1/tasks/{TaskOf(c, "dm.c")["id"]}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 丙");
        Assert.Equal(new[] { "approved", "queued", "approved", "waiting" }, States(await Now()));
        await (await medical.PostAsync($"/api/v1/tasks/{TaskOf(c, "dm.b")["id"]}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 乙");
        var after = await Now();
        Assert.Equal(new[] { "approved", "approved", "approved", "queued" }, States(after));
        var results = after["materials"]!.AsArray().OfType<JsonObject>().Select(m => m["materialId"]!.GetValue<string>()).Where(m => m.StartsWith("result:")).ToList();
        Assert.Equal(new[] { "result:dm.a", "result:dm.a", "result:dm.b", "result:dm.c" }, results.Order(StringComparer.Ordinal));

        await (await hrss.PostJsonAsync($"/api/v1/tasks/{TaskOf(c, "dm.d")["id"]}/reject", new JsonObject { ["reason"] = "材料不符" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "rejecting 丁");
        Assert.Equal("partly_rejected", (await Now())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Two_departments_approving_both_prerequisites_at_the_same_moment_still_release_the_common_dependant()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await DiamondCaseAsync(who);
        var hrss = await App.ClientAsync(Roles.Reviewer, "quzhou.hrss");
        var medical = await App.ClientAsync(Roles.Reviewer, "quzhou.medical_insurance");
        await (await hrss.PostAsync($"/api/v1/tasks/{TaskOf(c, "dm.a")["id"]}/approve", null)).ExpectJsonAsync(HttpStatusCode.OK, "approving 甲");
        var answers = await System.Threading.Tasks.Task.WhenAll(
            medical.PostAsync($"/api/v1/tasks/{TaskOf(c, "dm.b")["id"]}/approve", null),
            hrss.PostAsync($"/api/v1/tasks/{TaskOf(c, "dm.c")["id"]}/approve", null));
        foreach (var a in answers) await a.ExpectJsonAsync(HttpStatusCode.OK, "approving 乙 and 丙 at once (different tasks do not conflict)");
        var after = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case");
        Assert.Equal(new[] { "approved", "approved", "approved", "queued" }, States(after));
    }

    [Fact]
    public async Task The_applicant_and_the_department_see_the_case_on_their_pages()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await DiamondCaseAsync(who);
        var mine = WebUtility.HtmlDecode(await (await who.Client.GetAsync("/me/cases")).ExpectAsync(HttpStatusCode.OK, "the applicant's cases page"));
        Assert.Contains("菱形测试一件事", mine);
        Assert.Contains("等待前置事项", mine);
        var hrss = await App.ClientAsync(Roles.Reviewer, "quzhou.hrss");
        var queue = WebUtility.HtmlDecode(await (await hrss.GetAsync("/review/tasks")).ExpectAsync(HttpStatusCode.OK, "the department's task page"));
        Assert.Contains($"<td>{c["id"]}</td>", queue);
        Assert.Contains("甲事项", queue);
    }

    [Fact]
    public async Task Rejecting_the_first_item_of_a_diamond_cancels_everything_after_it()
    {
        var who = await App.RegisteredTalentAsync();
        var c = await DiamondCaseAsync(who);
        var hrss = await App.ClientAsync(Roles.Reviewer, "quzhou.hrss");
        await (await hrss.PostJsonAsync($"/api/v1/tasks/{TaskOf(c, "dm.a")["id"]}/reject", new JsonObject { ["reason"] = "身份证已过期" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "rejecting 甲");
        var after = await (await who.Client.GetAsync($"/api/v1/me/cases/{c["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "the case");
        Assert.Equal(new[] { "rejected", "cancelled", "cancelled", "cancelled" }, States(after));
        Http.That(TaskOf(after, "dm.d")["reason"]!.GetValue<string>() == "前置事项《甲事项》未通过：身份证已过期",
            "the transitive dependant carries the first item's reason", after);
        Assert.Equal("partly_rejected", after["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_department_queue_puts_overdue_tasks_first_then_the_nearly_due()
    {
        var who = await App.RegisteredTalentAsync();
        var request = await ApplicationAsync(who, Guid.NewGuid().ToString("N"));
        var items = Items();
        var calendar = await CalendarAsync();
        await using var scope = App.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<CaseService>();
        CaseContext On(DateOnly d) => new(items, calendar, d);
        var submission = new CaseSubmission(Bundle, Chosen, request["values"]!.AsObject(), request["materials"]!.AsObject(), "");
        // accepted Monday 2021-11-01 (due 11-04 and 11-08), Friday 11-05 (due 11-10 and 11-12), Monday 11-08 (due 11-11 and 11-15)
        var cases = new List<long>();
        foreach (var day in new[] { new DateOnly(2021, 11, 8), new DateOnly(2021, 11, 1), new DateOnly(2021, 11, 5) })
            cases.Add((await service.SubmitAsync(who.SubjectId, "test", submission with { ClientKey = Guid.NewGuid().ToString("N") }, On(day), default)).Case.Id);
        var queue = (await service.QueueAsync(items.ItemById[Archive].DepartmentId, On(new DateOnly(2021, 11, 9)), default))
            .Where(v => cases.Contains(v.Task.CaseId)).ToList();
        Assert.Equal(6, queue.Count);
        var cards = queue.Select(v => v.Deadline!.Status).ToList();
        Assert.Equal(new[] { DeadlineStatus.Red, DeadlineStatus.Red, DeadlineStatus.Yellow, DeadlineStatus.Normal, DeadlineStatus.Normal, DeadlineStatus.Normal }, cards);
        var dues = queue.Select(v => v.Deadline!.Due!.Value).ToList();
        Assert.Equal(new[] { new DateOnly(2021, 11, 4), new DateOnly(2021, 11, 8), new DateOnly(2021, 11, 10) }, dues.Take(3));
        Assert.Equal(dues.Skip(3).Order(), dues.Skip(3));
    }

    /// <summary>Dates through the service, on chosen days: 5 working days from Wednesday 2021-09-29 fall due on
    /// 2021-10-12 (National Day holiday, 2021-10-09 an adjusted working day); a return for supplement on Wednesday
    /// 2021-11-03 and a resubmission on Friday 2021-11-05 move a due date of 2021-11-08 by three working days.</summary>
    [Fact]
    public async Task Due_dates_follow_the_calendar_and_a_supplement_moves_them_by_the_suspended_working_days()
    {
        var who = await App.RegisteredTalentAsync();
        var request = await ApplicationAsync(who, Guid.NewGuid().ToString("N"));
        var items = Items();
        var calendar = await CalendarAsync();
        await using var scope = App.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<CaseService>();
        CaseContext On(DateOnly d) => new(items, calendar, d);
        var submission = new CaseSubmission(Bundle, Chosen, request["values"]!.AsObject(), request["materials"]!.AsObject(), request["clientKey"]!.GetValue<string>());

        var national = await service.SubmitAsync(who.SubjectId, "test", submission, On(new DateOnly(2021, 9, 29)), default);
        var archive = national.Case.Tasks.Single(t => t.ItemId == Archive);
        Assert.Equal(new DateOnly(2021, 10, 12), service.View(archive, On(new DateOnly(2021, 9, 29))).Deadline!.Due);

        var november = await service.SubmitAsync(who.SubjectId, "test", submission with { ClientKey = Guid.NewGuid().ToString("N") }, On(new DateOnly(2021, 11, 1)), default);
        var task = november.Case.Tasks.Single(t => t.ItemId == Archive);
        Assert.Equal(new DateOnly(2021, 11, 8), service.View(task, On(new DateOnly(2021, 11, 1))).Deadline!.Due);
        var actor = new CaseActor("reviewer", task.DepartmentId);
        await service.ActAsync(task.Id, actor, TaskAction.Return, "请补充毕业证书原件扫描件", On(new DateOnly(2021, 11, 3)), default);
        var returned = await service.CaseAsync(who.SubjectId, november.Case.Id, On(new DateOnly(2021, 11, 4)), default);
        Assert.Equal(DeadlineStatus.Suspended, returned!.Tasks.Single(t => t.Task.Id == task.Id).Deadline!.Status);
        var resubmitted = await service.ResubmitAsync(who.SubjectId, november.Case.Id, task.Id, "test", "已补充", On(new DateOnly(2021, 11, 5)), default);
        Assert.Equal(new DateOnly(2021, 11, 11), service.View(resubmitted, On(new DateOnly(2021, 11, 5))).Deadline!.Due);
        var view = await service.CaseAsync(who.SubjectId, november.Case.Id, On(new DateOnly(2021, 11, 5)), default);
        var why = JsonNode.Parse(view!.Events.Single(e => e.Kind == "resubmitted").DetailJson)!["why"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Contains(why, l => l.Contains("2021-11-03 至 2021-11-05", StringComparison.Ordinal) && l.Contains("顺延 3 个工作日", StringComparison.Ordinal));
    }
}

public sealed class CaseScenariosOnSqlite(SqliteApp app) : CaseScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp Host => app;
}

[Collection(PostgresCollection.Name)]
public sealed class CaseScenariosOnPostgres(PostgresServer server) : CaseScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;

    protected override TalentOneApp Host => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await server.AppFor(nameof(CaseScenariosOnPostgres));

    public Task DisposeAsync() => System.Threading.Tasks.Task.CompletedTask;
}
