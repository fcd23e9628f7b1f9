using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Data;
using TalentOne.Data.Certification;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Certification;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Certification;

/// <summary>认定 through the API, on SQLite and on PostgreSQL: a talent applies for a category with evidence, the
/// reviewer of the route's department — and nobody else — sees and decides it, the certified category feeds the
/// package, and it is taken back when its validity ends. The routes and policies come from the catalog files.</summary>
public abstract class CertificationScenarios
{
    private const string Tier3Route = "quzhou.tier3";
    private const string Tier3Policy = "quzhou.allowance.tier3";
    private const string QuzhouOffice = "quzhou.talent_office";

    protected abstract TalentOneApp App { get; }

    /// <summary>Smallest files that are what they claim to be (recognised by their first bytes).</summary>
    public static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    private static int _births;

    /// <summary>A birth date of its own for each talent registered here: two people born the same day can draw the same
    /// ID number serial, and this class registers many.</summary>
    public static DateOnly UniqueBirth() => new DateOnly(1975, 1, 1).AddDays(Interlocked.Increment(ref _births) * 11 + Random.Shared.Next(11));

    private static byte[] Unique(byte[] file) => [.. file, .. Encoding.ASCII.GetBytes("\n%" + Guid.NewGuid().ToString("N") + "\n")];

    private CertificationRoute Route(string id) => CertificationCatalog.Load(App.Catalog).ById[id];

