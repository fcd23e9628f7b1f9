using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Registry;

/// <summary>Registration (建档), accounts and records through the real host, on SQLite and on PostgreSQL.</summary>
public abstract class RegistryScenarios
{
    protected abstract TalentOneApp App { get; }

    private static JsonObject Person(string name, string id, string mobile, string userName, string password = TestAccounts.Password) => new()
    {
        ["name"] = name, ["idNumber"] = id, ["mobile"] = mobile, ["userName"] = userName, ["password"] = password,
    };

    [Fact]
    public async Task A_talent_registers_and_the_record_holds_the_birth_date_from_the_ID_with_the_ID_encrypted_and_masked()
    {
        var birth = new DateOnly(1991, 7, 9);
        var t = await App.RegisteredTalentAsync(birth, "李四");
        var record = await (await t.Client.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "reading my record");
        Http.That(record["name"]!.GetValue<string>() == "李四" && record["kind"]!.GetValue<string>() == "person", "the record is the person's", record);
        Http.That(record["profile"]!["person"]!["birthDate"]!.GetValue<string>() == "1991-07-09", "the birth date comes from the ID", record);
        var birthFact = record["facts"]!.AsArray().Single(f => f!["fact"]!.GetValue<string>() == "person.birthDate")!;
        Http.That(birthFact["status"]!.GetValue<string>() == "verified", "the birth date taken from the ID counts as verified", birthFact);
        var masked = record["identifierMasked"]!.GetValue<string>();
        Http.That(masked == t.IdNumber[..3] + new string('*', 13) + t.IdNumber[^2..],
            "the ID is shown masked", record);
        Assert.DoesNotContain(t.IdNumber, record.ToJsonString());
        Assert.DoesNotContain(t.Mobile, record.ToJsonString());

        // At rest: neither the ID number nor the mobile appears in the database row.
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TalentOneDb>();
        var row = await db.Subjects.AsNoTracking().SingleAsync(s => s.Id == t.SubjectId);
        Assert.DoesNotContain(t.IdNumber, System.Text.Encoding.UTF8.GetString(row.IdentifierCipher!));
        Assert.DoesNotContain(t.IdNumber, row.IdentifierIndex + row.IdentifierMasked + row.ProfileJson);
        Assert.Equal(t.IdNumber, scope.ServiceProvider.GetRequiredService<PersonalDataProtector>().Decrypt(row.IdentifierCipher!));
    }

    [Theory]
    [InlineData("11010519491231002Y", "idNumber", "X")]
    [InlineData("110105194912310021", "idNumber", "校验位")]
    [InlineData("12345", "idNumber", "18")]
    public async Task An_invalid_ID_number_is_refused_with_a_Chinese_message_and_nothing_is_stored(string id, string field, string words)
    {
        var client = App.CreateClient();
        var userName = TestAccounts.UniqueName("bad");
        var problem = await (await client.PostJsonAsync("/api/v1/account/register/person", Person("王五", id, TestAccounts.NewMobile(), userName)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, $"registering with ID {id}");
        var messages = problem["errors"]?[field]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];
        Http.That(messages.Any(m => m.Contains(words, StringComparison.Ordinal)), $"the {field} error mentions '{words}'", problem);
        await AssertNoUserAsync(userName);
    }

