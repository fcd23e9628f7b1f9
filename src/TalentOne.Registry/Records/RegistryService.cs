using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;

namespace TalentOne.Registry.Records;

public sealed record PersonRegistration(string Name, string IdNumber, string Mobile);

public sealed record EnterpriseRegistration(string Name, string CreditCode, string Mobile, string City);

/// <summary>Who changes a record, on what authority: self-declared by the holder, or verified / certified by a
/// department from a material.</summary>
public sealed record Provenance(string UserId, FactStatus Status, string? DepartmentId = null, string? Material = null, string? Note = null)
{
    public static Provenance Declared(string userId) => new(userId, FactStatus.Declared);
}

/// <summary>One fact's current value and how it got there (the latest <see cref="FactRecord"/>).</summary>
public sealed record FactState(string Fact, JsonNode? Value, FactStatus Status, string? DepartmentId, string? Material, DateTimeOffset At);

/// <summary>The register (建档): one record per person (by resident ID) and per enterprise (by unified social credit
/// code); every change of a profile fact is validated against the policy schema and recorded old → new with who, when
/// and on what authority. Identity numbers are stored encrypted, indexed blind and shown masked.</summary>
public sealed class RegistryService(TalentOneDb db, PersonalDataProtector protector, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Validates and prepares a person's record (not yet saved). The birth date comes from the ID. An existing
    /// record without an account, with the same name and mobile, is returned instead (claimed); any other existing record
    /// with the same ID number is a duplicate (409).</summary>
    public async Task<Subject> NewPersonAsync(PersonRegistration r, CancellationToken ct)
    {
        var errors = new List<ProfileError>();
        var name = (r.Name ?? "").Trim();
        if (name.Length is 0 or > 50) errors.Add(new("name", name.Length == 0 ? "请填写姓名" : "姓名不能超过 50 个字"));
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        if (!ResidentId.TryParse(r.IdNumber, today, out var id, out var idError)) errors.Add(new("idNumber", idError!));
        if (!MobileNumber.TryParse(r.Mobile, out var mobile, out var mobileError)) errors.Add(new("mobile", mobileError!));
        if (errors.Count > 0) throw new RegistryException(errors);

        var index = protector.BlindIndex("id:" + id.Value);
        if (await db.Subjects.FirstOrDefaultAsync(s => s.Kind == SubjectKind.Person && s.IdentifierIndex == index, ct) is { } existing)
        {
            // A record made for the person by the window or a roster import, with no account yet, is claimed by its owner:
            // the same name and the same mobile number as on the record.
            if (!await db.Users.AnyAsync(u => u.SubjectId == existing.Id, ct) && existing.Name == name
                && existing.MobileCipher is { } m && protector.Decrypt(m) == mobile.Value)
                return existing;
            throw new RegistryException("idNumber", $"身份证号 {id.Masked} 已建档，一人只能建一份档案；如需找回账号请联系综合窗口", 409);
        }

        return NewSubject(SubjectKind.Person, name, id.Value, index, id.Masked, mobile, null,
            new JsonObject { ["birthDate"] = id.BirthDate.ToString("yyyy-MM-dd") });
    }

    public async Task<Subject> NewEnterpriseAsync(EnterpriseRegistration r, PolicyCatalog catalog, CancellationToken ct)
    {
        var errors = new List<ProfileError>();
        var name = (r.Name ?? "").Trim();
        if (name.Length is 0 or > 100) errors.Add(new("name", name.Length == 0 ? "请填写企业名称" : "企业名称不能超过 100 个字"));
        if (!Records.CreditCode.TryParse(r.CreditCode, out var code, out var codeError)) errors.Add(new("creditCode", codeError!));
        if (!MobileNumber.TryParse(r.Mobile, out var mobile, out var mobileError)) errors.Add(new("mobile", mobileError!));
        var cities = catalog.Schema.Facts.TryGetValue("enterprise.city", out var cityFact) ? cityFact.Type.Enum : null;
        if (cities?.Find(r.City ?? "") is null) errors.Add(new("city", "请选择企业所在的设区市"));
        if (errors.Count > 0) throw new RegistryException(errors);

        var index = protector.BlindIndex("uscc:" + code.Value);
        if (await db.Subjects.AnyAsync(s => s.Kind == SubjectKind.Enterprise && s.IdentifierIndex == index, ct))
            throw new RegistryException("creditCode", $"统一社会信用代码 {code.Masked} 已建档，请由本企业已有账号添加用户", 409);
        return NewSubject(SubjectKind.Enterprise, name, code.Value, index, code.Masked, mobile, r.City, new JsonObject { ["city"] = r.City });
    }

    /// <summary>A new record: identifier and mobile encrypted, shown masked; the profile starts with the kind and the
    /// facts the registration itself establishes (a person's birth date, an enterprise's city).</summary>
    private Subject NewSubject(SubjectKind kind, string name, string identifier, string index, string masked, MobileNumber mobile, string? city, JsonObject firstFacts)
    {
        var code = kind == SubjectKind.Person ? "person" : "enterprise";
        var profile = new JsonObject { ["subject"] = new JsonObject { ["kind"] = code }, [code] = firstFacts };
        var now = clock.GetUtcNow();
        return new Subject
        {
            Kind = kind,
            Name = name,
            IdentifierCipher = protector.Encrypt(identifier),
            IdentifierIndex = index,
            IdentifierMasked = masked,
            MobileCipher = protector.Encrypt(mobile.Value),
            MobileMasked = mobile.Masked,
            City = city,
            ProfileJson = profile.ToJsonString(Compact),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Adds a prepared record and its first fact records (tracked, saved by the caller's SaveChanges).
    /// A record already stored (claimed at registration) is left as it is.</summary>
    public void Add(Subject subject, string byUserId)
    {
        if (subject.Id != 0) return;
        db.Subjects.Add(subject);
        var now = clock.GetUtcNow();
        foreach (var (fact, value) in Flatten(JsonNode.Parse(subject.ProfileJson)!.AsObject()))
            db.FactRecords.Add(new FactRecord
            {
                Subject = subject, Fact = fact, NewValueJson = value?.ToJsonString(Compact),
                Status = fact == "person.birthDate" ? FactStatus.Verified : FactStatus.Declared,
                Note = fact == "person.birthDate" ? "取自身份证号" : null,
                ByUserId = byUserId, At = now,
            });
    }

    /// <summary>Changes facts of a record: each value is checked against the schema and the whole profile re-validated;
    /// unchanged values are skipped; each change is recorded with its provenance. A null value clears the fact
    /// (unknown). <paramref name="expectedVersion"/>, when given, refuses a change made on a stale copy.</summary>
    public async Task<IReadOnlyList<FactRecord>> ChangeFactsAsync(long subjectId, IReadOnlyDictionary<string, JsonNode?> facts,
        Provenance by, PolicyCatalog catalog, int? expectedVersion, CancellationToken ct)
    {
        var subject = await db.Subjects.FirstOrDefaultAsync(s => s.Id == subjectId, ct)
            ?? throw new RegistryException("subject", "档案不存在", 404);
        if (expectedVersion is int v && v != subject.Version)
            throw new RegistryException("version", "档案已被他人修改，请刷新后重试", 409);
        if (facts.Count == 0) throw new RegistryException("facts", "没有要修改的字段");

        var profile = JsonNode.Parse(subject.ProfileJson)!.AsObject();
        var errors = new List<ProfileError>();
        var changes = new List<FactRecord>();
        var now = clock.GetUtcNow();
        // A certified category is changed by certification (or its expiry), never by the holder's own declaration.
        var certified = by.Status == FactStatus.Declared ? await CertifiedFactsAsync(subject.Id, ct) : [];
        foreach (var (path, value) in facts)
        {
            if (!catalog.Schema.Facts.TryGetValue(path, out var def)) { errors.Add(new(path, $"未知字段“{path}”")); continue; }
            if (path == "subject.kind") { errors.Add(new(path, "申请主体类型不能修改")); continue; }
            if (subject.Kind == SubjectKind.Person && path == "person.birthDate")
            { errors.Add(new(path, "出生日期取自身份证号，不能修改")); continue; }
            var dot = path.IndexOf('.');
            var section = path[..dot];
            var name = path[(dot + 1)..];
            var sectionNode = profile[section] as JsonObject;
            var old = sectionNode?[name];
            if (JsonNode.DeepEquals(old, value)) continue;
            if (certified.Contains(path)) { errors.Add(new(path, $"{def.Label}已经部门认定，不能自行修改；如有变化请重新申请认定")); continue; }
            if (sectionNode == null) profile[section] = sectionNode = new JsonObject();
            if (value == null) sectionNode.Remove(name);
            else sectionNode[name] = value.DeepClone();
            changes.Add(new FactRecord
            {
                SubjectId = subject.Id, Fact = path, OldValueJson = old?.ToJsonString(Compact), NewValueJson = value?.ToJsonString(Compact),
                Status = by.Status, DepartmentId = by.DepartmentId, Material = Trim(by.Material, 500), Note = Trim(by.Note, 1000),
                ByUserId = by.UserId, At = now,
            });
        }
        if (errors.Count > 0) throw new RegistryException(errors);

        var json = profile.ToJsonString(Compact);
        try { ProfileReader.Read(catalog, json, DateOnly.FromDateTime(now.UtcDateTime)); }
        catch (ProfileException pe) { throw new RegistryException(pe.Errors); }

        if (changes.Count == 0 && by.Status == FactStatus.Declared) return changes;
        if (changes.Count == 0)
        {
            // Verifying an unchanged value still records who verified it, from what.
            foreach (var path in facts.Keys)
            {
                var node = Get(profile, path);
                changes.Add(new FactRecord
                {
                    SubjectId = subject.Id, Fact = path, OldValueJson = node?.ToJsonString(Compact), NewValueJson = node?.ToJsonString(Compact),
                    Status = by.Status, DepartmentId = by.DepartmentId, Material = Trim(by.Material, 500), Note = Trim(by.Note, 1000),
                    ByUserId = by.UserId, At = now,
                });
            }
        }
        subject.ProfileJson = json;
        subject.UpdatedAt = now;
        subject.City = City(profile) ?? subject.City;
        subject.Version++;
        db.FactRecords.AddRange(changes);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new RegistryException("version", "档案已被他人修改，请刷新后重试", 409); }
        return changes;
    }

    /// <summary>Facts whose latest record is a certification.</summary>
    private async Task<HashSet<string>> CertifiedFactsAsync(long subjectId, CancellationToken ct)
    {
        var rows = await db.FactRecords.AsNoTracking().Where(r => r.SubjectId == subjectId)
            .OrderBy(r => r.Id).Select(r => new { r.Fact, r.Status }).ToListAsync(ct);
        var latest = new Dictionary<string, FactStatus>(StringComparer.Ordinal);
        foreach (var r in rows) latest[r.Fact] = r.Status;
        return latest.Where(kv => kv.Value == FactStatus.Certified).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Each fact's current value with its latest provenance.</summary>
    public async Task<IReadOnlyList<FactState>> FactStatesAsync(Subject subject, CancellationToken ct)
    {
        var records = await db.FactRecords.Where(r => r.SubjectId == subject.Id).OrderBy(r => r.Id).ToListAsync(ct);
        var latest = new Dictionary<string, FactRecord>();
        foreach (var r in records) latest[r.Fact] = r;
        var profile = JsonNode.Parse(subject.ProfileJson)!.AsObject();
        return Flatten(profile)
            .Select(f => latest.TryGetValue(f.Fact, out var r)
                ? new FactState(f.Fact, f.Value, r.Status, r.DepartmentId, r.Material, r.At)
                : new FactState(f.Fact, f.Value, FactStatus.Declared, null, null, subject.CreatedAt))
            .ToList();
    }

    public static IEnumerable<(string Fact, JsonNode? Value)> Flatten(JsonObject profile)
    {
        foreach (var (section, node) in profile)
            if (node is JsonObject o)
                foreach (var (name, value) in o)
                    yield return (section + "." + name, value);
    }

    private static JsonNode? Get(JsonObject profile, string path)
    {
        var dot = path.IndexOf('.');
        return (profile[path[..dot]] as JsonObject)?[path[(dot + 1)..]];
    }

    private static string? City(JsonObject profile) =>
        (Get(profile, "work.city") ?? Get(profile, "enterprise.city")) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? Trim(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
