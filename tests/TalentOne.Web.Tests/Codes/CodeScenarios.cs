using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Codes;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Codes;

/// <summary>人才码 · 企业码 through the real host, run on SQLite and on PostgreSQL (see the derived classes). The holder
/// is a full-time PhD working in Kecheng, Quzhou: the engine finds the tier-7 allowance (衢委发〔2020〕7号第19条), which
/// makes them a 第七层次 talent and, by catalog/services.yaml, grants the Quzhou hospital and bus services.</summary>
public abstract class CodeScenarios
{
    private const string HospitalService = "quzhou.hospital.health_care";
    private const string BusService = "quzhou.bus.travel";
    private const string Tier7Category = "衢州市第七层次人才";

    protected abstract TalentOneApp App { get; }

    /// <summary>The facts that make a registered talent a full-time PhD working in Quzhou (the catalog's qz_phd profile).</summary>
    public static readonly JsonObject QuzhouPhdFacts = new()
    {
        ["person.title"] = "none",
        ["education.level"] = "doctorate",
        ["education.fullTime"] = true,
        ["education.doubleFirstClass"] = true,
        ["education.graduationDate"] = "2020-06-30",
        ["employment.status"] = "employed",
        ["employment.fullTime"] = true,
        ["employment.startDate"] = "2020-07-01",
        ["employment.serviceAgreementYears"] = 5,
        ["employment.post"] = "researcher",
        ["work.city"] = "quzhou",
        ["work.county"] = "kecheng",
        ["employer.type"] = "enterprise",
        ["employer.keyIndustry"] = true,
        ["housing.status"] = "renting",
    };

    public static async Task DeclareAsync(HttpClient client, JsonObject facts)
    {
        var body = new JsonObject { ["facts"] = facts.DeepClone() };
        var response = await client.PatchAsync("/api/v1/me/record", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        await response.ExpectAsync(HttpStatusCode.OK, "declaring the profile");
    }

    private async Task<TestAccounts.Registered> QuzhouPhdAsync()
    {
        var talent = await App.RegisteredTalentAsync(new DateOnly(1992, 3, 15));
        await DeclareAsync(talent.Client, QuzhouPhdFacts);
        return talent;
    }

    private static async Task<JsonObject> IssueAsync(HttpClient holder) =>
        await (await holder.PostAsync("/api/v1/me/code", null)).ExpectJsonAsync(HttpStatusCode.Created, "issuing a code");

    private static Task<HttpResponseMessage> VerifyAsync(HttpClient provider, string token) =>
        provider.PostJsonAsync("/api/v1/codes/verify", new JsonObject { ["token"] = token });

    private async Task<HttpClient> ProviderAsync(string kind) => await App.ClientAsync(Roles.Provider, providerKind: kind);

    private static List<string> Ids(JsonNode? services) => services!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();

    private static void NeverTheIdNumber(string body, TestAccounts.Registered holder)
    {
        Assert.DoesNotContain(holder.IdNumber, body);
        Assert.DoesNotContain("19920315", body); // the birth date inside the ID number
    }

    [Fact]
    public async Task A_hospital_scanning_the_code_sees_name_category_and_its_service_but_never_the_ID_number()
    {
        var talent = await QuzhouPhdAsync();
        var code = await IssueAsync(talent.Client);
        Http.That(code["kind"]!.GetValue<string>() == "talent" && code["kindText"]!.GetValue<string>() == "人才码", "a person's code is a 人才码", code);
        Http.That(code["category"]!.GetValue<string>() == Tier7Category, $"the category should be {Tier7Category}", code);
        Http.That(Ids(code["services"]).Contains(HospitalService) && Ids(code["services"]).Contains(BusService), "the code grants the Quzhou hospital and bus services", code);
        var token = code["token"]!.GetValue<string>();
        Http.That(code["verifyUrl"]!.GetValue<string>().EndsWith("/verify?t=" + Uri.EscapeDataString(token), StringComparison.Ordinal), "the QR code opens the verification page", code);
        NeverTheIdNumber(code.ToJsonString(), talent);

        var hospital = await ProviderAsync("hospital");
        var response = await VerifyAsync(hospital, token);
        var body = await response.Content.ReadAsStringAsync();
        var view = await response.ExpectJsonAsync(HttpStatusCode.OK, "a hospital verifying a valid code");
        Http.That(view["outcome"]!.GetValue<string>() == "valid" && view["message"]!.GetValue<string>() == "人才码有效", "the code is valid", view);
        Http.That(view["name"]!.GetValue<string>() == talent.Name, "a hospital sees the holder's name", view);
        Http.That(view["category"]!.GetValue<string>() == Tier7Category, "a hospital sees the category", view);
        Http.That(view["city"]!.GetValue<string>() == "衢州市", "a hospital sees the city", view);
        Http.That(Ids(view["services"]).SequenceEqual([HospitalService]), "a hospital sees its own service only, not the bus's", view);
        Http.That(view["services"]![0]!["source"]!["document"]!.GetValue<string>() == "衢委发〔2020〕7号", "the service names its source", view);
        Http.That(view["mobileMasked"] == null, "a hospital does not see the mobile number", view);
        Http.That(DateTimeOffset.Parse(view["validUntil"]!.GetValue<string>()) > DateTimeOffset.UtcNow.AddHours(23), "the code is valid for a day", view);
        NeverTheIdNumber(body, talent);
    }

    [Fact]
    public async Task A_bus_company_sees_less_than_a_hospital()
    {
        var talent = await QuzhouPhdAsync();
        var token = (await IssueAsync(talent.Client))["token"]!.GetValue<string>();

        var hospital = await (await VerifyAsync(await ProviderAsync("hospital"), token)).ExpectJsonAsync(HttpStatusCode.OK, "hospital");
        var bus = await (await VerifyAsync(await ProviderAsync("bus"), token)).ExpectJsonAsync(HttpStatusCode.OK, "bus company");

        string[] personal = ["name", "maskedName", "category", "city", "mobileMasked", "registered", "policyCount"];
        var seenByBus = personal.Where(f => bus[f] != null).ToList();
        var seenByHospital = personal.Where(f => hospital[f] != null).ToList();
        Http.That(seenByBus.SequenceEqual(["category"]), "a bus company sees only the category (and validity, services)", bus);
        Http.That(seenByBus.All(seenByHospital.Contains) && seenByHospital.Count > seenByBus.Count, "a hospital sees more than a bus company", hospital);
        Http.That(bus["outcome"]!.GetValue<string>() == "valid" && Ids(bus["services"]).SequenceEqual([BusService]), "the bus company sees its own service", bus);
        NeverTheIdNumber(bus.ToJsonString(), talent);
    }

    [Fact]
    public async Task A_tampered_or_unreadable_token_is_refused_with_the_reason_in_Chinese()
    {
        var talent = await QuzhouPhdAsync();
        var token = (await IssueAsync(talent.Client))["token"]!.GetValue<string>();
        var hospital = await ProviderAsync("hospital");

        // Flip one character of the signed payload (e.g. to point the code at someone else).
        var chars = token.ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        var problem = await (await VerifyAsync(hospital, new string(chars))).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "a tampered token");
        Http.That(problem["reason"]!.GetValue<string>() == "tampered", "the reason is 'tampered'", problem);
        Http.That(problem["detail"]!.GetValue<string>().Contains("篡改"), "the refusal says in Chinese that the code may have been tampered with", problem);

        problem = await (await VerifyAsync(hospital, "这不是人才码")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "a malformed token");
        Http.That(problem["reason"]!.GetValue<string>() == "malformed" && problem["detail"]!.GetValue<string>().Contains("无法识别"), "an unreadable code is 'malformed'", problem);
    }