    [Fact]
    public async Task An_invalid_mobile_number_and_a_weak_password_are_each_named()
    {
        var userName = TestAccounts.UniqueName("bad");
        var problem = await (await App.CreateClient().PostJsonAsync("/api/v1/account/register/person",
                Person("王五", TestAccounts.NewIdNumber(new DateOnly(1990, 1, 1)), "1234567", userName, "short")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "registering with a bad mobile");
        Http.That(problem["errors"]?["mobile"] is JsonArray, "the mobile is named", problem);

        var weak = await (await App.CreateClient().PostJsonAsync("/api/v1/account/register/person",
                Person("王五", TestAccounts.NewIdNumber(new DateOnly(1990, 1, 1)), TestAccounts.NewMobile(), userName, "short")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "registering with a weak password");
        Http.That(weak["errors"]?["password"]?.AsArray().Any(m => m!.GetValue<string>().Contains("10", StringComparison.Ordinal)) == true,
            "the password rule is stated in Chinese", weak);
        await AssertNoUserAsync(userName);
    }

    [Fact]
    public async Task One_person_one_record_a_second_registration_with_the_same_ID_is_refused_with_409()
    {
        var t = await App.RegisteredTalentAsync();
        var userName = TestAccounts.UniqueName("dup");
        var problem = await (await App.CreateClient().PostJsonAsync("/api/v1/account/register/person", Person("张三", t.IdNumber, TestAccounts.NewMobile(), userName)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "registering the same ID again");
        Http.That(problem["detail"]!.GetValue<string>().Contains("已建档", StringComparison.Ordinal), "the problem says the ID is already registered", problem);
        Assert.DoesNotContain(t.IdNumber, problem.ToJsonString());
        await AssertNoUserAsync(userName);

        await using var scope = App.Services.CreateAsyncScope();
        var index = scope.ServiceProvider.GetRequiredService<PersonalDataProtector>().BlindIndex("id:" + t.IdNumber);
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Subjects.CountAsync(s => s.IdentifierIndex == index));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_password()
    {
        var t = await App.RegisteredTalentAsync();
        var client = App.CreateClient();
        for (int i = 0; i < 4; i++)
        {
            var wrong = await (await client.PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = t.UserName, ["password"] = "Wrong-password-1" }))
                .ExpectProblemAsync(HttpStatusCode.Unauthorized, $"wrong password #{i + 1}");
            Http.That(wrong["detail"]!.GetValue<string>() == "用户名或密码错误", "a wrong password is told in Chinese", wrong);
        }
        await (await client.PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = t.UserName, ["password"] = "Wrong-password-1" }))
            .ExpectProblemAsync(HttpStatusCode.Locked, "fifth wrong password");
        var locked = await (await client.PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = t.UserName, ["password"] = TestAccounts.Password }))
            .ExpectProblemAsync(HttpStatusCode.Locked, "the right password while locked out");
        Http.That(locked["detail"]!.GetValue<string>().Contains("锁定", StringComparison.Ordinal), "the answer says the account is locked", locked);

        // The talent office lifts the lock.
        var admin = await App.ClientAsync(Roles.Admin);
        var user = await FindUserAsync(t.UserName);
        await (await admin.PostAsync($"/api/v1/admin/accounts/{user.Id}/unlock", null)).ExpectAsync(HttpStatusCode.NoContent, "unlocking");
        var session = await App.LoginAsync(t.UserName);

        // A disabled account cannot sign in; the record stays.
        await (await admin.PostAsync($"/api/v1/admin/accounts/{user.Id}/disable", null)).ExpectAsync(HttpStatusCode.NoContent, "disabling");
        var disabled = await (await App.CreateClient().PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = t.UserName, ["password"] = TestAccounts.Password }))
            .ExpectProblemAsync(HttpStatusCode.Locked, "signing in to a disabled account");
        Http.That(disabled["detail"]!.GetValue<string>().Contains("停用", StringComparison.Ordinal), "the answer says the account is disabled", disabled);
        await using var scope = App.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Subjects.AnyAsync(s => s.Id == t.SubjectId), "the record is kept");
        Assert.NotNull(session);
    }

    [Fact]
    public async Task Two_step_verification_once_enabled_requires_the_authenticator_code_at_sign_in()
    {
        var t = await App.RegisteredTalentAsync();
        var setup = await (await t.Client.PostAsync("/api/v1/account/2fa/setup", null)).ExpectJsonAsync(HttpStatusCode.OK, "setting up 2FA");
        var key = setup["sharedKey"]!.GetValue<string>();
        Http.That(setup["authenticatorUri"]!.GetValue<string>().StartsWith("otpauth://totp/", StringComparison.Ordinal), "an otpauth URI is given", setup);
        await (await t.Client.PostJsonAsync("/api/v1/account/2fa/enable", new JsonObject { ["code"] = "000000" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "enabling with a wrong code");
        await (await t.Client.PostJsonAsync("/api/v1/account/2fa/enable", new JsonObject { ["code"] = Totp.Code(key) }))
            .ExpectAsync(HttpStatusCode.NoContent, "enabling with the right code");

        var client = App.CreateClient();
        var needs = await (await client.PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = t.UserName, ["password"] = TestAccounts.Password }))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "signing in without the code");
        Http.That(needs["requiresTwoFactor"]?.GetValue<bool>() == true, "the answer says a code is needed", needs);
        await (await client.GetAsync("/api/v1/me/record")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "the record without completing sign-in");
        await (await client.PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = t.UserName, ["password"] = TestAccounts.Password, ["code"] = Totp.Code(key) }))
            .ExpectAsync(HttpStatusCode.OK, "signing in with the code");
        await (await client.GetAsync("/api/v1/me/record")).ExpectAsync(HttpStatusCode.OK, "the record after sign-in");
    }

    [Fact]
    public async Task A_profile_change_is_validated_whole_and_recorded_old_to_new_and_a_stale_version_is_refused()
    {
        var t = await App.RegisteredTalentAsync(new DateOnly(1992, 3, 15));
        var before = await (await t.Client.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "record");
        var version = before["version"]!.GetValue<int>();

        var bad = await (await t.Client.PatchAsync("/api/v1/me/record", Json(new JsonObject
        {
            ["version"] = version,
            ["facts"] = new JsonObject { ["education.level"] = "doctorate", ["education.graduationDate"] = "1980-01-01", ["work.county"] = "atlantis" },
        }))).ExpectProblemAsync(HttpStatusCode.BadRequest, "a change with a graduation before birth and an unknown county");
        Http.That(bad["errors"]?["work.county"] is JsonArray && bad["errors"]?["education.graduationDate"] is JsonArray, "each bad field is named", bad);
        var unchanged = await (await t.Client.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "record after the refused change");
        Http.That(unchanged["profile"]!["education"] == null && unchanged["version"]!.GetValue<int>() == version, "nothing of the refused change was stored", unchanged);

        var ok = await (await t.Client.PatchAsync("/api/v1/me/record", Json(new JsonObject
        {
            ["version"] = version,
            ["facts"] = new JsonObject { ["education.level"] = "doctorate", ["education.fullTime"] = true, ["work.city"] = "quzhou", ["work.county"] = "kecheng" },
        }))).ExpectJsonAsync(HttpStatusCode.OK, "a valid change");
        Http.That(ok["city"]!.GetValue<string>() == "quzhou" && ok["version"]!.GetValue<int>() == version + 1, "the record moved to the next version and its city", ok);

        await (await t.Client.PatchAsync("/api/v1/me/record", Json(new JsonObject { ["version"] = version, ["facts"] = new JsonObject { ["education.level"] = "master" } })))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "a change made on the stale version");

        await (await t.Client.PatchAsync("/api/v1/me/record", Json(new JsonObject { ["facts"] = new JsonObject { ["education.level"] = "master" } })))
            .ExpectAsync(HttpStatusCode.OK, "changing the level again");
        var history = (await (await t.Client.GetAsync("/api/v1/me/record/history")).ExpectAsync(HttpStatusCode.OK, "history"));
        var changes = JsonNode.Parse(history)!.AsArray().Where(c => c!["fact"]!.GetValue<string>() == "education.level").ToList();
        Http.That(changes.Count == 2 && changes[0]!["oldValue"]!.GetValue<string>() == "doctorate" && changes[0]!["newValue"]!.GetValue<string>() == "master"
            && changes[1]!["oldValue"] == null && changes[0]!["status"]!.GetValue<string>() == "declared", "history shows old → new, newest first", JsonNode.Parse(history));

        await (await t.Client.PatchAsync("/api/v1/me/record", Json(new JsonObject { ["facts"] = new JsonObject { ["person.birthDate"] = "1980-01-01" } })))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "changing the birth date taken from the ID");
    }

    [Fact]
    public async Task The_package_of_my_record_lists_the_eligible_policies_not_yet_applied_for()
    {
        var t = await App.RegisteredTalentAsync(new DateOnly(1992, 3, 15));
        await (await t.Client.PatchAsync("/api/v1/me/record", Json(new JsonObject
        {
            ["facts"] = JsonNode.Parse("""
                {"education.level": "doctorate", "education.fullTime": true, "education.doubleFirstClass": true, "education.graduationDate": "2020-06-30",
                 "employment.status": "employed", "employment.fullTime": true, "employment.startDate": "2020-08-01", "employment.serviceAgreementYears": 5,
                 "work.city": "quzhou", "work.county": "kecheng", "employer.type": "enterprise", "socialInsurance.startDate": "2020-08-01"}
                """),
        }))).ExpectAsync(HttpStatusCode.OK, "filling in a Quzhou PhD's facts");
        var package = await (await t.Client.GetAsync("/api/v1/me/package?date=2021-09-01")).ExpectJsonAsync(HttpStatusCode.OK, "my package");
        var eligible = package["package"]!["eligible"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        var notApplied = package["notYetApplied"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Http.That(eligible.Count > 0 && eligible.Any(id => id.StartsWith("quzhou.", StringComparison.Ordinal)), "a Quzhou PhD is eligible for Quzhou policies", package);
        Http.That(notApplied.SequenceEqual(eligible), "with no applications yet, every eligible policy is listed as not yet applied for", package);
        await (await t.Client.GetAsync("/api/v1/me/package?date=2021-13-01")).ExpectProblemAsync(HttpStatusCode.BadRequest, "a bad date");
    }

    [Fact]
    public async Task Staff_verify_facts_from_a_material_within_their_city_and_the_record_says_who()
    {
        var t = await App.RegisteredTalentAsync();
        await (await t.Client.PatchAsync("/api/v1/me/record", Json(new JsonObject { ["facts"] = new JsonObject { ["work.city"] = "quzhou", ["education.level"] = "master" } })))
            .ExpectAsync(HttpStatusCode.OK, "declaring a master's degree in Quzhou");

        var quzhou = await App.ClientAsync(Roles.Window, "quzhou.hrss");
        var hangzhou = await App.ClientAsync(Roles.Window, "hangzhou.hrss");
        var auditor = await App.ClientAsync(Roles.Auditor);

        var found = JsonNode.Parse(await (await quzhou.PostJsonAsync("/api/v1/subjects/search", new JsonObject { ["q"] = t.IdNumber })).ExpectAsync(HttpStatusCode.OK, "searching by the full ID"))!.AsArray();
        Http.That(found.Count == 1 && found[0]!["id"]!.GetValue<long>() == t.SubjectId, "the full ID number finds the record", found);
        Assert.DoesNotContain(t.IdNumber, found.ToJsonString());
        var none = JsonNode.Parse(await (await hangzhou.PostJsonAsync("/api/v1/subjects/search", new JsonObject { ["q"] = t.IdNumber })).ExpectAsync(HttpStatusCode.OK, "searching from Hangzhou"))!.AsArray();
        Http.That(none.Count == 0, "a Hangzhou window does not find a Quzhou record", none);
        await (await hangzhou.GetAsync($"/api/v1/subjects/{t.SubjectId}")).ExpectAsync(HttpStatusCode.NotFound, "Hangzhou reading a Quzhou record");

        await (await quzhou.PostJsonAsync($"/api/v1/subjects/{t.SubjectId}/facts", new JsonObject { ["facts"] = new JsonObject { ["education.level"] = "doctorate" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "verifying without naming the material");
        var verified = await (await quzhou.PostJsonAsync($"/api/v1/subjects/{t.SubjectId}/facts", new JsonObject
        {
            ["facts"] = new JsonObject { ["education.level"] = "doctorate" }, ["material"] = "博士学位证书（证书编号核验）",
        })).ExpectJsonAsync(HttpStatusCode.OK, "verifying the degree from the certificate");
        var level = verified["facts"]!.AsArray().Single(f => f!["fact"]!.GetValue<string>() == "education.level")!;
        Http.That(level["value"]!.GetValue<string>() == "doctorate" && level["status"]!.GetValue<string>() == "verified"
            && level["departmentId"]!.GetValue<string>() == "quzhou.hrss" && level["material"]!.GetValue<string>().Contains("学位证书", StringComparison.Ordinal),
            "the fact is verified by the Quzhou HRSS bureau from the certificate", level);

        await (await hangzhou.PostJsonAsync($"/api/v1/subjects/{t.SubjectId}/facts", new JsonObject { ["facts"] = new JsonObject { ["education.level"] = "master" }, ["material"] = "x" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "Hangzhou verifying a Quzhou record");
        await (await auditor.GetAsync($"/api/v1/subjects/{t.SubjectId}/history")).ExpectAsync(HttpStatusCode.OK, "an auditor reads the history");
        await (await auditor.PostJsonAsync($"/api/v1/subjects/{t.SubjectId}/facts", new JsonObject { ["facts"] = new JsonObject { ["education.level"] = "master" }, ["material"] = "x" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "an auditor changing a record");
    }

    [Fact]
    public async Task A_record_made_by_the_window_is_claimed_at_registration_with_the_same_name_and_mobile_only()
    {
        var window = await App.ClientAsync(Roles.Window, "quzhou.hrss");
        var id = TestAccounts.NewIdNumber(new DateOnly(1988, 5, 20));
        var mobile = TestAccounts.NewMobile();
        var made = await (await window.PostJsonAsync("/api/v1/subjects/persons", new JsonObject
        {
            ["name"] = "赵六", ["idNumber"] = id, ["mobile"] = mobile, ["facts"] = new JsonObject { ["education.level"] = "master" },
        })).ExpectJsonAsync(HttpStatusCode.Created, "the window registers a person");
        Http.That(made["city"]!.GetValue<string>() == "quzhou", "the record belongs to the window's city", made);

        await (await App.CreateClient().PostJsonAsync("/api/v1/account/register/person", Person("赵六", id, TestAccounts.NewMobile(), TestAccounts.UniqueName("x"))))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "registering with the ID but another mobile");
        var me = await (await App.CreateClient().PostJsonAsync("/api/v1/account/register/person", Person("赵六", id, mobile, TestAccounts.UniqueName("claim"))))
            .ExpectJsonAsync(HttpStatusCode.Created, "the person claims the record");
        Http.That(me["subjectId"]!.GetValue<long>() == made["id"]!.GetValue<long>(), "the account is linked to the existing record", me);
        await (await App.CreateClient().PostJsonAsync("/api/v1/account/register/person", Person("赵六", id, mobile, TestAccounts.UniqueName("again"))))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "claiming a record that has an account");
    }

    [Fact]
    public async Task An_enterprise_registers_once_and_adds_a_colleague_who_acts_for_the_same_record()
    {
        var e = await App.RegisteredEnterpriseAsync();
        await (await App.CreateClient().PostJsonAsync("/api/v1/account/register/enterprise", new JsonObject
        {
            ["name"] = "另一家公司", ["creditCode"] = e.IdNumber, ["mobile"] = TestAccounts.NewMobile(), ["city"] = "quzhou",
            ["userName"] = TestAccounts.UniqueName("ent"), ["displayName"] = "x", ["password"] = TestAccounts.Password,
        })).ExpectProblemAsync(HttpStatusCode.Conflict, "registering the same credit code again");
        var bad = await (await App.CreateClient().PostJsonAsync("/api/v1/account/register/enterprise", new JsonObject
        {
            ["name"] = "坏代码公司", ["creditCode"] = "91330800MA2XXXXXX0", ["mobile"] = TestAccounts.NewMobile(), ["city"] = "quzhou",
            ["userName"] = TestAccounts.UniqueName("ent"), ["displayName"] = "x", ["password"] = TestAccounts.Password,
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "a malformed credit code");
        Http.That(bad["errors"]?["creditCode"] is JsonArray, "the credit code is named", bad);

        var colleague = TestAccounts.UniqueName("colleague");
        await (await e.Client.PostJsonAsync("/api/v1/enterprise/users", new JsonObject { ["userName"] = colleague, ["displayName"] = "财务", ["password"] = TestAccounts.Password }))
            .ExpectAsync(HttpStatusCode.Created, "adding a colleague");
        var other = await App.LoginAsync(colleague);
        var record = await (await other.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "the colleague reads the record");
        Http.That(record["id"]!.GetValue<long>() == e.SubjectId && record["kind"]!.GetValue<string>() == "enterprise", "both users act for one enterprise", record);
    }

    [Fact]
    public async Task The_talent_office_creates_staff_accounts_a_reviewer_needs_a_department_and_a_provider_a_known_kind()
    {
        var admin = await App.ClientAsync(Roles.Admin);
        JsonObject Staff(string role, string? dep, string? kind) => new()
        {
            ["userName"] = TestAccounts.UniqueName(role), ["displayName"] = "测试", ["role"] = role, ["departmentId"] = dep, ["providerKind"] = kind, ["password"] = TestAccounts.Password,
        };
        var noDep = await (await admin.PostJsonAsync("/api/v1/admin/accounts/", Staff(Roles.Reviewer, null, null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "a reviewer without a department");
        Http.That(noDep["errors"]?["departmentId"] is JsonArray, "the department is named", noDep);
        var badDep = await (await admin.PostJsonAsync("/api/v1/admin/accounts/", Staff(Roles.Reviewer, "atlantis.hrss", null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "an unknown department");
        Http.That(badDep["errors"]?["departmentId"] is JsonArray, "the department is named", badDep);
        var badKind = await (await admin.PostJsonAsync("/api/v1/admin/accounts/", Staff(Roles.Provider, null, "astrologer"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "an unknown provider kind");
        Http.That(badKind["errors"]?["providerKind"]?.AsArray().Any(m => m!.GetValue<string>().Contains("hospital", StringComparison.Ordinal)) == true, "the known kinds are listed", badKind);
        await (await admin.PostJsonAsync("/api/v1/admin/accounts/", Staff("superuser", null, null))).ExpectProblemAsync(HttpStatusCode.BadRequest, "an unknown role");
        var reviewer = await (await admin.PostJsonAsync("/api/v1/admin/accounts/", Staff(Roles.Reviewer, "quzhou.talent_office", null))).ExpectJsonAsync(HttpStatusCode.Created, "a reviewer of the Quzhou talent office");
        Http.That(reviewer["departmentId"]!.GetValue<string>() == "quzhou.talent_office" && reviewer["roles"]![0]!.GetValue<string>() == Roles.Reviewer, "the account has its role and department", reviewer);
        await (await admin.PostJsonAsync("/api/v1/admin/accounts/", Staff(Roles.Provider, null, "hospital"))).ExpectAsync(HttpStatusCode.Created, "a hospital");
        var departments = JsonNode.Parse(await (await App.CreateClient().GetAsync("/api/v1/departments")).ExpectAsync(HttpStatusCode.OK, "departments"))!.AsArray();
        Http.That(departments.Any(d => d!["id"]!.GetValue<string>() == "quzhou.hrss" && d["name"]!.GetValue<string>() == "衢州市人力社保局")
            && departments.Select(d => d!["city"]!.GetValue<string>()).Distinct().Count() == 11, "every one of the 11 cities has its departments", departments);
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private async Task<PlatformUser> FindUserAsync(string userName)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
    }

    private async Task AssertNoUserAsync(string userName)
    {
        await using var scope = App.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Users.AnyAsync(u => u.UserName == userName), "no account was stored");
    }
}

/// <summary>RFC 6238 codes, as an authenticator app computes them.</summary>
public static class Totp
{
    public static string Code(string base32Key, DateTimeOffset? at = null)
    {
        var key = Base32(base32Key);
        var counter = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds() / 30;
        var msg = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian) Array.Reverse(msg);
        var hash = HMACSHA1.HashData(key, msg);
        int o = hash[^1] & 0xf;
        int bin = ((hash[o] & 0x7f) << 24) | (hash[o + 1] << 16) | (hash[o + 2] << 8) | hash[o + 3];
        return (bin % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string s)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0; var value = 0; var output = new List<byte>();
        foreach (var c in s.ToUpperInvariant().Where(c => c != ' ' && c != '='))
        {
            value = (value << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8) { output.Add((byte)(value >> (bits - 8))); bits -= 8; }
        }
        return [.. output];
    }
}

public sealed class RegistryScenariosOnSqlite(SqliteApp app) : RegistryScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class RegistryScenariosOnPostgres(PostgresServer server) : RegistryScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;
    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");
    public async Task InitializeAsync() => _app = await server.AppFor(nameof(RegistryScenariosOnPostgres));
    public Task DisposeAsync() => Task.CompletedTask;
}