    private async Task<DateOnly> TodayAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<TimeProvider>().Today();
    }

    private static async Task PatchRecordAsync(HttpClient client, JsonObject facts)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/me/record")
        {
            Content = new StringContent(new JsonObject { ["facts"] = facts }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        await (await client.SendAsync(request)).ExpectAsync(HttpStatusCode.OK, "declaring facts of the own record");
    }

    /// <summary>A talent registered and working full time in Kecheng, Quzhou (self-declared).</summary>
    private async Task<TestAccounts.Registered> QuzhouTalentAsync()
    {
        var talent = await App.RegisteredTalentAsync(UniqueBirth(), name: "李认定");
        await PatchRecordAsync(talent.Client, new JsonObject
        {
            ["work.city"] = "quzhou", ["work.county"] = "kecheng", ["employment.status"] = "employed", ["employment.fullTime"] = true,
        });
        return talent;
    }

    private async Task<HttpClient> ReviewerAsync(string department) =>
        await App.LoginAsync((await App.CreateStaffAsync(Roles.Reviewer, department)).UserName!);

    private static MultipartFormDataContent Form(string routeId, params (string Kind, string Name, byte[] Bytes, string ContentType)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent(routeId), "routeId" }, { new StringContent("请审核"), "note" } };
        foreach (var (kind, name, bytes, type) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, kind, name);
        }
        return form;
    }

    private static MultipartFormDataContent Tier3Form() => Form(Tier3Route,
        ("equivalence_proof", "省级人才称号证书.pdf", Unique(Pdf), "application/pdf"),
        ("employment_contract", "劳动合同.png", [.. Png, .. Guid.NewGuid().ToByteArray()], "image/png"));

    private static async Task<JsonObject> ApplyAsync(HttpClient client, MultipartFormDataContent form) =>
        await (await client.PostAsync("/api/v1/certification/applications", form)).ExpectJsonAsync(HttpStatusCode.Created, "applying for a certification");

    private static Task<HttpResponseMessage> DecideAsync(HttpClient client, long id, JsonObject body) =>
        client.PostJsonAsync($"/api/v1/certification/applications/{id}/decision", body);

    private static JsonObject? Policy(JsonObject package, string list, string id) =>
        package["package"]![list]!.AsArray().OfType<JsonObject>().FirstOrDefault(p => p["id"]!.GetValue<string>() == id);

    private static JsonObject? Fact(JsonObject record, string fact) =>
        record["facts"]!.AsArray().OfType<JsonObject>().FirstOrDefault(f => f["fact"]!.GetValue<string>() == fact);

    /// <summary>The ledger entries (上链) of an application, in order.</summary>
    private async Task<List<TalentOne.Data.Ledger.LedgerEntry>> LedgerOfAsync(long applicationId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Set<TalentOne.Data.Ledger.LedgerEntry>().AsNoTracking()
            .Where(e => e.Kind.StartsWith("certification.")).OrderBy(e => e.Seq).ToListAsync();
        return entries.Where(e => System.Text.Json.Nodes.JsonNode.Parse(e.Payload)?["applicationId"]?.GetValue<long>() == applicationId).ToList();
    }

    private async Task<(int Files, int Applications)> StoredForAsync(long subjectId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        return (await db.Set<EvidenceFile>().CountAsync(f => f.SubjectId == subjectId), await db.Set<CertificationApplication>().CountAsync(a => a.SubjectId == subjectId));
    }

    [Fact]
    public async Task A_talent_applies_for_a_Quzhou_tier_the_department_reviewer_approves_and_the_certified_tier_brings_its_allowance()
    {
        var route = Route(Tier3Route);
        var policy = App.Catalog.ById[Tier3Policy];
        var expected = policy.Tests.First(t => t.Expect == "eligible" && t.Amount != null).Amount!.Value;
        Assert.Equal(QuzhouOffice, route.DepartmentId);
        var talent = await QuzhouTalentAsync();

        var offers = JsonNode.Parse(await (await talent.Client.GetAsync("/api/v1/certification/routes")).ExpectAsync(HttpStatusCode.OK, "listing routes"))!.AsArray();
        var offer = offers.OfType<JsonObject>().FirstOrDefault(o => o["route"]!["id"]!.GetValue<string>() == Tier3Route);
        Http.That(offer != null && offer["check"]!["status"]!.GetValue<string>() == "meets" && offer["canApply"]!.GetValue<bool>(),
            "a full-time talent in Quzhou may apply for the tier", offers);
        Http.That(offer!["route"]!["source"]!["quote"]!.GetValue<string>() == route.Quote && offer["route"]!["departmentId"]!.GetValue<string>() == QuzhouOffice
            && offer["route"]!["evidence"]!.AsArray().Count == route.Evidence.Count, "the route shows its source, department and evidence", offer);
        Http.That(offers.All(o => o!["route"]!["city"]!.GetValue<string>() == "quzhou"), "only the routes of the talent's city are offered", offers);
        var before = await (await talent.Client.GetAsync("/api/v1/me/package")).ExpectJsonAsync(HttpStatusCode.OK, "the package before");
        Http.That(Policy(before, "eligible", Tier3Policy) == null, $"{Tier3Policy} is not eligible before the certification", before);

        var application = await ApplyAsync(talent.Client, Tier3Form());
        var id = application["id"]!.GetValue<long>();
        Http.That(application["status"]!.GetValue<string>() == "submitted" && application["departmentId"]!.GetValue<string>() == QuzhouOffice
            && application["evidence"]!.AsArray().Count == 2 && application["applicant"] == null, "submitted to the route's department, with both files", application);

        // Another department of the same city, and the same department of another city, see nothing of it.
        foreach (var other in new[] { "quzhou.hrss", "hangzhou.talent_office" })
        {
            var stranger = await ReviewerAsync(other);
            var queue = JsonNode.Parse(await (await stranger.GetAsync("/api/v1/certification/queue")).ExpectAsync(HttpStatusCode.OK, $"{other}'s queue"))!.AsArray();
            Http.That(queue.All(q => q!["id"]!.GetValue<long>() != id), $"the application is not in {other}'s queue", queue);
            await (await stranger.GetAsync($"/api/v1/certification/applications/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, $"{other} reading it");
            await (await stranger.GetAsync(application["evidence"]![0]!["url"]!.GetValue<string>())).ExpectProblemAsync(HttpStatusCode.NotFound, $"{other} downloading its evidence");
            await (await DecideAsync(stranger, id, new JsonObject { ["decision"] = "approve" })).ExpectProblemAsync(HttpStatusCode.NotFound, $"{other} approving it");
        }

        var reviewer = await ReviewerAsync(QuzhouOffice);
        var mine = JsonNode.Parse(await (await reviewer.GetAsync("/api/v1/certification/queue")).ExpectAsync(HttpStatusCode.OK, "the department's queue"))!.AsArray();
        var item = mine.OfType<JsonObject>().SingleOrDefault(q => q["id"]!.GetValue<long>() == id);
        Http.That(item != null && item["applicantName"]!.GetValue<string>() == talent.Name && item["identifierMasked"]!.GetValue<string>().Contains('*')
            && item["routeTitle"]!.GetValue<string>() == route.Title, "the application is in the reviewer's queue, ID masked", mine);

        var detail = await (await reviewer.GetAsync($"/api/v1/certification/applications/{id}")).ExpectJsonAsync(HttpStatusCode.OK, "the reviewer reading it");
        var applicant = detail["applicant"]!;
        Http.That(applicant["identifierMasked"]!.GetValue<string>() != talent.IdNumber && !detail.ToJsonString().Contains(talent.IdNumber)
            && applicant["facts"]!.AsArray().Any(f => f!["fact"]!.GetValue<string>() == "employment.fullTime")
            && applicant["check"]!["status"]!.GetValue<string>() == "meets", "the reviewer sees the relevant facts, never the full ID number", detail);

        var evidence = detail["evidence"]!.AsArray().OfType<JsonObject>().Single(e => e["kind"]!.GetValue<string>() == "equivalence_proof");
        var download = await reviewer.GetAsync(evidence["url"]!.GetValue<string>());
        await download.ExpectAsync(HttpStatusCode.OK, "the reviewer downloading the evidence");
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("省级人才称号证书.pdf", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(await download.Content.ReadAsByteArrayAsync()));
        await (await talent.Client.GetAsync(evidence["url"]!.GetValue<string>())).ExpectAsync(HttpStatusCode.OK, "the applicant downloading their own evidence");

        var approved = await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "approve" })).ExpectJsonAsync(HttpStatusCode.OK, "approving");
        var today = await TodayAsync();
        Http.That(approved["status"]!.GetValue<string>() == "approved" && approved["validFrom"]!.GetValue<string>() == today.ToString("yyyy-MM-dd")
            && approved["validUntil"]!.GetValue<string>() == route.Validity.LastDay(today).ToString("yyyy-MM-dd")
            && approved["granted"]!.AsArray().Single()!["value"]!.GetValue<double>() == 3, "approved, tier 3, valid for the route's period", approved);
        await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "reject", ["reason"] = "再审" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "deciding the same application twice");
        var chained = await LedgerOfAsync(id);
        Assert.Equal(["certification.submitted", "certification.approved"], chained.Select(e => e.Kind));
        Assert.All(chained, e => Assert.Equal(talent.SubjectId, e.SubjectId));
        Assert.Contains("\"sha256\":\"", chained[0].Payload, StringComparison.Ordinal); // the materials' hashes

        var record = await (await talent.Client.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "the talent's record");
        var tier = Fact(record, "person.quzhouTalentTier");
        Http.That(tier != null && tier["value"]!.GetValue<double>() == 3 && tier["status"]!.GetValue<string>() == "certified"
            && tier["statusText"]!.GetValue<string>() == "认定确认" && tier["departmentId"]!.GetValue<string>() == QuzhouOffice
            && tier["material"]!.GetValue<string>().Contains("省级人才称号证书.pdf"), "the record holds tier 3 as 认定确认 by the talent office, from the evidence", record);
        var fullTime = Fact(record, "employment.fullTime");
        Http.That(fullTime!["status"]!.GetValue<string>() == "verified" && fullTime["departmentId"]!.GetValue<string>() == QuzhouOffice,
            "the facts the evidence proves are now verified by the department", fullTime);

        var after = await (await talent.Client.GetAsync("/api/v1/me/package")).ExpectJsonAsync(HttpStatusCode.OK, "the package after");
        var allowance = Policy(after, "eligible", Tier3Policy);
        Http.That(allowance != null && allowance["amount"]!.GetValue<double>() == expected, $"{Tier3Policy} is now eligible, {expected} a year", after);

        var offersAfter = JsonNode.Parse(await (await talent.Client.GetAsync("/api/v1/certification/routes")).ExpectAsync(HttpStatusCode.OK, "routes after"))!.AsArray();
        var active = offersAfter.OfType<JsonObject>().Single(o => o["route"]!["id"]!.GetValue<string>() == Tier3Route)["active"];
        Http.That(active?["validUntil"]?.GetValue<string>() == route.Validity.LastDay(today).ToString("yyyy-MM-dd"), "the talent sees the valid certification", offersAfter);
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_which_the_applicant_then_reads_and_the_record_is_unchanged()
    {
        var talent = await QuzhouTalentAsync();
        var id = (await ApplyAsync(talent.Client, Tier3Form()))["id"]!.GetValue<long>();
        var reviewer = await ReviewerAsync(QuzhouOffice);

        foreach (var reason in new JsonNode?[] { null, "   " })
        {
            var problem = await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "reject", ["reason"] = reason }))
                .ExpectProblemAsync(HttpStatusCode.BadRequest, "rejecting without a reason");
            Http.That(problem["errors"]?["reason"]?[0]?.GetValue<string>().Contains("理由") == true, "the reason is named as missing, in Chinese", problem);
        }
        await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "maybe" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "an unknown decision");

        var rejected = await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "reject", ["reason"] = "证明材料与第三层次不相当" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "rejecting with a reason");
        Http.That(rejected["status"]!.GetValue<string>() == "rejected", "rejected", rejected);
        Assert.Equal(["certification.submitted", "certification.rejected"], (await LedgerOfAsync(id)).Select(e => e.Kind));

        var mine = JsonNode.Parse(await (await talent.Client.GetAsync("/api/v1/certification/applications")).ExpectAsync(HttpStatusCode.OK, "my applications"))!.AsArray();
        var seen = mine.OfType<JsonObject>().Single(a => a["id"]!.GetValue<long>() == id);
        Http.That(seen["statusText"]!.GetValue<string>() == "已驳回" && seen["reason"]!.GetValue<string>() == "证明材料与第三层次不相当", "the applicant reads the reason", seen);
        var record = await (await talent.Client.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "the record");
        Http.That(Fact(record, "person.quzhouTalentTier") == null, "no tier was set", record);
    }

    public static TheoryData<string, string, string> BadEvidence => new()
    {
        // scenario, file name, what the bytes are
        { "a file over 10 MB", "扫描件.pdf", "oversized" },
        { "a Windows program named .pdf", "证书.pdf", "exe" },
        { "a text file", "证书.txt", "text" },
        { "an empty file", "空.pdf", "empty" },
    };

    [Theory]
    [MemberData(nameof(BadEvidence))]
    public async Task Evidence_that_is_too_large_or_not_a_PDF_JPG_or_PNG_is_refused_with_400_and_nothing_is_stored(string scenario, string name, string what)
    {
        var talent = await QuzhouTalentAsync();
        byte[] bytes = what switch
        {
            "oversized" => [.. Pdf, .. new byte[EvidenceFiles.MaxBytes]],
            "exe" => [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00],
            "text" => Encoding.UTF8.GetBytes("这是一个文本文件"),
            _ => [],
        };
        var form = Form(Tier3Route, ("equivalence_proof", name, bytes, "application/pdf"), ("employment_contract", "合同.pdf", Unique(Pdf), "application/pdf"));
        var problem = await (await talent.Client.PostAsync("/api/v1/certification/applications", form))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, $"uploading {scenario}");
        var message = problem["errors"]?["evidence.equivalence_proof"]?[0]?.GetValue<string>() ?? "";
        Http.That(Regex.IsMatch(message, @"\p{IsCJKUnifiedIdeographs}") && message.Contains(name), $"{scenario}: the file is named with a Chinese reason", problem);
        Assert.Equal((0, 0), await StoredForAsync(talent.SubjectId));
    }

    [Fact]
    public async Task Applications_are_refused_in_Chinese_for_an_unknown_route_missing_evidence_unmet_conditions_and_a_duplicate()
    {
        var talent = await QuzhouTalentAsync();
        var unknown = await (await talent.Client.PostAsync("/api/v1/certification/applications", Form("quzhou.tier99", ("equivalence_proof", "a.pdf", Unique(Pdf), "application/pdf"))))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "an unknown route");
        Http.That(unknown["errors"]?["routeId"] != null, "the route is named", unknown);

        var missing = await (await talent.Client.PostAsync("/api/v1/certification/applications", Form(Tier3Route, ("equivalence_proof", "a.pdf", Unique(Pdf), "application/pdf"))))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "missing the employment contract");
        Http.That(missing["errors"]?["evidence"]?[0]?.GetValue<string>().Contains(Route(Tier3Route).EvidenceOf("employment_contract")!.Kind.Title) == true,
            "the missing evidence is named", missing);

        var stray = await (await talent.Client.PostAsync("/api/v1/certification/applications", Form(Tier3Route,
                ("equivalence_proof", "a.pdf", Unique(Pdf), "application/pdf"), ("employment_contract", "b.pdf", Unique(Pdf), "application/pdf"), ("tax_certificate", "c.pdf", Unique(Pdf), "application/pdf"))))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "evidence of a kind the route does not ask for");
        Http.That(stray["errors"]?["evidence.tax_certificate"] != null, "the stray kind is named", stray);

        var notJson = await (await talent.Client.PostJsonAsync("/api/v1/certification/applications", """{"routeId": "quzhou.tier3"}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "JSON instead of multipart");
        Http.That(notJson["errors"]?["$"] != null, "the format is explained", notJson);
        Assert.Equal((0, 0), await StoredForAsync(talent.SubjectId));

        await PatchRecordAsync(talent.Client, new JsonObject { ["employment.fullTime"] = false });
        var unmet = await (await talent.Client.PostAsync("/api/v1/certification/applications", Tier3Form()))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "applying while not full time");
        Http.That(unmet["errors"]?["profile"]?[0]?.GetValue<string>().Contains("全职在衢州工作") == true, "the failed condition is named", unmet);
        Assert.Equal((0, 0), await StoredForAsync(talent.SubjectId));

        await PatchRecordAsync(talent.Client, new JsonObject { ["employment.fullTime"] = true });
        var (proof, contract) = (Unique(Pdf), Unique(Pdf));
        MultipartFormDataContent Same() => Form(Tier3Route, ("equivalence_proof", "证书.pdf", proof, "application/pdf"), ("employment_contract", "合同.pdf", contract, "application/pdf"));
        var first = await ApplyAsync(talent.Client, Same());
        var duplicate = await (await talent.Client.PostAsync("/api/v1/certification/applications", Same()))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "applying again while the first is pending");
        Http.That(duplicate["detail"]!.GetValue<string>().Contains("审核中"), "the pending application is explained", duplicate);

        await (await talent.Client.PostAsync($"/api/v1/certification/applications/{first["id"]}/withdraw", null)).ExpectJsonAsync(HttpStatusCode.OK, "withdrawing");
        await (await talent.Client.PostAsync($"/api/v1/certification/applications/{first["id"]}/withdraw", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "withdrawing twice");
        var second = await ApplyAsync(talent.Client, Same());
        // The same bytes are the same files (content-addressed): two applications, two files.
        Assert.Equal((2, 2), await StoredForAsync(talent.SubjectId));
        Http.That(second["evidence"]!.AsArray().Select(e => e!["fileId"]!.GetValue<long>()).Order()
            .SequenceEqual(first["evidence"]!.AsArray().Select(e => e!["fileId"]!.GetValue<long>()).Order()), "the second application links the same files", second);
    }

    [Fact]
    public async Task A_Yuhang_manager_is_rated_by_the_Hangzhou_reviewer_who_chooses_the_class_and_the_income_evidence_verifies_the_income()
    {
        var talent = await App.RegisteredTalentAsync(UniqueBirth(), name: "王余杭");
        await PatchRecordAsync(talent.Client, new JsonObject
        {
            ["work.city"] = "hangzhou", ["work.county"] = "yuhang", ["employer.type"] = "enterprise", ["employment.post"] = "manager",
            ["employment.annualTaxableIncome"] = 260000,
        });
        var withoutIncomeProof = await (await talent.Client.PostAsync("/api/v1/certification/applications", Form("yuhang.market_based",
                ("appointment", "任职文件.pdf", Unique(Pdf), "application/pdf"))))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "neither tax certificate nor valuation report");
        Http.That(withoutIncomeProof["errors"]?["evidence"]?[0]?.GetValue<string>().Contains("至少提交一项") == true, "the either-or evidence is named", withoutIncomeProof);
        var pngValuation = await (await talent.Client.PostAsync("/api/v1/certification/applications", Form("yuhang.market_based",
                ("appointment", "任职文件.pdf", Unique(Pdf), "application/pdf"), ("equity_valuation_report", "估值.png", [.. Png, 1, 2], "image/png"))))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a PNG where only PDF is accepted");
        Http.That(pngValuation["errors"]?["evidence.equity_valuation_report"]?[0]?.GetValue<string>().Contains("PDF") == true, "the accepted type is named", pngValuation);

        var id = (await ApplyAsync(talent.Client, Form("yuhang.market_based",
            ("appointment", "任职文件.pdf", Unique(Pdf), "application/pdf"), ("tax_certificate", "完税证明.pdf", Unique(Pdf), "application/pdf"))))["id"]!.GetValue<long>();
        var reviewer = await ReviewerAsync("hangzhou.talent_office");
        var noChoice = await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "approve" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "approving without choosing the class");
        Http.That(noChoice["errors"]?["grants.person.talentClass"] != null, "the class to choose is named", noChoice);
        await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "approve", ["grants"] = new JsonObject { ["person.talentClass"] = "A" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "choosing a class the route does not allow");

        await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "approve", ["grants"] = new JsonObject { ["person.talentClass"] = "D" } }))
            .ExpectJsonAsync(HttpStatusCode.OK, "approving as class D");
        var record = await (await talent.Client.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "the record");
        var cls = Fact(record, "person.talentClass");
        var income = Fact(record, "employment.annualTaxableIncome");
        Http.That(cls?["value"]?.GetValue<string>() == "D" && cls["status"]!.GetValue<string>() == "certified" && cls["departmentId"]!.GetValue<string>() == "hangzhou.talent_office",
            "class D certified by Hangzhou's talent office", record);
        Http.That(income?["status"]?.GetValue<string>() == "verified" && income["material"]!.GetValue<string>().Contains("完税证明.pdf"),
            "the income is verified from the tax certificate", record);
        Http.That(Fact(record, "employment.equityValuation") == null, "nothing is made up for the evidence not given", record);
    }

    [Fact]
    public async Task Roles_are_enforced_anonymous_401_wrong_role_403_and_oversight_reads_but_never_decides()
    {
        var anonymous = App.CreateClient();
        await (await anonymous.GetAsync("/api/v1/certification/routes")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "routes without signing in");
        await (await anonymous.GetAsync("/api/v1/certification/queue")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "the queue without signing in");

        var talent = await QuzhouTalentAsync();
        var id = (await ApplyAsync(talent.Client, Tier3Form()))["id"]!.GetValue<long>();
        await (await talent.Client.GetAsync("/api/v1/certification/queue")).ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent reading the queue");
        await (await DecideAsync(talent.Client, id, new JsonObject { ["decision"] = "approve" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent approving their own application");

        var other = await QuzhouTalentAsync();
        await (await other.Client.GetAsync($"/api/v1/certification/applications/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "another talent reading it");

        var window = await App.ClientAsync(Roles.Window, "quzhou.talent_office");
        await (await window.GetAsync("/api/v1/certification/queue")).ExpectProblemAsync(HttpStatusCode.Forbidden, "window staff reading the queue");
        var reviewer = await ReviewerAsync(QuzhouOffice);
        await (await reviewer.GetAsync("/api/v1/certification/routes")).ExpectProblemAsync(HttpStatusCode.Forbidden, "a reviewer listing a holder's routes");

        var auditor = await App.ClientAsync(Roles.Auditor);
        var queue = JsonNode.Parse(await (await auditor.GetAsync("/api/v1/certification/queue")).ExpectAsync(HttpStatusCode.OK, "an auditor reading every queue"))!.AsArray();
        Http.That(queue.Any(q => q!["id"]!.GetValue<long>() == id), "oversight sees every department's applications", queue);
        await (await auditor.GetAsync($"/api/v1/certification/applications/{id}")).ExpectJsonAsync(HttpStatusCode.OK, "an auditor reading it");
        await (await DecideAsync(auditor, id, new JsonObject { ["decision"] = "approve" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "an auditor deciding");
        var admin = await App.ClientAsync(Roles.Admin);
        await (await DecideAsync(admin, id, new JsonObject { ["decision"] = "approve" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "the talent office deciding for the department");
        await (await reviewer.GetAsync("/api/v1/certification/queue?status=maybe")).ExpectProblemAsync(HttpStatusCode.BadRequest, "an unknown status filter");
    }

    [Fact]
    public async Task When_the_validity_ends_the_category_is_taken_back_with_a_recorded_change_and_running_again_changes_nothing()
    {
        var route = Route(Tier3Route);
        var talent = await QuzhouTalentAsync();
        var id = (await ApplyAsync(talent.Client, Tier3Form()))["id"]!.GetValue<long>();
        var reviewer = await ReviewerAsync(QuzhouOffice);
        await (await DecideAsync(reviewer, id, new JsonObject { ["decision"] = "approve" })).ExpectJsonAsync(HttpStatusCode.OK, "approving");
        var lastDay = route.Validity.LastDay(await TodayAsync());

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<CertificationService>();
            var catalog = scope.ServiceProvider.GetRequiredService<CatalogHolder>().Current!;
            var onLastDay = await service.ExpireAsync(catalog, lastDay, default);
            Assert.DoesNotContain(id, onLastDay.Expired);
            var dayAfter = await service.ExpireAsync(catalog, lastDay.AddDays(1), default);
            Assert.Contains(id, dayAfter.Expired);
            Assert.Empty(dayAfter.Problems);
            var again = await service.ExpireAsync(catalog, lastDay.AddDays(1), default);
            Assert.Empty(again.Expired);
        }
        Assert.Equal(["certification.submitted", "certification.approved", "certification.expired"], (await LedgerOfAsync(id)).Select(e => e.Kind));

        var record = await (await talent.Client.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "the record after expiry");
        Http.That(Fact(record, "person.quzhouTalentTier") == null, "the tier is unknown again", record);
        var history = JsonNode.Parse(await (await talent.Client.GetAsync("/api/v1/me/record/history")).ExpectAsync(HttpStatusCode.OK, "the history"))!.AsArray();
        var change = history.OfType<JsonObject>().First(h => h["fact"]!.GetValue<string>() == "person.quzhouTalentTier");
        Http.That(change["note"]!.GetValue<string>().Contains("认定有效期届满") && change["newValue"] == null && change["oldValue"]!.GetValue<double>() == 3,
            "the removal is recorded as 认定有效期届满", change);
        var package = await (await talent.Client.GetAsync("/api/v1/me/package")).ExpectJsonAsync(HttpStatusCode.OK, "the package after expiry");
        Http.That(Policy(package, "eligible", Tier3Policy) == null, $"{Tier3Policy} no longer applies", package);
        var application = await (await talent.Client.GetAsync($"/api/v1/certification/applications/{id}")).ExpectJsonAsync(HttpStatusCode.OK, "the application");
        Http.That(application["status"]!.GetValue<string>() == "expired" && application["events"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "expired"),
            "the application shows it expired", application);
    }

    [Fact]
    public async Task A_sweep_past_the_validity_expires_the_category_before_it_evaluates()
    {
        var route = Route(Tier3Route);
        var talent = await QuzhouTalentAsync();
        var id = (await ApplyAsync(talent.Client, Tier3Form()))["id"]!.GetValue<long>();
        await (await DecideAsync(await ReviewerAsync(QuzhouOffice), id, new JsonObject { ["decision"] = "approve" })).ExpectJsonAsync(HttpStatusCode.OK, "approving");
        var dayAfter = route.Validity.LastDay(await TodayAsync()).AddDays(1);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var runner = scope.ServiceProvider.GetRequiredService<TalentOne.Registry.Sweeps.SweepRunner>();
            await runner.RunAsync(scope.ServiceProvider.GetRequiredService<CatalogHolder>().Current!, dayAfter);
        }
        var record = await (await talent.Client.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "the record after the sweep");
        Http.That(Fact(record, "person.quzhouTalentTier") == null, "the sweep expired the certified tier", record);
        var application = await (await talent.Client.GetAsync($"/api/v1/certification/applications/{id}")).ExpectJsonAsync(HttpStatusCode.OK, "the application");
        Http.That(application["status"]!.GetValue<string>() == "expired", "the application is expired", application);
    }
}

public sealed class CertificationScenariosOnSqlite(SqliteApp app) : CertificationScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class CertificationScenariosOnPostgres(PostgresServer server) : CertificationScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;

    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await server.AppFor(nameof(CertificationScenariosOnPostgres));

    public Task DisposeAsync() => Task.CompletedTask;
}
