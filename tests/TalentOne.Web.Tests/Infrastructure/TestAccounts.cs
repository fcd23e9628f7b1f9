using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Data.Registry;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;

namespace TalentOne.Web.Tests.Infrastructure;

/// <summary>Accounts for tests: staff made the way the talent office makes them, talents registering through the API,
/// each signed in on its own client (its own cookie).</summary>
public static class TestAccounts
{
    public const string Password = "Zhejiang-2026-pass";

    private static int _sequence;

    public static string UniqueName(string prefix) => $"{prefix}{Interlocked.Increment(ref _sequence)}x{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>A valid resident ID number (GB 11643) for someone born on <paramref name="birth"/>, unique per call.</summary>
    public static string NewIdNumber(DateOnly birth, string? area = null)
    {
        // Unique within the test run: the sequence gives the serial (000–999) and, beyond that, the area code.
        var n = Interlocked.Increment(ref _idSequence);
        var first17 = $"{area ?? Areas[n / 1000 % Areas.Length]}{birth:yyyyMMdd}{n % 1000:000}";
        return first17 + ResidentId.CheckCharacter(first17);
    }

    private static int _idSequence = Random.Shared.Next(1000);

    /// <summary>Zhejiang county-level area codes (GB/T 2260).</summary>
    private static readonly string[] Areas = ["330802", "330803", "330822", "330824", "330825", "330881", "330102", "330106", "330110", "330203"];

    public static string NewMobile() => "139" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A valid unified social credit code, unique per call.</summary>
    public static string NewCreditCode()
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var body = "91330800" + string.Concat(Enumerable.Range(0, 9).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]));
        return body + CreditCode.CheckCharacter(body);
    }

    public static async Task<PlatformUser> CreateStaffAsync(this TalentOneApp app, string role, string? department = null, string? providerKind = null, string? userName = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        return await accounts.CreateStaffAsync(new StaffAccount(userName ?? UniqueName(role), Roles.Label(role) + "测试", role,
            department ?? (role is Roles.Reviewer or Roles.Window ? "quzhou.hrss" : null), providerKind ?? (role == Roles.Provider ? "hospital" : null), Password), null, default);
    }

    public static async Task<HttpClient> LoginAsync(this TalentOneApp app, string userName, string password = Password)
    {
        var client = app.CreateClient();
        await (await client.PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = userName, ["password"] = password }))
            .ExpectAsync(HttpStatusCode.OK, $"signing in as {userName}");
        return client;
    }

    /// <summary>A signed-in client of a new account with <paramref name="role"/>.</summary>
    public static async Task<HttpClient> ClientAsync(this TalentOneApp app, string role, string? department = null, string? providerKind = null)
    {
        if (role == Roles.Talent) return (await app.RegisteredTalentAsync()).Client;
        if (role == Roles.Enterprise) return (await app.RegisteredEnterpriseAsync()).Client;
        var user = await app.CreateStaffAsync(role, department, providerKind);
        return await app.LoginAsync(user.UserName!);
    }

    public sealed record Registered(HttpClient Client, string UserName, long SubjectId, string IdNumber, string Mobile, string Name);

    public static async Task<Registered> RegisteredTalentAsync(this TalentOneApp app, DateOnly? birth = null, string name = "张三")
    {
        var client = app.CreateClient();
        var id = NewIdNumber(birth ?? new DateOnly(1992, 3, 15));
        var mobile = NewMobile();
        var userName = UniqueName("talent");
        var me = await (await client.PostJsonAsync("/api/v1/account/register/person", new JsonObject
        {
            ["name"] = name, ["idNumber"] = id, ["mobile"] = mobile, ["userName"] = userName, ["password"] = Password,
        })).ExpectJsonAsync(HttpStatusCode.Created, "registering a talent");
        return new Registered(client, userName, me["subjectId"]!.GetValue<long>(), id, mobile, name);
    }

    public static async Task<Registered> RegisteredEnterpriseAsync(this TalentOneApp app, string city = "quzhou", string name = "衢州测试新材料有限公司")
    {
        var client = app.CreateClient();
        var code = NewCreditCode();
        var mobile = NewMobile();
        var userName = UniqueName("ent");
        var me = await (await client.PostJsonAsync("/api/v1/account/register/enterprise", new JsonObject
        {
            ["name"] = name, ["creditCode"] = code, ["mobile"] = mobile, ["city"] = city, ["userName"] = userName, ["displayName"] = "人事专员", ["password"] = Password,
        })).ExpectJsonAsync(HttpStatusCode.Created, "registering an enterprise");
        return new Registered(client, userName, me["subjectId"]!.GetValue<long>(), code, mobile, name);
    }
}