    [Fact]
    public async Task An_expired_code_is_refused_as_expired()
    {
        var talent = await QuzhouPhdAsync();
        string token;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            // Issued 25 hours ago by the real service on a clock set back: its day of validity is over.
            var past = ActivatorUtilities.CreateInstance<CodeService>(scope.ServiceProvider, (TimeProvider)new ShiftedClock(TimeSpan.FromHours(-25)));
            token = (await past.IssueAsync(talent.SubjectId, "test", default)).Token;
        }
        var problem = await (await VerifyAsync(await ProviderAsync("hospital"), token)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "an expired code");
        Http.That(problem["reason"]!.GetValue<string>() == "expired" && problem["detail"]!.GetValue<string>().Contains("人才码已过期"), "the reason is 'expired'", problem);
        await (await talent.Client.GetAsync("/api/v1/me/code")).ExpectProblemAsync(HttpStatusCode.NotFound, "no code in force after expiry");
    }

    [Fact]
    public async Task A_code_revoked_by_its_holder_or_replaced_by_a_refresh_is_refused_as_revoked()
    {
        var talent = await QuzhouPhdAsync();
        var hospital = await ProviderAsync("hospital");
        var first = (await IssueAsync(talent.Client))["token"]!.GetValue<string>();
        var second = (await IssueAsync(talent.Client))["token"]!.GetValue<string>();

        var problem = await (await VerifyAsync(hospital, first)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "a code replaced by a refresh");
        Http.That(problem["reason"]!.GetValue<string>() == "revoked" && problem["detail"]!.GetValue<string>().Contains("已作废"), "the replaced code is revoked", problem);
        await (await VerifyAsync(hospital, second)).ExpectJsonAsync(HttpStatusCode.OK, "the newest code");
        var current = await (await talent.Client.GetAsync("/api/v1/me/code")).ExpectJsonAsync(HttpStatusCode.OK, "reading the current code");
        Http.That(current["token"]!.GetValue<string>().Split('.')[0] == second.Split('.')[0], "the current code is the newest", current);

        var revoked = await (await talent.Client.PostJsonAsync("/api/v1/me/code/revoke", new JsonObject { ["reason"] = "截图被转发" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "the holder revoking");
        Http.That(revoked["revoked"]!.GetValue<int>() == 1, "one code was in force", revoked);
        problem = await (await VerifyAsync(hospital, second)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "a revoked code");
        Http.That(problem["reason"]!.GetValue<string>() == "revoked", "the reason is 'revoked'", problem);
        Http.That(!problem.ToJsonString().Contains("截图被转发"), "the holder's reason is not shown to the provider", problem);
        await (await talent.Client.GetAsync("/api/v1/me/code")).ExpectProblemAsync(HttpStatusCode.NotFound, "no code in force after revoking");
        await (await talent.Client.GetAsync("/api/v1/me/code.png")).ExpectProblemAsync(HttpStatusCode.NotFound, "no image after revoking");
    }

    [Fact]
    public async Task The_talent_office_revokes_any_code_with_a_reason()
    {
        var talent = await QuzhouPhdAsync();
        var code = await IssueAsync(talent.Client);
        var codeId = code["codeId"]!.GetValue<string>();
        var admin = await App.ClientAsync(Roles.Admin);

        var noReason = await (await admin.PostJsonAsync($"/api/v1/admin/codes/{codeId}/revoke", new JsonObject())).ExpectProblemAsync(HttpStatusCode.BadRequest, "revoking without a reason");
        Http.That(noReason["errors"]!["reason"]![0]!.GetValue<string>() == "作废须注明原因", "a reason is required", noReason);
        await (await talent.Client.PostJsonAsync($"/api/v1/admin/codes/{codeId}/revoke", new JsonObject { ["reason"] = "x" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent using the administrators' revoke");
        await (await admin.PostJsonAsync("/api/v1/admin/codes/no-such-code/revoke", new JsonObject { ["reason"] = "核查" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "revoking an unknown code");

        var done = await (await admin.PostJsonAsync($"/api/v1/admin/codes/{codeId}/revoke", new JsonObject { ["reason"] = "人才资格核查中" }))
            .ExpectJsonAsync(HttpStatusCode.OK, "the talent office revoking");
        Http.That(done["state"]!.GetValue<string>() == "revoked" && done["revokeReason"]!.GetValue<string>() == "人才资格核查中", "revoked with the reason", done);
        await (await admin.PostJsonAsync($"/api/v1/admin/codes/{codeId}/revoke", new JsonObject { ["reason"] = "again" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "revoking twice");
        var problem = await (await VerifyAsync(await ProviderAsync("school"), code["token"]!.GetValue<string>()))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "a code revoked by the talent office");
        Http.That(problem["reason"]!.GetValue<string>() == "revoked", "the reason is 'revoked'", problem);
    }

    [Fact]
    public async Task Only_service_providers_verify_and_a_holder_cannot_read_another_holders_code()
    {
        var talent = await QuzhouPhdAsync();
        var token = (await IssueAsync(talent.Client))["token"]!.GetValue<string>();
        var other = await App.RegisteredTalentAsync();

        await (await VerifyAsync(other.Client, token)).ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent verifying someone's code");
        await (await VerifyAsync(App.CreateClient(), token)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "verifying without signing in");
        await (await VerifyAsync(await App.ClientAsync(Roles.Window), token)).ExpectProblemAsync(HttpStatusCode.Forbidden, "window staff verifying");
        var unknownKind = await (await VerifyAsync(await ProviderAsync("museum"), token)).ExpectProblemAsync(HttpStatusCode.Forbidden, "a provider kind not in services.yaml");
        Http.That(unknownKind["detail"]!.GetValue<string>().Contains("museum"), "the refusal names the unknown kind", unknownKind);

        // The other holder's code endpoints answer for their own record only: nothing is in force for them.
        await (await other.Client.GetAsync("/api/v1/me/code")).ExpectProblemAsync(HttpStatusCode.NotFound, "another holder reading 'my' code");
        await (await other.Client.GetAsync("/api/v1/me/code.png")).ExpectProblemAsync(HttpStatusCode.NotFound, "another holder reading 'my' code image");
        await (await other.Client.GetAsync($"/api/v1/subjects/{talent.SubjectId}/codes")).ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent reading someone's codes");
        var revoked = await (await other.Client.PostAsync("/api/v1/me/code/revoke", null)).ExpectJsonAsync(HttpStatusCode.OK, "another holder revoking (no body)");
        Http.That(revoked["revoked"]!.GetValue<int>() == 0, "revoking touches one's own codes only", revoked);
        await (await VerifyAsync(await ProviderAsync("hospital"), token)).ExpectJsonAsync(HttpStatusCode.OK, "the first holder's code is still valid");
        await (await App.CreateClient().GetAsync("/api/v1/me/code.png")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "the image without signing in");
    }

    [Fact]
    public async Task The_holder_and_auditors_see_who_scanned_the_code()
    {
        var talent = await QuzhouPhdAsync();
        var code = await IssueAsync(talent.Client);
        var token = code["token"]!.GetValue<string>();
        var hospital = await App.CreateStaffAsync(Roles.Provider, providerKind: "hospital");
        var hospitalClient = await App.LoginAsync(hospital.UserName!);
        await (await VerifyAsync(hospitalClient, token)).ExpectJsonAsync(HttpStatusCode.OK, "scanning");
        await (await VerifyAsync(hospitalClient, token + "x")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "a damaged scan");

        var scans = (await (await talent.Client.GetAsync("/api/v1/me/code/scans")).ExpectAsync(HttpStatusCode.OK, "the holder reading the scans"));
        var list = JsonNode.Parse(scans)!.AsArray();
        Http.That(list.Count == 1, "the holder sees the scan of their code (the damaged one could not name a code)", list);
        Http.That(list[0]!["provider"]!.GetValue<string>() == hospital.DisplayName && list[0]!["providerKind"]!.GetValue<string>() == "医疗机构"
            && list[0]!["outcome"]!.GetValue<string>() == "valid" && list[0]!["codeId"]!.GetValue<string>() == code["codeId"]!.GetValue<string>(),
            "who (the hospital account), which kind and the outcome", list);

        var auditor = await App.ClientAsync(Roles.Auditor);
        var audit = await (await auditor.GetAsync($"/api/v1/subjects/{talent.SubjectId}/codes")).ExpectJsonAsync(HttpStatusCode.OK, "an auditor reading codes and scans");
        Http.That(audit["codes"]!.AsArray().Count == 1 && audit["codes"]![0]!["state"]!.GetValue<string>() == "valid", "the auditor sees the code", audit);
        Http.That(audit["scans"]!.AsArray().Count == 1, "the auditor sees the scan", audit);
    }

    [Fact]
    public async Task An_enterprise_code_shows_a_bank_the_category_registration_and_policy_count_never_the_credit_code()
    {
        var enterprise = await App.RegisteredEnterpriseAsync(city: "wenzhou", name: "温州测试人才科技有限公司");
        await DeclareAsync(enterprise.Client, new JsonObject { ["enterprise.talentFounded"] = true, ["enterprise.registeredDate"] = "2019-05-01" });
        var code = await IssueAsync(enterprise.Client);
        Http.That(code["kind"]!.GetValue<string>() == "enterprise" && code["kindText"]!.GetValue<string>() == "企业码", "an enterprise's code is a 企业码", code);
        Http.That(code["category"]!.GetValue<string>() == "人才创办企业", "its category comes from the profile", code);

        var response = await VerifyAsync(await ProviderAsync("bank"), code["token"]!.GetValue<string>());
        var body = await response.Content.ReadAsStringAsync();
        var view = await response.ExpectJsonAsync(HttpStatusCode.OK, "a bank verifying an enterprise code");
        Http.That(view["kindText"]!.GetValue<string>() == "企业码" && view["message"]!.GetValue<string>() == "企业码有效", "valid 企业码", view);
        Http.That(view["name"]!.GetValue<string>() == enterprise.Name && view["registered"]!.GetValue<string>() == "2019-05-01"
            && view["city"]!.GetValue<string>() == "温州市" && view["policyCount"] != null, "a bank sees name, registration, city and policy count", view);
        Http.That(Ids(view["services"]).SequenceEqual(["wenzhou.bank.talent_bank"]), "the bank sees the 温州人才银行 service", view);
        Assert.DoesNotContain(enterprise.IdNumber, body);
    }

    [Fact]
    public async Task The_QR_image_is_a_PNG_for_the_holder_only_and_never_cached()
    {
        var talent = await QuzhouPhdAsync();
        await IssueAsync(talent.Client);
        var png = await talent.Client.GetAsync("/api/v1/me/code.png");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", png.Headers.CacheControl?.ToString() ?? "");
        var bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        var svg = await talent.Client.GetAsync("/api/v1/me/code.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync());
    }
}

/// <summary>The system clock moved by a fixed amount.</summary>
public sealed class ShiftedClock(TimeSpan by) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
}

public sealed class CodeScenariosOnSqlite(SqliteApp app) : CodeScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class CodeScenariosOnPostgres(PostgresServer server) : CodeScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;

    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await server.AppFor(nameof(CodeScenariosOnPostgres));

    public Task DisposeAsync() => Task.CompletedTask;
}
