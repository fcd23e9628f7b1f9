using System.Text.Json;
using System.Text.Json.Nodes;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Cases;

/// <summary>How the results of a case reach the applicant (办事结果送达): online to the message centre (网上送达), by post
/// (快递送达 — seed 002: “办事结果送达‘快递跑’”, “以快递形式取到由办结材料组成的‘精英礼包’”) or collected at the window
/// (窗口自取). For post, the recipient, mobile and address.</summary>
public sealed record CaseDelivery(string Method, string? Recipient = null, string? Mobile = null, string? Address = null)
{
    public const string Online = "online", Post = "post", Window = "window";

    public static readonly CaseDelivery Default = new(Online);

    public bool ByPost => Method == Post;

    public string MethodText => MethodName(Method);

    public static string MethodName(string method) => method switch
    {
        Post => "快递送达", Window => "窗口自取", _ => "网上送达（消息中心）",
    };

    /// <summary>"浙江省杭州市… · 张三 · 138****5678" — the mobile masked.</summary>
    public string? PostalText => ByPost ? $"{Address} · {Recipient} · {(MobileNumber.TryParse(Mobile, out var m, out _) ? m.Masked : "")}" : null;

    /// <summary>Checks and normalises what the applicant asked for (null: the default, online); Chinese messages under
    /// "delivery.*".</summary>
    public static CaseDelivery Check(CaseDelivery? given, List<ProfileError> errors)
    {
        if (given == null) return Default;
        var method = given.Method?.Trim() ?? "";
        if (method is not (Online or Post or Window))
        {
            errors.Add(new("delivery.method", "送达方式应为 online（网上送达）、post（快递送达）或 window（窗口自取）"));
            return Default;
        }
        if (method != Post) return new CaseDelivery(method);
        var recipient = given.Recipient?.Trim() ?? "";
        var address = given.Address?.Trim() ?? "";
        if (recipient.Length == 0 || recipient.Length > 50) errors.Add(new("delivery.recipient", "请填写收件人（不超过 50 字）"));
        if (address.Length < 6 || address.Length > 200) errors.Add(new("delivery.address", "请填写详细的收件地址（6—200 字，含省市区和门牌）"));
        string? mobile = null;
        if (!MobileNumber.TryParse(given.Mobile, out var number, out var error)) errors.Add(new("delivery.mobile", "收件人" + error));
        else mobile = number.Value;
        return new CaseDelivery(Post, recipient, mobile, address);
    }
}

/// <summary>What the applicant submitted (the combined form's values and the delivery), kept encrypted with the platform's
/// personal-data key: the form carries names, bank accounts, addresses and mobiles. The identity number is never in it
/// (only masked). Stored as "enc1:" + base64 of AES-GCM over the JSON.</summary>
public static class CaseApplication
{
    private const string Prefix = "enc1:";

    private sealed record Stored(JsonObject Values, CaseDelivery Delivery);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public static string Seal(PersonalDataProtector protector, JsonObject values, CaseDelivery delivery) =>
        Prefix + Convert.ToBase64String(protector.Encrypt(JsonSerializer.Serialize(new Stored(values, delivery), Json)));

    public static (JsonObject Values, CaseDelivery Delivery) Open(PersonalDataProtector protector, string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
            return (JsonNode.Parse(stored) as JsonObject ?? [], CaseDelivery.Default); // written before the form was encrypted
        var s = JsonSerializer.Deserialize<Stored>(protector.Decrypt(Convert.FromBase64String(stored[Prefix.Length..])), Json)!;
        return (s.Values, s.Delivery);
    }
}
